package policies

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/baseline-scanner/baseline/checks/guardduty"

	"github.com/baseline-scanner/baseline/internal/yamlfile"
)

// defaultData is the policy data file; its baseline.config key holds the
// defaults of every threshold. It is the one place the defaults live.
//
//go:embed data.yaml
var defaultData []byte

// Config is the policy data the controls read at data.baseline.config: the
// thresholds of the built-in controls and free-form data for custom ones.
// A config file has the same shape, and only overrides what it sets.
//
// Config is the one declaration of every threshold: the config file's
// document (every key optional), its overrides and its validation are
// derived from these structs by reflection (see config_reflect.go), and the
// defaults are policies/data.yaml's. A threshold is a field with its yaml
// and json key and, optionally, a check tag:
//   - check:"positive": a whole number above 0 (an int field is decoded
//     as a number, so that 1.5 days is an error rather than 1);
//   - check:"names": a list without empty entries;
//   - check:"oneof=A B C": a list of those values.
//
// A section with a rule of its own implements configChecker. A new
// service's thresholds are a section struct, one field here and their
// defaults in data.yaml.
type Config struct {
	SecurityHub SecurityHubConfig `yaml:"securityhub" json:"securityhub"`
	GuardDuty   GuardDutyConfig   `yaml:"guardduty" json:"guardduty"`
	CloudTrail  CloudTrailConfig  `yaml:"cloudtrail" json:"cloudtrail"`
	SSM         SSMConfig         `yaml:"ssm" json:"ssm"`
	// Custom is data for custom controls, at data.baseline.config.custom.
	Custom map[string]any `yaml:"custom" json:"custom"`
}

// SecurityHubConfig holds the Security Hub thresholds.
type SecurityHubConfig struct {
	// RequiredStandards are matched as substrings of a standard's ARN, so
	// that any version of a standard counts.
	RequiredStandards []string `yaml:"required_standards" json:"required_standards" check:"names"`
	CriticalSLADays   int      `yaml:"critical_sla_days" json:"critical_sla_days" check:"positive"`
	HighSLADays       int      `yaml:"high_sla_days" json:"high_sla_days" check:"positive"`
	// ExposureCriticalSLADays and ExposureHighSLADays are the SLAs of the
	// new Security Hub's exposure findings (securityhub.exposure_findings).
	ExposureCriticalSLADays int `yaml:"exposure_critical_sla_days" json:"exposure_critical_sla_days" check:"positive"`
	ExposureHighSLADays     int `yaml:"exposure_high_sla_days" json:"exposure_high_sla_days" check:"positive"`
}

// GuardDutyConfig holds the GuardDuty thresholds.
type GuardDutyConfig struct {
	RequiredFeatures []string `yaml:"required_features" json:"required_features" check:"names"`
	// RequiredRuntimeAgentManagement are the additional configurations of
	// RUNTIME_MONITORING that must be ENABLED when it is required: its
	// additional configurations (FeatureAdditionalConfiguration in the
	// GuardDuty API model).
	RequiredRuntimeAgentManagement []string `yaml:"required_runtime_agent_management" json:"required_runtime_agent_management" check:"oneof=EKS_ADDON_MANAGEMENT ECS_FARGATE_AGENT_MANAGEMENT EC2_AGENT_MANAGEMENT"`
	// UnofferedFeaturesFail makes a required plan the region does not offer
	// fail the control rather than be noted.
	UnofferedFeaturesFail bool    `yaml:"unoffered_features_fail" json:"unoffered_features_fail"`
	MinSeverity           float64 `yaml:"min_severity" json:"min_severity"`
	// OrgAutoEnable are the accepted auto-enable settings of the
	// organization configuration (GuardDuty itself and each required
	// feature): ALL covers existing and new members, NEW new ones only.
	OrgAutoEnable []string `yaml:"org_auto_enable" json:"org_auto_enable" check:"oneof=ALL NEW"`
	// S3MalwareProtectionBuckets are the S3 bucket names that must have an
	// ACTIVE Malware Protection for S3 plan covering the whole bucket;
	// empty (the default) leaves guardduty.s3_malware_protection
	// NOT_APPLICABLE.
	S3MalwareProtectionBuckets []string `yaml:"s3_malware_protection_buckets" json:"s3_malware_protection_buckets" check:"names"`
}

// CloudTrailConfig holds the CloudTrail freshness windows.
type CloudTrailConfig struct {
	DeliveryMaxAgeHours   int `yaml:"delivery_max_age_hours" json:"delivery_max_age_hours" check:"positive"`
	CloudWatchMaxAgeHours int `yaml:"cloudwatch_max_age_hours" json:"cloudwatch_max_age_hours" check:"positive"`
}

