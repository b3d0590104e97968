package policies

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
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
	RequiredStandards []string `yaml:"required_standards" json:"required_standards"`
	CriticalSLADays   int      `yaml:"critical_sla_days" json:"critical_sla_days"`
	HighSLADays       int      `yaml:"high_sla_days" json:"high_sla_days"`
}

// GuardDutyConfig holds the GuardDuty thresholds.
type GuardDutyConfig struct {
	RequiredFeatures []string `yaml:"required_features" json:"required_features"`
	// RequiredRuntimeAgentManagement are the additional configurations of
	// RUNTIME_MONITORING that must be ENABLED when it is required.
	RequiredRuntimeAgentManagement []string `yaml:"required_runtime_agent_management" json:"required_runtime_agent_management"`
	// UnofferedFeaturesFail makes a required plan the region does not offer
	// fail the control rather than be noted.
	UnofferedFeaturesFail bool    `yaml:"unoffered_features_fail" json:"unoffered_features_fail"`
	MinSeverity           float64 `yaml:"min_severity" json:"min_severity"`
}

// CloudTrailConfig holds the CloudTrail freshness windows.
type CloudTrailConfig struct {
	DeliveryMaxAgeHours   int `yaml:"delivery_max_age_hours" json:"delivery_max_age_hours"`
	CloudWatchMaxAgeHours int `yaml:"cloudwatch_max_age_hours" json:"cloudwatch_max_age_hours"`
}

// SSMConfig holds the Systems Manager freshness window and patch
// compliance settings.
type SSMConfig struct {
	PatchScanMaxAgeDays int `yaml:"patch_scan_max_age_days" json:"patch_scan_max_age_days"`
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
	c.SecurityHub.RequiredStandards = append([]string(nil), c.SecurityHub.RequiredStandards...)
	c.GuardDuty.RequiredFeatures = append([]string(nil), c.GuardDuty.RequiredFeatures...)
	c.GuardDuty.RequiredRuntimeAgentManagement = append([]string{}, c.GuardDuty.RequiredRuntimeAgentManagement...)
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
	var file configFile
	doc, err := yamlfile.Unmarshal(ctx, name, b, &file, yamlfile.Config)
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

// configFile is the config file document: every field is optional.
type configFile struct {
	SecurityHub *struct {
		RequiredStandards *[]string `yaml:"required_standards"`
		CriticalSLADays   *float64  `yaml:"critical_sla_days"`
		HighSLADays       *float64  `yaml:"high_sla_days"`
	} `yaml:"securityhub"`
	GuardDuty *struct {
		RequiredFeatures               *[]string `yaml:"required_features"`
		RequiredRuntimeAgentManagement *[]string `yaml:"required_runtime_agent_management"`
		UnofferedFeaturesFail          *bool     `yaml:"unoffered_features_fail"`
		MinSeverity                    *float64  `yaml:"min_severity"`
	} `yaml:"guardduty"`
	CloudTrail *struct {
		DeliveryMaxAgeHours   *float64 `yaml:"delivery_max_age_hours"`
		CloudWatchMaxAgeHours *float64 `yaml:"cloudwatch_max_age_hours"`
	} `yaml:"cloudtrail"`
	SSM *struct {
		PatchScanMaxAgeDays                  *float64 `yaml:"patch_scan_max_age_days"`
		AvailableSecurityUpdatesNonCompliant *bool    `yaml:"available_security_updates_non_compliant"`
	} `yaml:"ssm"`
	Custom map[string]any `yaml:"custom"`
}

// apply sets the values of the file over c. Integers are decoded as numbers
// so that 1.5 for a day count is an error rather than 1.
func (f configFile) apply(c Config) (Config, []configProblem) {
	var problems []configProblem
	set := func(path string, dst, src any) {
		switch d := dst.(type) {
		case *int:
			if v := src.(*float64); v != nil {
				if *v != math.Trunc(*v) || math.Abs(*v) > math.MaxInt32 {
					problems = append(problems, configProblem{path, fmt.Sprintf("must be a whole number, got %v", *v)})
				}
				*d = int(*v)
			}
		case *float64:
			if v := src.(*float64); v != nil {
				*d = *v
			}
		case *bool:
			if v := src.(*bool); v != nil {
				*d = *v
			}
		case *[]string:
			if v := src.(*[]string); v != nil {
				*d = append([]string{}, (*v)...)
			}
		}
	}
	if s := f.SecurityHub; s != nil {
		set("$.securityhub.required_standards", &c.SecurityHub.RequiredStandards, s.RequiredStandards)
		set("$.securityhub.critical_sla_days", &c.SecurityHub.CriticalSLADays, s.CriticalSLADays)
		set("$.securityhub.high_sla_days", &c.SecurityHub.HighSLADays, s.HighSLADays)
	}
	if s := f.GuardDuty; s != nil {
		set("$.guardduty.required_features", &c.GuardDuty.RequiredFeatures, s.RequiredFeatures)
		set("$.guardduty.required_runtime_agent_management", &c.GuardDuty.RequiredRuntimeAgentManagement, s.RequiredRuntimeAgentManagement)
		set("$.guardduty.unoffered_features_fail", &c.GuardDuty.UnofferedFeaturesFail, s.UnofferedFeaturesFail)
		set("$.guardduty.min_severity", &c.GuardDuty.MinSeverity, s.MinSeverity)
	}
	if s := f.CloudTrail; s != nil {
		set("$.cloudtrail.delivery_max_age_hours", &c.CloudTrail.DeliveryMaxAgeHours, s.DeliveryMaxAgeHours)
		set("$.cloudtrail.cloudwatch_max_age_hours", &c.CloudTrail.CloudWatchMaxAgeHours, s.CloudWatchMaxAgeHours)
	}
	if s := f.SSM; s != nil {
		set("$.ssm.patch_scan_max_age_days", &c.SSM.PatchScanMaxAgeDays, s.PatchScanMaxAgeDays)
		set("$.ssm.available_security_updates_non_compliant", &c.SSM.AvailableSecurityUpdatesNonCompliant, s.AvailableSecurityUpdatesNonCompliant)
	}
	if f.Custom != nil {
		c.Custom = f.Custom
	}
	return c, problems
}

// Validate reports the first invalid threshold of a config built in code.
func (c Config) Validate() error {
	if ps := c.problems(); len(ps) > 0 {
		return fmt.Errorf("config %s: %s", strings.TrimPrefix(ps[0].path, "$."), ps[0].msg)
	}
	return nil
}

type configProblem struct{ path, msg string }

// runtimeAgentManagement are RUNTIME_MONITORING's additional configurations
// (FeatureAdditionalConfiguration in the GuardDuty API model).
var runtimeAgentManagement = []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}

