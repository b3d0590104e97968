package awssim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// normalize fills the defaults of a validated world: the index of accounts,
// the enabled regions and the ids AWS would have generated. Ids derive from
// the world's content, so a world gives the same ids on every Start.
func (s *Server) normalize() {
	w := s.world
	s.orgID = w.OrganizationID
	if s.orgID == "" {
		for _, a := range w.Accounts {
			if a.Management {
				s.orgID = "o-" + hexID(10, "org", string(a.ID))
			}
		}
		w.OrganizationID = s.orgID
	}
	regions := w.Regions
	for i := range w.Accounts {
		a := &w.Accounts[i]
		s.accounts[string(a.ID)] = a
		if a.Management {
			s.mgmt = a
		}
		if a.Status == "" {
			a.Status = "ACTIVE"
		}
		if a.RoleName == "" {
			a.RoleName = "OrganizationAccountAccessRole"
		}
		if a.Email == "" {
			a.Email = "aws+" + strings.ToLower(strings.ReplaceAll(a.Name, " ", "-")) + "@example.com"
		}
		if len(w.Regions) == 0 {
			for r := range a.Regions {
				if !slices.Contains(regions, r) {
					regions = append(regions, r)
				}
			}
		}
		for _, r := range slices.Sorted(maps.Keys(a.Regions)) {
			if st := a.Regions[r]; st != nil {
				normalizeRegion(a, r, st)
			}
		}
	}
	if len(w.Regions) == 0 {
		slices.Sort(regions)
		w.Regions = regions
	}
	for _, r := range regions {
		s.enabled[r] = true
	}
}

func normalizeRegion(a *Account, region string, st *RegionState) {
	id := string(a.ID)
	if sh := st.SecurityHub; sh != nil {
		for i := range sh.Standards {
			std := &sh.Standards[i]
			if !strings.HasPrefix(std.ARN, "arn:") {
				std.ARN = fmt.Sprintf("arn:aws:securityhub:%s::standards/%s", region, strings.TrimPrefix(std.ARN, "standards/"))
			}
			if std.Status == "" {
				std.Status = "READY"
			}
		}
		for i := range sh.Findings {
			f := &sh.Findings[i]
			if f.GeneratorID == "" && f.Control != "" {
				f.GeneratorID = "security-control/" + f.Control
			}
			if f.ProductARN == "" {
				f.ProductARN = fmt.Sprintf("arn:aws:securityhub:%s::product/aws/securityhub", region)
			}
			if f.Compliance == "" && f.Control != "" {
				f.Compliance = "FAILED"
			}
			if f.RecordState == "" {
				f.RecordState = "ACTIVE"
			}
			if f.Workflow == "" {
				f.Workflow = "NEW"
			}
			if f.Resource.Type == "" {
				f.Resource = Resource{Type: "AwsAccount", ID: "AWS::::Account:" + id}
			}
			if f.ID == "" {
				u := uuidFrom("securityhub", id, region, fmt.Sprint(i), f.Title, f.Resource.ID)
				if f.Control != "" {
					f.ID = fmt.Sprintf("arn:aws:securityhub:%s:%s:security-control/%s/finding/%s", region, id, f.Control, u)
				} else {
					f.ID = fmt.Sprintf("arn:aws:securityhub:%s:%s:finding/%s", region, id, u)
				}
			}
			if f.GeneratorID == "" {
				f.GeneratorID = "awssim/" + strings.ToLower(strings.ReplaceAll(f.Title, " ", "-"))
			}
		}
	}
	if gd := st.GuardDuty; gd != nil {
		normalizeGuardDutyExtras(gd, string(id), region)
		for i := range gd.Detectors {
			d := &gd.Detectors[i]
			if d.ID == "" {
				d.ID = hexID(32, "detector", id, region, fmt.Sprint(i))
			}
			if d.Status == "" {
				d.Status = "ENABLED"
			}
			if d.FindingPublishingFrequency == "" {
				d.FindingPublishingFrequency = "SIX_HOURS"
			}
			for j := range d.Findings {
				f := &d.Findings[j]
				if f.ID == "" {
					f.ID = hexID(32, "finding", id, region, d.ID, fmt.Sprint(j), f.Type)
				}
				if f.Count == 0 {
					f.Count = 1
				}
			}
		}
	}
	if ec := st.EC2; ec != nil {
		for i := range ec.Instances {
			in := &ec.Instances[i]
			if in.State == "" {
				in.State = "running"
			}
			if in.Type == "" {
				in.Type = "t3.micro"
			}
			if in.Platform == "" {
				in.Platform = "Linux/UNIX"
			}
			if in.ImageID == "" {
				in.ImageID = "ami-" + hexID(17, "ami", region, in.Platform)
			}
		}
	}
	if sm := st.SSM; sm != nil {
		for i := range sm.ManagedNodes {
			n := &sm.ManagedNodes[i]
			if n.PingStatus == "" {
				n.PingStatus = "Online"
			}
			if n.PlatformType == "" {
				n.PlatformType = "Linux"
			}
			if n.ResourceType == "" {
				n.ResourceType = "EC2Instance"
				if strings.HasPrefix(n.ID, "mi-") {
					n.ResourceType = "ManagedInstance"
				}
			}
			if n.AgentVersion == "" {
				n.AgentVersion = "3.3.1142.0"
			}
			if p := n.Patch; p != nil {
				if p.Operation == "" {
					p.Operation = "Scan"
				}
				if p.BaselineID == "" {
					p.BaselineID = defaultPatchBaseline(region, n.PlatformType)
				}
			}
		}
	}
}

// defaultPatchBaseline is an AWS-owned default baseline id for the platform.
func defaultPatchBaseline(region, platform string) string {
	return fmt.Sprintf("arn:aws:ssm:%s:aws:patchbaseline/pb-%s", region, hexID(17, "baseline", region, platform))
}

// hexID derives n lowercase hex digits from parts.
func hexID(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}

// uuidFrom derives a version-4-shaped UUID from parts.
func uuidFrom(parts ...string) string {
	h := hexID(32, parts...)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
