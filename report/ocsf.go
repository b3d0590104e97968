package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// OCSFVersion is the OCSF schema version of `--format ocsf`: the version of
// Amazon Security Lake's own (version 2) sources.
const OCSFVersion = "1.1.0"

// OCSF Compliance Finding: class 2003 of category 2 (Findings).
const (
	ocsfCategoryUID = 2
	ocsfClassUID    = 2003
	ocsfActivityID  = 1 // Create: each scan reports its findings anew
	ocsfTypeUID     = ocsfClassUID*100 + ocsfActivityID
)

// OCSFWriter writes one OCSF 1.1.0 Compliance Finding (class_uid 2003) per
// result, one JSON object per line (NDJSON): the form Amazon Data Firehose
// or a Glue job converts to the Parquet files a Security Lake custom source
// must deliver (docs/dashboards.md). Statuses map as follows (the
// compliance object's status_id has only Pass, Warning and Fail in every
// OCSF version; the finding's status_id is its workflow state):
//
//	baseline        compliance.status_id  finding status_id
//	PASS            1 Pass                4 Resolved
//	FAIL            3 Fail                1 New
//	ERROR           2 Warning             1 New
//	WAIVED          3 Fail                3 Suppressed
//	NOT_APPLICABLE  (none)                (none)
//
// ERROR is Warning ("did not yield a result due to missing information"),
// never Pass; WAIVED stays a Fail, suppressed; NOT_APPLICABLE has no OCSF
// value, so both status_ids (recommended, not required) are left out and
// compliance.status says "Not Applicable". compliance.status_code is always
// baseline's own status.
type OCSFWriter struct{}

// Extension implements Writer.
func (OCSFWriter) Extension() string { return "ocsf.ndjson" }

type ocsfEvent struct {
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	TypeUID      int              `json:"type_uid"`
	TypeName     string           `json:"type_name"`
	Time         int64            `json:"time"` // ms since the epoch
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id,omitempty"`
	Status       string           `json:"status,omitempty"`
	Message      string           `json:"message"`
	Metadata     ocsfMetadata     `json:"metadata"`
	FindingInfo  ocsfFindingInfo  `json:"finding_info"`
	Compliance   ocsfCompliance   `json:"compliance"`
	Remediation  *ocsfRemediation `json:"remediation,omitempty"`
	Resource     *ocsfResource    `json:"resource,omitempty"`
	Cloud        ocsfCloud        `json:"cloud"`
	Unmapped     ocsfUnmapped     `json:"unmapped"`
}

type ocsfMetadata struct {
	Version  string      `json:"version"`
	Product  ocsfProduct `json:"product"`
	Profiles []string    `json:"profiles"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
}

type ocsfFindingInfo struct {
	UID   string `json:"uid"`
	Title string `json:"title"`
	Desc  string `json:"desc,omitempty"`
}

type ocsfCompliance struct {
	Standards    []string `json:"standards"`
	Control      string   `json:"control"`
	Requirements []string `json:"requirements,omitempty"`
	StatusID     int      `json:"status_id,omitempty"`
	Status       string   `json:"status"`
	StatusCode   string   `json:"status_code"`
	StatusDetail string   `json:"status_detail,omitempty"`
}

type ocsfRemediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references,omitempty"`
}

type ocsfResource struct {
	UID            string `json:"uid"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition,omitempty"`
}

type ocsfCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region,omitempty"`
	Account  ocsfAccount `json:"account"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

// ocsfUnmapped holds what OCSF has no attribute for.
type ocsfUnmapped struct {
	Team    string `json:"team"`
	Service string `json:"service"`
	Waiver  *struct {
		Reason  string `json:"reason"`
		Owner   string `json:"owner"`
		Expires string `json:"expires"`
	} `json:"waiver,omitempty"`
}

// ocsfStatus maps a result status to compliance.status_id and its caption
// and to the finding's status_id and its caption (0: left out).
func ocsfStatus(s Status) (complianceID int, compliance string, findingID int, finding string) {
	switch s {
	case StatusPass:
		return 1, "Pass", 4, "Resolved"
	case StatusFail:
		return 3, "Fail", 1, "New"
	case StatusWaived:
		return 3, "Fail", 3, "Suppressed"
	case StatusNotApplicable:
		return 0, "Not Applicable", 0, ""
	}
	// ERROR, and any status this code does not know: not observed, never
	// a pass.
	return 2, "Warning", 1, "New"
}

// ocsfSeverity maps a severity to severity_id and its caption.
func ocsfSeverity(s Severity) (int, string) {
	switch s {
	case SeverityCritical:
		return 5, "Critical"
	case SeverityHigh:
		return 4, "High"
	case SeverityMedium:
		return 3, "Medium"
	case SeverityLow:
		return 2, "Low"
	}
	return 0, "Unknown"
}

// ocsfEventOf builds the Compliance Finding of one result.
func ocsfEventOf(r *Report, res Result) ocsfEvent {
	cid, cstatus, fid, fstatus := ocsfStatus(res.Status)
	sid, sev := ocsfSeverity(res.Severity)
	ev := ocsfEvent{
		ActivityID: ocsfActivityID, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Compliance Finding",
		TypeUID: ocsfTypeUID, TypeName: "Compliance Finding: Create",
		Time:       r.GeneratedAt.UnixMilli(),
		SeverityID: sid, Severity: sev,
		StatusID: fid, Status: fstatus,
		Message: res.Message,
		Metadata: ocsfMetadata{
			Version:  OCSFVersion,
			Product:  ocsfProduct{Name: "baseline", VendorName: "baseline", Version: r.Tool.Version},
			Profiles: []string{"cloud"},
		},
		FindingInfo: ocsfFindingInfo{
			// Stable across scans: the same control on the same account,
			// region and resource is the same finding.
			UID:   strings.Join([]string{"baseline", res.ControlID, res.AccountID, res.Region, res.Resource}, "/"),
			Title: res.Title(),
			Desc:  res.Message,
		},
		Compliance: ocsfCompliance{
			Standards: []string{"baseline"},
			Control:   res.ControlID,
			StatusID:  cid, Status: cstatus, StatusCode: string(res.Status),
			StatusDetail: res.Message,
		},
		Cloud: ocsfCloud{
			Provider: "AWS",
			Account:  ocsfAccount{UID: res.AccountID, Name: res.AccountName, TypeID: 10, Type: "AWS Account"},
		},
		Unmapped: ocsfUnmapped{Team: res.Team, Service: res.Service()},
	}
	if res.Region != Global {
		ev.Cloud.Region = res.Region
	}
	var urls []string
	for _, ref := range res.References() {
		if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
			urls = append(urls, ref)
		} else {
			// "CIS 3.1", "CloudTrail.1": the equivalent requirements.
			ev.Compliance.Requirements = append(ev.Compliance.Requirements, ref)
		}
	}
	if res.Remediation() != "" {
		ev.Remediation = &ocsfRemediation{Desc: res.Remediation(), References: urls}
	}
	if res.Resource != "" {
		ev.Resource = &ocsfResource{UID: res.Resource, Region: ev.Cloud.Region}
		if strings.HasPrefix(res.Resource, "arn:") {
			if parts := strings.SplitN(res.Resource, ":", 3); len(parts) == 3 {
				ev.Resource.CloudPartition = parts[1]
			}
		}
	}
	if w := res.Waiver; w != nil {
		ev.Unmapped.Waiver = &struct {
			Reason  string `json:"reason"`
			Owner   string `json:"owner"`
			Expires string `json:"expires"`
		}{w.Reason, w.Owner, w.Expires}
	}
	return ev
}

// Write writes one Compliance Finding per result, in the report's order.
func (OCSFWriter) Write(w io.Writer, doc Document) error {
	r, ok := doc.(*Report)
	if !ok {
		return &UnsupportedError{Format: "ocsf", Kind: doc.Kind()}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, res := range r.Results {
		if err := enc.Encode(ocsfEventOf(r, res)); err != nil {
			return fmt.Errorf("write ocsf report: %s %s/%s: %w", res.ControlID, res.AccountID, res.Region, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ocsf report: %w", err)
	}
	return nil
}