func (c Config) problems() []configProblem {
	var out []configProblem
	positive := func(path string, v int) {
		if v <= 0 {
			out = append(out, configProblem{path, fmt.Sprintf("must be a positive number, got %d", v)})
		}
	}
	names := func(path string, v []string) {
		for i, s := range v {
			if strings.TrimSpace(s) == "" {
				out = append(out, configProblem{fmt.Sprintf("%s[%d]", path, i), "must not be empty"})
			}
		}
	}
	names("$.securityhub.required_standards", c.SecurityHub.RequiredStandards)
	positive("$.securityhub.critical_sla_days", c.SecurityHub.CriticalSLADays)
	positive("$.securityhub.high_sla_days", c.SecurityHub.HighSLADays)
	names("$.guardduty.required_features", c.GuardDuty.RequiredFeatures)
	for i, name := range c.GuardDuty.RequiredRuntimeAgentManagement {
		if !slices.Contains(runtimeAgentManagement, name) {
			out = append(out, configProblem{fmt.Sprintf("$.guardduty.required_runtime_agent_management[%d]", i), fmt.Sprintf("must be one of %s, got %q", strings.Join(runtimeAgentManagement, ", "), name)})
		}
	}
	// The collector reads findings from guardduty.HighSeverity up, whatever
	// the config (collection does not see it): a lower threshold would pass
	// the findings below it unseen, so it is refused rather than honoured.
	switch sev := c.GuardDuty.MinSeverity; {
	case sev < guardduty.HighSeverity:
		out = append(out, configProblem{"$.guardduty.min_severity", fmt.Sprintf("must be between %d and 10, got %v: only findings of severity %.1f (GuardDuty's high band) and up are collected, so lower ones would pass unseen", guardduty.HighSeverity, sev, float64(guardduty.HighSeverity))})
	case sev > 10, math.IsNaN(sev):
		out = append(out, configProblem{"$.guardduty.min_severity", fmt.Sprintf("must be between %d and 10, got %v", guardduty.HighSeverity, sev)})
	}
	positive("$.cloudtrail.delivery_max_age_hours", c.CloudTrail.DeliveryMaxAgeHours)
	positive("$.cloudtrail.cloudwatch_max_age_hours", c.CloudTrail.CloudWatchMaxAgeHours)
	positive("$.ssm.patch_scan_max_age_days", c.SSM.PatchScanMaxAgeDays)
	return out
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
