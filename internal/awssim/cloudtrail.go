package awssim

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

var cloudtrailOps = map[string]handler{
	"DescribeTrails":    describeTrails,
	"GetTrailStatus":    getTrailStatus,
	"GetEventSelectors": getEventSelectors,
}

// visibleTrail is a trail as seen from one account and region.
type visibleTrail struct {
	*Trail
	owner  *Account
	home   string
	arn    string
	shadow bool // seen outside its home region, or an organization trail seen from a member
}

// trailsVisible lists the trails DescribeTrails shows in the caller's
// region: its own trails homed there, its multi-region trails as shadows,
// and the management account's organization trails.
func trailsVisible(c *call) []visibleTrail {
	var out []visibleTrail
	add := func(owner *Account, orgOnly bool) {
		for _, home := range slices.Sorted(maps.Keys(owner.Regions)) {
			st := owner.Regions[home]
			if st == nil || st.CloudTrail == nil {
				continue
			}
			for i := range st.CloudTrail.Trails {
				t := &st.CloudTrail.Trails[i]
				if orgOnly && !t.Organization {
					continue
				}
				if home != c.region && !t.MultiRegion {
					continue
				}
				out = append(out, visibleTrail{
					Trail: t, owner: owner, home: home,
					arn:    fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", home, owner.ID, t.Name),
					shadow: home != c.region || orgOnly,
				})
			}
		}
	}
	add(c.account, false)
	if mgmt := c.srv.mgmt; mgmt != c.account {
		add(mgmt, true)
	}
	return out
}

// findTrail resolves a trail name (the caller's own, homed in this region)
// or ARN (any trail visible here).
func findTrail(c *call, nameOrARN string) (*visibleTrail, error) {
	for _, t := range trailsVisible(c) {
		if t.arn == nameOrARN || !strings.HasPrefix(nameOrARN, "arn:") && !t.shadow && t.Name == nameOrARN {
			return &t, nil
		}
	}
	if strings.HasPrefix(nameOrARN, "arn:") && !strings.HasPrefix(nameOrARN, "arn:aws:cloudtrail:") {
		return nil, errorf(http.StatusBadRequest, "CloudTrailARNInvalidException", "Invalid trail ARN: %s", nameOrARN)
	}
	return nil, errorf(http.StatusBadRequest, "TrailNotFoundException",
		"Unknown trail: %s for the user: %s", nameOrARN, c.account.ID)
}

