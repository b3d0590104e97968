package policies

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	want := Config{
		SecurityHub: SecurityHubConfig{
			RequiredStandards: []string{"aws-foundational-security-best-practices", "cis-aws-foundations-benchmark"},
			CriticalSLADays:   7,
			HighSLADays:       30,
			// securityhub.exposure_findings
			ExposureCriticalSLADays: 7,
			ExposureHighSLADays:     30,
		},
		GuardDuty: GuardDutyConfig{
			RequiredFeatures:               []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"},
			RequiredRuntimeAgentManagement: []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"},
			MinSeverity:                    7.0,
			OrgAutoEnable:                  []string{"ALL"},
			S3MalwareProtectionBuckets:     []string{},
		},
		CloudTrail: CloudTrailConfig{DeliveryMaxAgeHours: 24, CloudWatchMaxAgeHours: 24},
		SSM:        SSMConfig{PatchScanMaxAgeDays: 7, AvailableSecurityUpdatesNonCompliant: true},
		Custom:     map[string]any{},
	}
	got := DefaultConfig()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig() = %+v\nwant %+v", got, want)
	}
	got.SecurityHub.RequiredStandards[0] = "changed"
	if DefaultConfig().SecurityHub.RequiredStandards[0] != "aws-foundational-security-best-practices" {
		t.Error("DefaultConfig() shares its slices")
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	doc := `# tighter SLAs
securityhub:
  critical_sla_days: 3
  required_standards: [cis-aws-foundations-benchmark]
guardduty:
  min_severity: 8.5
  required_runtime_agent_management: []
  unoffered_features_fail: true
ssm:
  available_security_updates_non_compliant: false
custom:
  owner_tag: team
  exempt: {accounts: ["111122223333"]}
`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConfig(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.SecurityHub.CriticalSLADays = 3
	want.SecurityHub.RequiredStandards = []string{"cis-aws-foundations-benchmark"}
	want.GuardDuty.MinSeverity = 8.5
	want.GuardDuty.RequiredRuntimeAgentManagement = []string{}
	want.GuardDuty.UnofferedFeaturesFail = true
	want.SSM.AvailableSecurityUpdatesNonCompliant = false
	want.Custom = map[string]any{"owner_tag": "team", "exempt": map[string]any{"accounts": []any{"111122223333"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadConfig = %+v\nwant %+v", got, want)
	}

	if _, err := LoadConfig(t.Context(), filepath.Join(dir, "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "read config: ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty", "", ""},
		{"comments only", "# nothing\n", ""},
		{"null sections keep defaults", "securityhub:\nssm: null\n", ""},
		{"float for an integer", "ssm:\n  patch_scan_max_age_days: 1.5\n", "config.yaml:2:28: must be a whole number, got 1.5"},
		{"unknown section", "securityhub:\n  high_sla_days: 10\nsecurity_hub: {}\n", `config.yaml:3:1: unknown field "security_hub"`},
		{"unknown key", "securityhub:\n  high_sla_days: 10\n  critcal_sla_days: 3\n", `config.yaml:3:3: unknown field "critcal_sla_days"`},
		{"wrong type", "ssm:\n  patch_scan_max_age_days: seven\n", `config.yaml:2:28: "seven" is not a number`},
		{"unknown agent management", "guardduty:\n  required_runtime_agent_management: [EC2_AGENT_MANAGEMENT, EC2]\n", `config.yaml:2:61: must be one of EKS_ADDON_MANAGEMENT, ECS_FARGATE_AGENT_MANAGEMENT, EC2_AGENT_MANAGEMENT, got "EC2"`},
		{"not a boolean", "ssm:\n  available_security_updates_non_compliant: 2\n", `config.yaml:2:45: "2" is not a boolean`},
		{"list expected", "guardduty:\n  required_features: S3_DATA_EVENTS\n", "config.yaml:2:22: string was used where sequence is expected"},
		{"invalid value", "cloudtrail:\n  delivery_max_age_hours: -1\n", "config.yaml:2:27: must be a positive number, got -1"},
		{"invalid severity", "guardduty:\n  min_severity: 11\n", "config.yaml:2:17: must be between 7 and 10, got 11"},
		// NaN compares false with everything: it must not slip through to
		// a JSON encoding error blamed on custom:.
		// A "billion laughs" document: 300 bytes that took 11 s and 773 MB.
		{"alias bomb", "custom:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "config.yaml:7:10: YAML aliases expand this document by more than 100000 nodes; write the values out instead"},
		// A tag made goccy/go-yaml panic on a typed list (found by fuzzing).
		{"tag", "securityhub:\n  required_standards: !000\n00000000000000\n", "config.yaml:2:23: YAML tags such as \"!000\" are not supported; remove the tag"},
		{"NaN severity", "guardduty:\n  min_severity: .nan\n", "config.yaml:2:17: must be between 7 and 10, got NaN"},
		// The collector reads findings of severity 7 and up only (GD-13):
		// a lower threshold would pass medium findings it never saw.
		{"severity below what is collected", "guardduty:\n  min_severity: 4\n", "config.yaml:2:17: must be between 7 and 10, got 4: only findings of severity 7.0 (GuardDuty's high band) and up are collected, so lower ones would pass unseen"},
		{"empty name", "securityhub:\n  required_standards: [cis, '']\n", "config.yaml:2:29: must not be empty"},
		{"syntax", "securityhub:\n  high_sla_days: [1\n", "config.yaml:2:18:"},
		{"not a mapping", "- 1\n", "config.yaml:1:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(t.Context(), "config.yaml", []byte(tt.doc))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want == "":
			case err == nil:
				t.Errorf("no error, want %q", tt.want)
			case !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n"):
				t.Errorf("error %q, want one line starting %q", err, tt.want)
			}
		})
	}
}

// shortListOverrides are test values of the list thresholds whose default
// has fewer than two entries.
var shortListOverrides = map[string]string{
	"org_auto_enable":               "[NEW]",
	"s3_malware_protection_buckets": "[acme-uploads]",
}

// TestEveryThresholdOverrides sets each threshold of Config in a config file
// and holds that the file's value is the one used: a threshold the file
// could not override would silently ignore the user.
func TestEveryThresholdOverrides(t *testing.T) {
	def := reflect.ValueOf(DefaultConfig())
	for i := range def.NumField() {
		section := def.Type().Field(i)
		if section.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range section.Type.NumField() {
			f := section.Type.Field(j)
			key := yamlKey(f)
			old := def.Field(i).Field(j)
			var value string
			switch old.Kind() {
			case reflect.Int:
				value = strconv.Itoa(int(old.Int()) + 1)
			case reflect.Float64:
				value = strconv.FormatFloat(old.Float()+0.5, 'f', -1, 64)
			case reflect.Bool:
				value = strconv.FormatBool(!old.Bool())
			case reflect.Slice:
				if v, ok := shortListOverrides[key]; ok {
					value = v // a default of fewer than two entries
				} else {
					value = "[" + old.Index(old.Len()-1).String() + "]"
				}
			default:
				t.Fatalf("%s.%s: no test value for %v", yamlKey(section), key, old.Type())
			}
			doc := fmt.Sprintf("%s:\n  %s: %s\n", yamlKey(section), key, value)
			cfg, err := ParseConfig(t.Context(), "config.yaml", []byte(doc))
			if err != nil {
				t.Errorf("%q: %v", doc, err)
				continue
			}
			got := reflect.ValueOf(cfg).Field(i).Field(j)
			if reflect.DeepEqual(got.Interface(), old.Interface()) {
				t.Errorf("%q left %s.%s at its default %v", doc, yamlKey(section), key, old)
			}
			data, err := cfg.data()
			if err != nil {
				t.Fatal(err)
			}
			if v := data[yamlKey(section)].(map[string]any)[key]; fmt.Sprint(v) == fmt.Sprint(old.Interface()) {
				t.Errorf("%q: data.baseline.config.%s.%s is still %v", doc, yamlKey(section), key, v)
			}
		}
	}
}