// SSMConfig holds the Systems Manager freshness window and patch
// compliance settings.
type SSMConfig struct {
	PatchScanMaxAgeDays int `yaml:"patch_scan_max_age_days" json:"patch_scan_max_age_days" check:"positive"`
	// AvailableSecurityUpdatesNonCompliant says whether available security
	// updates the baseline did not approve make a node non-compliant, as
	// the baselines' AvailableSecurityUpdatesComplianceStatus decides in AWS.
	AvailableSecurityUpdatesNonCompliant bool `yaml:"available_security_updates_non_compliant" json:"available_security_updates_non_compliant"`
}

var defaultConfig = sync.OnceValue(func() Config {
	var doc struct {
		Baseline struct {
			Config Config `yaml:"config"`
		} `yaml:"baseline"`
	}
	if err := yaml.UnmarshalWithOptions(defaultData, &doc, yaml.Strict()); err != nil {
		panic(fmt.Sprintf("policies/data.yaml: %v", err)) // embedded at build time; a test decodes it
	}
	return doc.Baseline.Config
})

// DefaultConfig returns the default configuration, from policies/data.yaml.
func DefaultConfig() Config { return defaultConfig().clone() }

func (c Config) clone() Config {
	cloneLists(reflect.ValueOf(&c).Elem())
	if c.Custom != nil {
		// A JSON round trip deep-copies the free-form data.
		b, _ := json.Marshal(c.Custom)
		c.Custom = nil
		_ = json.Unmarshal(b, &c.Custom)
	}
	return c
}

// LoadConfig reads a YAML config file over the defaults. Errors are one line
// naming the file and position, e.g. "config.yaml:3:5: unknown field \"x\"".
func LoadConfig(ctx context.Context, path string) (Config, error) {
	b, err := yamlfile.Read(ctx, path, yamlfile.Config)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(ctx, path, b)
}

// ParseConfig decodes a YAML config document named name over the defaults:
// a key that is absent or null keeps its default, a list replaces the
// default list.
func ParseConfig(ctx context.Context, name string, b []byte) (Config, error) {
	file := newConfigFile()
	doc, err := yamlfile.Unmarshal(ctx, name, b, file.target(), yamlfile.Config)
	if err != nil {
		return Config{}, err
	}
	cfg, problems := file.apply(DefaultConfig())
	if problems = append(problems, cfg.problems()...); len(problems) > 0 {
		return Config{}, problemError(doc, problems[0])
	}
	if _, err := cfg.data(); err != nil {
		return Config{}, fmt.Errorf("%s: custom: %w", name, err)
	}
	return cfg, nil
}

// Validate reports the first invalid threshold of a config built in code.
func (c Config) Validate() error {
	if ps := c.problems(); len(ps) > 0 {
		return fmt.Errorf("config %s: %s", strings.TrimPrefix(ps[0].path, "$."), ps[0].msg)
	}
	return nil
}

type configProblem struct{ path, msg string }

// check is the GuardDuty section's own rule. The collector reads findings
// from guardduty.HighSeverity up, whatever the config (collection does not
// see it): a lower threshold would pass the findings below it unseen, so
// it is refused rather than honoured.
func (g GuardDutyConfig) check(path string) []configProblem {
	switch sev := g.MinSeverity; {
	case sev < guardduty.HighSeverity:
		return []configProblem{{path + ".min_severity", fmt.Sprintf("must be between %d and 10, got %v: only findings of severity %.1f (GuardDuty's high band) and up are collected, so lower ones would pass unseen", guardduty.HighSeverity, sev, float64(guardduty.HighSeverity))}}
	case sev > 10, math.IsNaN(sev):
		return []configProblem{{path + ".min_severity", fmt.Sprintf("must be between %d and 10, got %v", guardduty.HighSeverity, sev)}}
	}
	return nil
}

// data is the config as policy data, the value of data.baseline.config.
func (c Config) data() (map[string]any, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if m["custom"] == nil {
		m["custom"] = map[string]any{}
	}
	return m, nil
}

// problemError is a problem at the position of its value in the file, or
// naming the file alone when the value is not in it (a default).
func problemError(doc *yamlfile.Document, p configProblem) error {
	var path []any
	for _, seg := range strings.Split(strings.TrimPrefix(p.path, "$."), ".") {
		name, index, list := strings.Cut(seg, "[")
		path = append(path, name)
		if list {
			i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			if err != nil {
				break
			}
			path = append(path, i)
		}
	}
	n := doc.Value(path...)
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	if n == nil {
		return fmt.Errorf("%s: %s", doc.Name, p.msg)
	}
	return doc.Errorf(n, "%s", p.msg)
}