func describeTrails(c *call) (any, error) {
	var in struct {
		TrailNameList       []string `json:"trailNameList"`
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	}
	if err := decodeJSON(c, &in, "InvalidParameterException"); err != nil {
		return nil, err
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	list := []map[string]any{}
	for _, t := range trailsVisible(c) {
		if t.shadow && !shadows {
			continue
		}
		if len(in.TrailNameList) > 0 && !slices.Contains(in.TrailNameList, t.arn) &&
			!(slices.Contains(in.TrailNameList, t.Name) && !t.shadow) {
			continue
		}
		list = append(list, t.describe())
	}
	return map[string]any{"trailList": list}, nil
}

func (t visibleTrail) describe() map[string]any {
	global := t.IncludeGlobalServiceEvents == nil || *t.IncludeGlobalServiceEvents
	out := map[string]any{
		"Name":                       t.Name,
		"S3BucketName":               t.S3Bucket,
		"IncludeGlobalServiceEvents": global,
		"IsMultiRegionTrail":         t.MultiRegion,
		"HomeRegion":                 t.home,
		"TrailARN":                   t.arn,
		"LogFileValidationEnabled":   t.LogFileValidation,
		"HasCustomEventSelectors":    len(t.EventSelectors) > 0 || len(t.AdvancedEventSelectors) > 0,
		"HasInsightSelectors":        false,
		"IsOrganizationTrail":        t.Organization,
	}
	for k, v := range map[string]string{
		"S3KeyPrefix":               t.S3KeyPrefix,
		"KmsKeyId":                  t.KMSKeyID,
		"CloudWatchLogsLogGroupArn": t.CloudWatchLogsLogGroupARN,
		"CloudWatchLogsRoleArn":     t.CloudWatchLogsRoleARN,
	} {
		if v != "" {
			out[k] = v
		}
	}
	if t.CloudWatchLogsLogGroupARN != "" && t.CloudWatchLogsRoleARN == "" {
		out["CloudWatchLogsRoleArn"] = fmt.Sprintf("arn:aws:iam::%s:role/CloudTrail_CloudWatchLogs_Role", t.owner.ID)
	}
	return out
}

func getTrailStatus(c *call) (any, error) {
	var in struct{ Name string }
	if err := decodeJSON(c, &in, "InvalidParameterException"); err != nil {
		return nil, err
	}
	t, err := findTrail(c, in.Name)
	if err != nil {
		return nil, err
	}
	s := c.srv
	// GetTrailStatus "returns trail status from a single Region": the
	// delivery facts of the region called, which may differ from the home's.
	delivery, deliveryErr := t.LatestDelivery, t.LatestDeliveryError
	cwDelivery, cwErr := t.LatestCloudWatchLogsDelivery, t.LatestCloudWatchLogsDeliveryError
	if rs, ok := t.RegionStatus[c.region]; ok {
		delivery, deliveryErr = cmp.Or(rs.LatestDelivery, delivery), cmp.Or(rs.LatestDeliveryError, deliveryErr)
		cwDelivery, cwErr = cmp.Or(rs.LatestCloudWatchLogsDelivery, cwDelivery), cmp.Or(rs.LatestCloudWatchLogsDeliveryError, cwErr)
	}
	out := map[string]any{"IsLogging": t.Logging}
	times := map[string]*float64{
		"StartLoggingTime":                 epoch(s.resolve(t.StartLogging)),
		"StopLoggingTime":                  epoch(s.resolve(t.StopLogging)),
		"LatestDeliveryTime":               epoch(s.resolve(delivery)),
		"LatestCloudWatchLogsDeliveryTime": epoch(s.resolve(cwDelivery)),
		"LatestDigestDeliveryTime":         nil,
	}
	if t.LogFileValidation {
		times["LatestDigestDeliveryTime"] = epoch(s.resolve(delivery))
	}
	for k, v := range times {
		if v != nil {
			out[k] = *v
		}
	}
	if latest := s.resolve(delivery); !latest.IsZero() {
		out["LatestDeliveryAttemptTime"] = isoTime(latest)
		out["LatestDeliveryAttemptSucceeded"] = isoTime(latest)
		if deliveryErr != "" {
			out["LatestDeliveryAttemptSucceeded"] = ""
		}
	}
	if deliveryErr != "" {
		out["LatestDeliveryError"] = deliveryErr
	}
	if cwErr != "" {
		out["LatestCloudWatchLogsDeliveryError"] = cwErr
	}
	return out, nil
}

func getEventSelectors(c *call) (any, error) {
	var in struct{ TrailName string }
	if err := decodeJSON(c, &in, "InvalidParameterException"); err != nil {
		return nil, err
	}
	t, err := findTrail(c, in.TrailName)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"TrailARN": t.arn}
	if len(t.AdvancedEventSelectors) > 0 {
		var adv []map[string]any
		for _, s := range t.AdvancedEventSelectors {
			var fields []map[string]any
			for _, f := range s.FieldSelectors {
				fs := map[string]any{"Field": f.Field}
				if len(f.Equals) > 0 {
					fs["Equals"] = f.Equals
				}
				if len(f.NotEquals) > 0 {
					fs["NotEquals"] = f.NotEquals
				}
				fields = append(fields, fs)
			}
			sel := map[string]any{"FieldSelectors": fields}
			if s.Name != "" {
				sel["Name"] = s.Name
			}
			adv = append(adv, sel)
		}
		out["AdvancedEventSelectors"] = adv
		return out, nil
	}
	selectors := t.EventSelectors
	if len(selectors) == 0 {
		selectors = []EventSelector{{ReadWriteType: "All"}}
	}
	var basic []map[string]any
	for _, s := range selectors {
		include := s.IncludeManagementEvents == nil || *s.IncludeManagementEvents
		excluded := []string{}
		excluded = append(excluded, s.ExcludeManagementEventSources...)
		basic = append(basic, map[string]any{
			"ReadWriteType":                 s.ReadWriteType,
			"IncludeManagementEvents":       include,
			"DataResources":                 []any{},
			"ExcludeManagementEventSources": excluded,
		})
	}
	out["EventSelectors"] = basic
	return out, nil
}
