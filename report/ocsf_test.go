package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ocsfRequired is the minimal list of attributes OCSF 1.1.0 requires of a
// Compliance Finding (class 2003) and of the objects it holds, from
// ocsf/ocsf-schema at tag v1.1.0 (see the schema in
// testdata/ocsf-schema for the files): a path per attribute.
var ocsfRequired = []string{
	"activity_id", "category_uid", "class_uid", "type_uid", "time", "severity_id",
	"metadata", "metadata.version", "metadata.product", "metadata.product.vendor_name",
	"finding_info", "finding_info.uid", "finding_info.title",
	"compliance", "compliance.standards",
	"cloud", "cloud.provider", // the cloud profile, listed in metadata.profiles
}

func ocsfEvents(t *testing.T, r *Report) ([]map[string]any, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := (OCSFWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var evs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", i+1, err)
		}
		evs = append(evs, ev)
	}
	return evs, buf.Bytes()
}

func lookup(ev map[string]any, path string) (any, bool) {
	var cur any = ev
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// TestOCSFRequiredAttributes validates every event of several reports
// against the OCSF 1.1.0 requirements: the list above, and the schema
// (required attributes and the enums of the ids) in testdata/ocsf-schema.
func TestOCSFRequiredAttributes(t *testing.T) {
	data, err := os.ReadFile("testdata/ocsf-schema/compliance_finding-1.1.0.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://github.com/baseline-scanner/baseline/report/testdata/ocsf-schema/compliance_finding-1.1.0.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Report{"sample": sampleReport(), "demo": demoLikeReport(), "hostile": hostileMetricsReport()} {
		evs, raw := ocsfEvents(t, r)
		if len(evs) != len(r.Results) {
			t.Fatalf("%s: %d events for %d results", name, len(evs), len(r.Results))
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("%s event %d: %v", name, i+1, err)
			}
			for _, path := range ocsfRequired {
				if v, ok := lookup(evs[i], path); !ok || v == nil || v == "" {
					t.Errorf("%s event %d: required %s is missing", name, i+1, path)
				}
			}
		}
	}
	// The schema is not vacuous: it rejects an event without a required
	// attribute or with an id OCSF does not define.
	evs, _ := ocsfEvents(t, sampleReport())
	for _, mutate := range []func(map[string]any){
		func(ev map[string]any) { delete(ev, "finding_info") },
		func(ev map[string]any) { delete(ev["compliance"].(map[string]any), "standards") },
		func(ev map[string]any) { ev["compliance"].(map[string]any)["status_id"] = 4 },
		func(ev map[string]any) { ev["class_uid"] = 2001 },
		func(ev map[string]any) { ev["metadata"].(map[string]any)["version"] = "1.0.0" },
	} {
		ev := evs[0]
		b, _ := json.Marshal(ev)
		var cp map[string]any
		json.Unmarshal(b, &cp)
		mutate(cp)
		b, _ = json.Marshal(cp)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if schema.Validate(inst) == nil {
			t.Errorf("schema accepts a broken event: %s", b)
		}
	}
}

// TestOCSFStatusMapping holds the documented mapping: ERROR is never a
// pass, WAIVED stays a failure (suppressed), NOT_APPLICABLE has no status
// id; the severity, account, region and identifiers come through.
func TestOCSFStatusMapping(t *testing.T) {
	r := demoLikeReport()
	r.Results = append(r.Results, sampleReport().Results...) // NOT_APPLICABLE
	evs, _ := ocsfEvents(t, r)
	want := map[Status]struct {
		cid, fid    float64 // 0: absent
		cstatus     string
		findingStat string
	}{
		StatusPass:          {1, 4, "Pass", "Resolved"},
		StatusFail:          {3, 1, "Fail", "New"},
		StatusError:         {2, 1, "Warning", "New"},
		StatusWaived:        {3, 3, "Fail", "Suppressed"},
		StatusNotApplicable: {0, 0, "Not Applicable", ""},
	}
	seen := map[Status]bool{}
	uids := map[string]bool{}
	for i, ev := range evs {
		res := r.Results[i]
		w := want[res.Status]
		seen[res.Status] = true
		comp := ev["compliance"].(map[string]any)
		if got, _ := comp["status_id"].(float64); got != w.cid {
			t.Errorf("%s: compliance.status_id %v, want %v", res.Status, comp["status_id"], w.cid)
		}
		if comp["status"] != w.cstatus || comp["status_code"] != string(res.Status) {
			t.Errorf("%s: compliance.status %v, status_code %v", res.Status, comp["status"], comp["status_code"])
		}
		if got, _ := ev["status_id"].(float64); got != w.fid {
			t.Errorf("%s: status_id %v, want %v", res.Status, ev["status_id"], w.fid)
		}
		if got, _ := ev["status"].(string); got != w.findingStat {
			t.Errorf("%s: status %q, want %q", res.Status, got, w.findingStat)
		}
		sid, _ := ocsfSeverity(res.Severity)
		if ev["severity_id"].(float64) != float64(sid) || sid == 0 {
			t.Errorf("%s: severity_id %v", res.Severity, ev["severity_id"])
		}
		cloud := ev["cloud"].(map[string]any)
		if cloud["account"].(map[string]any)["uid"] != res.AccountID {
			t.Errorf("cloud.account.uid %v, want %s", cloud["account"], res.AccountID)
		}
		if region, _ := cloud["region"].(string); (res.Region == Global && region != "") || (res.Region != Global && region != res.Region) {
			t.Errorf("cloud.region %q for region %s", region, res.Region)
		}
		if ev["time"].(float64) != float64(r.GeneratedAt.UnixMilli()) || ev["type_uid"].(float64) != 200301 {
			t.Errorf("time %v, type_uid %v", ev["time"], ev["type_uid"])
		}
		uid := ev["finding_info"].(map[string]any)["uid"].(string)
		if uids[uid] {
			t.Errorf("finding_info.uid %s is not unique", uid)
		}
		uids[uid] = true
	}
	for s := range want {
		if !seen[s] {
			t.Errorf("the demo-like report has no %s result to map", s)
		}
	}
}

// TestOCSFResourcePartition: the partition is the second field of an ARN;
// a resource that is not an ARN has none.
func TestOCSFResourcePartition(t *testing.T) {
	r := sampleReport()
	for _, tc := range []struct{ resource, want string }{
		{"arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0", "aws"},
		{"arn:aws-cn:guardduty:cn-north-1:111111111111:detector/1", "aws-cn"},
		{"arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/t", "aws-us-gov"},
		{"111111111111/eu-west-1", ""},
	} {
		ev := ocsfEventOf(r, Result{ControlID: "x.y", Status: StatusFail, Severity: SeverityLow, AccountID: "111111111111", Region: "eu-west-1", Resource: tc.resource})
		if ev.Resource == nil || ev.Resource.UID != tc.resource || ev.Resource.CloudPartition != tc.want {
			t.Errorf("%s: resource %+v, want partition %q", tc.resource, ev.Resource, tc.want)
		}
	}
}
