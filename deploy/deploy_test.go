// Package deploy_test holds the audit-role deployments (CloudFormation
// StackSet template and Terraform module) to `baseline iam-policy`: their
// actions can never drift from what the scan calls, and their trust policies
// say what the READMEs promise.
package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/baseline-scanner/baseline/internal/cli"
)

var update = flag.Bool("update", false, "rewrite deploy/terraform/baseline-policy.json from `baseline iam-policy`")

// iamPolicy is the output of `baseline iam-policy`.
func iamPolicy(t *testing.T) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := cli.Execute(context.Background(), []string{"iam-policy"}, &out, &errOut); err != nil {
		t.Fatalf("iam-policy: %v: %s", err, errOut.String())
	}
	return out.Bytes()
}

type policyDoc struct {
	Version   string `json:"Version"`
	Statement []struct {
		Sid      string `json:"Sid"`
		Effect   string `json:"Effect"`
		Action   any    `json:"Action"`
		Resource any    `json:"Resource"`
	} `json:"Statement"`
}

// actionsOf is the sorted set of actions a policy allows on every resource,
// and an error for anything else (a Deny, a NotAction, a narrower resource):
// what the scan needs is Allow on "*".
func actionsOf(v any) ([]string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc policyDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Version != "2012-10-17" {
		return nil, fmt.Errorf("policy Version %q, want 2012-10-17", doc.Version)
	}
	var actions []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || s.Resource != "*" {
			return nil, fmt.Errorf("statement %s: Effect %v on %v, want Allow on *", s.Sid, s.Effect, s.Resource)
		}
		switch a := s.Action.(type) {
		case string:
			actions = append(actions, a)
		case []any:
			for _, x := range a {
				actions = append(actions, fmt.Sprint(x))
			}
		default:
			return nil, fmt.Errorf("statement %s: Action %v", s.Sid, s.Action)
		}
	}
	slices.Sort(actions)
	return slices.Compact(actions), nil
}

func iamPolicyActions(t *testing.T) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(iamPolicy(t), &v); err != nil {
		t.Fatal(err)
	}
	a, err := actionsOf(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) < 10 {
		t.Fatalf("iam-policy has %d actions", len(a))
	}
	return a
}

func diffActions(got, want []string) string {
	var missing, extra []string
	for _, a := range want {
		if !slices.Contains(got, a) {
			missing = append(missing, a)
		}
	}
	for _, a := range got {
		if !slices.Contains(want, a) {
			extra = append(extra, a)
		}
	}
	return fmt.Sprintf("missing %v, extra %v", missing, extra)
}

// ---- CloudFormation ----

const cfnTemplate = "cloudformation/baseline-audit-role.yaml"

func readTemplate(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(cfnTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]any
	if err := yaml.Unmarshal(data, &tpl); err != nil {
		t.Fatalf("%s: %v", cfnTemplate, err)
	}
	return tpl
}

// noValue marks a value removed by Ref AWS::NoValue.
type noValueT struct{}

var noValue = noValueT{}

// cfnResolve evaluates the intrinsic functions the template uses (Ref,
// Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::Or, Fn::GetAtt) for the given
// parameters, as CloudFormation would, removing AWS::NoValue properties.
func cfnResolve(t *testing.T, tpl map[string]any, v any, params map[string]string) any {
	t.Helper()
	conds := tpl["Conditions"].(map[string]any)
	var eval func(v any) any
	ref := func(name string) any {
		switch name {
		case "AWS::NoValue":
			return noValue
		case "AWS::Partition":
			return "aws"
		}
		p, ok := params[name]
		if !ok {
			t.Fatalf("Ref %s: no such parameter", name)
		}
		return p
	}
	condition := func(name string) bool {
		c, ok := conds[name]
		if !ok {
			t.Fatalf("no condition %s", name)
		}
		return eval(c).(bool)
	}
	eval = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 1 {
				for k, arg := range x {
					switch k {
					case "Ref":
						return ref(arg.(string))
					case "Fn::Sub":
						s := arg.(string)
						for {
							i := strings.Index(s, "${")
							if i < 0 {
								return s
							}
							j := strings.Index(s[i:], "}")
							s = s[:i] + ref(s[i+2:i+j]).(string) + s[i+j+1:]
						}
					case "Fn::If":
						a := arg.([]any)
						if condition(a[0].(string)) {
							return eval(a[1])
						}
						return eval(a[2])
					case "Fn::Equals":
						a := arg.([]any)
						return reflect.DeepEqual(eval(a[0]), eval(a[1]))
					case "Fn::Not":
						return !eval(arg.([]any)[0]).(bool)
					case "Fn::Or":
						for _, c := range arg.([]any) {
							if eval(c).(bool) {
								return true
							}
						}
						return false
					case "Condition":
						return condition(arg.(string))
					}
				}
			}
			out := map[string]any{}
			for k, e := range x {
				if r := eval(e); r != noValue {
					out[k] = r
				}
			}
			return out
		case []any:
			var out []any
			for _, e := range x {
				if r := eval(e); r != noValue {
					out = append(out, r)
				}
			}
			return out
		}
		return v
	}
	return eval(v)
}

func auditRole(t *testing.T, tpl map[string]any) map[string]any {
	t.Helper()
	var roles []map[string]any
	for _, r := range tpl["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == "AWS::IAM::Role" {
			roles = append(roles, r["Properties"].(map[string]any))
		}
	}
	if len(roles) != 1 {
		t.Fatalf("%s has %d IAM roles, want 1", cfnTemplate, len(roles))
	}
	return roles[0]
}

func TestCloudFormationRoleHasExactlyTheIAMPolicyActions(t *testing.T) {
	tpl := readTemplate(t)
	role := auditRole(t, tpl)
	if _, ok := tpl["Resources"].(map[string]any)["AWS::IAM::ManagedPolicy"]; ok {
		t.Error("the template attaches a managed policy; the actions are checked on the inline policy only")
	}
	if role["ManagedPolicyArns"] != nil {
		t.Errorf("the role attaches managed policies %v: only the iam-policy actions are allowed", role["ManagedPolicyArns"])
	}
	var got []string
	for _, p := range role["Policies"].([]any) {
		a, err := actionsOf(p.(map[string]any)["PolicyDocument"])
		if err != nil {
			t.Fatalf("%s: %v", cfnTemplate, err)
		}
		got = append(got, a...)
	}
	slices.Sort(got)
	if want := iamPolicyActions(t); !slices.Equal(got, want) {
		t.Errorf("%s allows other actions than `baseline iam-policy`: %s", cfnTemplate, diffActions(got, want))
	}
}

func TestCloudFormationTrustPolicy(t *testing.T) {
	tpl := readTemplate(t)
	const scanner = "111111111111"
	for _, tt := range []struct {
		name, externalID, principal string
		wantCondition               map[string]any
	}{
		{name: "whole scanning account, no external id"},
		{name: "external id", externalID: "baseline-7f3a", wantCondition: map[string]any{
			"StringEquals": map[string]any{"sts:ExternalId": "baseline-7f3a"}}},
		{name: "one scanning role", principal: "BaselineScheduledScan", wantCondition: map[string]any{
			"ArnEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::111111111111:role/BaselineScheduledScan"}}},
		{name: "both", externalID: "x-1", principal: "ci/BaselineScan", wantCondition: map[string]any{
			"StringEquals": map[string]any{"sts:ExternalId": "x-1"},
			"ArnEquals":    map[string]any{"aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci/BaselineScan"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			params := map[string]string{"RoleName": "BaselineAudit", "ScanningAccountId": scanner, "ExternalId": tt.externalID, "ScanningPrincipalName": tt.principal}
			role := cfnResolve(t, tpl, auditRole(t, tpl), params).(map[string]any)
			if role["RoleName"] != "BaselineAudit" {
				t.Errorf("RoleName = %v", role["RoleName"])
			}
			trust := role["AssumeRolePolicyDocument"].(map[string]any)
			stmts := trust["Statement"].([]any)
			if len(stmts) != 1 {
				t.Fatalf("trust policy has %d statements, want 1", len(stmts))
			}
			s := stmts[0].(map[string]any)
			want := map[string]any{
				"Sid": "TrustScanningAccount", "Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"},
			}
			if tt.wantCondition != nil {
				want["Condition"] = tt.wantCondition
			}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("trust statement =\n%v\nwant\n%v", s, want)
			}
		})
	}
}

func TestCloudFormationParameters(t *testing.T) {
	params := readTemplate(t)["Parameters"].(map[string]any)
	for name, def := range map[string]any{"RoleName": "BaselineAudit", "ExternalId": "", "ScanningPrincipalName": ""} {
		p, ok := params[name].(map[string]any)
		if !ok || p["Default"] != def {
			t.Errorf("parameter %s: %v, want default %q", name, params[name], def)
		}
	}
	if p, ok := params["ScanningAccountId"].(map[string]any); !ok || p["Default"] != nil || p["AllowedPattern"] != "[0-9]{12}" {
		t.Errorf("ScanningAccountId must be required and 12 digits: %v", params["ScanningAccountId"])
	}
}

// ---- Terraform ----

const tfDir = "terraform"

func TestTerraformPolicyFileIsIAMPolicy(t *testing.T) {
	path := filepath.Join(tfDir, "baseline-policy.json")
	want := iamPolicy(t)
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not the output of `baseline iam-policy` (go test ./deploy -update rewrites it)", path)
	}
}

// tfModule is the module's configuration, parsed with HCL (the parser
// Terraform uses).
type tfModule struct {
	vars   map[string]cty.Value // defaults
	locals map[string]hcl.Expression
	blocks []*hclsyntax.Block // resource and data blocks
}

func parseModule(t *testing.T) tfModule {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tfDir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s", tfDir)
	}
	m := tfModule{vars: map[string]cty.Value{}, locals: map[string]hcl.Expression{}}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s", diags.Error())
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			switch b.Type {
			case "variable":
				def := cty.NullVal(cty.DynamicPseudoType)
				if a, ok := b.Body.Attributes["default"]; ok {
					v, diags := a.Expr.Value(nil)
					if diags.HasErrors() {
						t.Fatalf("%s", diags.Error())
					}
					def = v
				}
				m.vars[b.Labels[0]] = def
			case "locals":
				for name, a := range b.Body.Attributes {
					m.locals[name] = a.Expr
				}
			case "resource", "data":
				m.blocks = append(m.blocks, b)
			}
		}
	}
	return m
}

func (m tfModule) block(t *testing.T, kind, typ, name string) *hclsyntax.Block {
	t.Helper()
	for _, b := range m.blocks {
		if b.Type == kind && b.Labels[0] == typ && b.Labels[1] == name {
			return b
		}
	}
	t.Fatalf("%s has no %s %q %q", tfDir, kind, typ, name)
	return nil
}

// evalContext evaluates the module's locals for the given variables, with
// the functions the module uses implemented as Terraform does (go-cty's
// standard library, which Terraform uses for these) and file() reading
// relative to path.module.
func (m tfModule) evalContext(t *testing.T, set map[string]cty.Value) *hcl.EvalContext {
	t.Helper()
	vars := map[string]cty.Value{}
	for k, v := range m.vars {
		vars[k] = v
	}
	for k, v := range set {
		if _, ok := vars[k]; !ok {
			t.Fatalf("the module has no variable %s", k)
		}
		vars[k] = v
	}
	file := function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := os.ReadFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(string(data)), nil
		},
	})
	arn := func(a, id string) cty.Value {
		return cty.TupleVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"arn": cty.StringVal(a), "id": cty.StringVal(id)})})
	}
	const provider = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":  cty.ObjectVal(vars),
			"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(tfDir)}),
			"data": cty.ObjectVal(map[string]cty.Value{
				"aws_partition":                   cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"partition": cty.StringVal("aws")})}),
				"aws_iam_openid_connect_provider": cty.ObjectVal(map[string]cty.Value{"github": arn(provider, "github-id")}),
			}),
			"aws_iam_openid_connect_provider": cty.ObjectVal(map[string]cty.Value{"github": arn(provider, "github-id")}),
			"aws_iam_role": cty.ObjectVal(map[string]cty.Value{
				"audit": arn("arn:aws:iam::222222222222:role/BaselineAudit", "audit-id"),
				"ci":    arn("arn:aws:iam::111111111111:role/BaselineScheduledScan", "ci-id"),
			}),
		},
		Functions: map[string]function.Function{
			"file":       file,
			"jsonencode": stdlib.JSONEncodeFunc,
			"jsondecode": stdlib.JSONDecodeFunc,
			"merge":      stdlib.MergeFunc,
			"length":     lengthFunc,
		},
	}
	// Locals may refer to each other: evaluate until none is left.
	locals := map[string]cty.Value{}
	pending := sortedKeys(m.locals)
	for len(pending) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(locals)
		progress := false
		var last hcl.Diagnostics
		for _, name := range pending {
			v, diags := m.locals[name].Value(ctx)
			if diags.HasErrors() {
				last = diags
				continue
			}
			locals[name] = v
			progress = true
		}
		pending = slices.DeleteFunc(pending, func(n string) bool { _, ok := locals[n]; return ok })
		if !progress {
			t.Fatalf("locals %v do not evaluate: %s", pending, last.Error())
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	return ctx
}

// lengthFunc is Terraform's length(): the number of elements of a list,
// set, map or tuple, of attributes of an object, of characters of a string
// (go-cty's stdlib.LengthFunc accepts collections only).
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		switch ty := v.Type(); {
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(len(ty.TupleElementTypes()))), nil
		case ty == cty.String:
			return stdlib.Strlen(v)
		case ty.IsListType() || ty.IsSetType() || ty.IsMapType():
			return v.Length(), nil
		}
		return cty.NilVal, fmt.Errorf("length of %s", v.Type().FriendlyName())
	},
})

func sortedKeys(m map[string]hcl.Expression) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// attr evaluates attribute name of a block; JSON strings are decoded.
func attr(t *testing.T, b *hclsyntax.Block, name string, ctx *hcl.EvalContext) cty.Value {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		t.Fatalf("%s %v has no %s", b.Type, b.Labels, name)
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		t.Fatalf("%s %v %s: %s", b.Type, b.Labels, name, diags.Error())
	}
	return v
}

func jsonAttr(t *testing.T, b *hclsyntax.Block, name string, ctx *hcl.EvalContext) any {
	t.Helper()
	v := attr(t, b, name, ctx)
	var out any
	if err := json.Unmarshal([]byte(v.AsString()), &out); err != nil {
		t.Fatalf("%s %v %s is not JSON: %v", b.Type, b.Labels, name, err)
	}
	return out
}

func count(t *testing.T, b *hclsyntax.Block, ctx *hcl.EvalContext) int {
	t.Helper()
	var n int
	v := attr(t, b, "count", ctx)
	if err := gocty(v, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func gocty(v cty.Value, n *int) error {
	data, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return err
	}
	return json.Unmarshal(data, n)
}

func TestTerraformRolesHaveExactlyTheIAMPolicyActions(t *testing.T) {
	m := parseModule(t)
	ctx := m.evalContext(t, map[string]cty.Value{
		"scanning_account_id": cty.StringVal("111111111111"),
		"github_repository":   cty.StringVal("acme/security"),
	})
	want := iamPolicyActions(t)
	for _, name := range []string{"audit", "ci"} {
		b := m.block(t, "resource", "aws_iam_role_policy", name)
		got, err := actionsOf(jsonAttr(t, b, "policy", ctx))
		if err != nil {
			t.Fatalf("aws_iam_role_policy.%s: %v", name, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("aws_iam_role_policy.%s allows other actions than `baseline iam-policy`: %s", name, diffActions(got, want))
		}
		if got := attr(t, b, "role", ctx).AsString(); got != name+"-id" {
			t.Errorf("aws_iam_role_policy.%s is attached to role %s, want aws_iam_role.%s", name, got, name)
		}
	}
	// No other policy can widen the roles.
	for _, b := range m.blocks {
		if b.Type == "resource" && (b.Labels[0] == "aws_iam_role_policy_attachment" || b.Labels[0] == "aws_iam_policy") {
			t.Errorf("resource %s %s: only the iam-policy actions are allowed", b.Labels[0], b.Labels[1])
		}
		if b.Type == "resource" && b.Labels[0] == "aws_iam_role" {
			if _, ok := b.Body.Attributes["managed_policy_arns"]; ok {
				t.Errorf("aws_iam_role.%s attaches managed policies", b.Labels[1])
			}
		}
	}
}

func TestTerraformAuditRoleTrust(t *testing.T) {
	m := parseModule(t)
	role := m.block(t, "resource", "aws_iam_role", "audit")
	for _, tt := range []struct {
		name          string
		set           map[string]cty.Value
		wantCondition map[string]any
	}{
		{name: "whole scanning account", set: map[string]cty.Value{}},
		{name: "external id", set: map[string]cty.Value{"external_id": cty.StringVal("baseline-7f3a")},
			wantCondition: map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "baseline-7f3a"}}},
		{name: "one scanning role", set: map[string]cty.Value{"scanning_principal_name": cty.StringVal("BaselineScheduledScan")},
			wantCondition: map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::111111111111:role/BaselineScheduledScan"}}},
		{name: "both", set: map[string]cty.Value{"external_id": cty.StringVal("x-1"), "scanning_principal_name": cty.StringVal("BaselineScheduledScan")},
			wantCondition: map[string]any{
				"StringEquals": map[string]any{"sts:ExternalId": "x-1"},
				"ArnEquals":    map[string]any{"aws:PrincipalArn": "arn:aws:iam::111111111111:role/BaselineScheduledScan"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.set["scanning_account_id"] = cty.StringVal("111111111111")
			ctx := m.evalContext(t, tt.set)
			if n := count(t, role, ctx); n != 1 {
				t.Errorf("aws_iam_role.audit count = %d, want 1", n)
			}
			if got := attr(t, role, "name", ctx).AsString(); got != "BaselineAudit" {
				t.Errorf("audit role name = %s", got)
			}
			trust := jsonAttr(t, role, "assume_role_policy", ctx).(map[string]any)
			want := map[string]any{
				"Sid": "TrustScanningAccount", "Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"},
			}
			if tt.wantCondition != nil {
				want["Condition"] = tt.wantCondition
			}
			if stmts := trust["Statement"].([]any); len(stmts) != 1 || !reflect.DeepEqual(stmts[0], want) {
				t.Errorf("audit trust = %v\nwant one statement %v", trust["Statement"], want)
			}
		})
	}
}

func TestTerraformCIRoleTrust(t *testing.T) {
	m := parseModule(t)
	role := m.block(t, "resource", "aws_iam_role", "ci")
	provider := m.block(t, "resource", "aws_iam_openid_connect_provider", "github")
	lookup := m.block(t, "data", "aws_iam_openid_connect_provider", "github")
	for _, tt := range []struct {
		name                      string
		set                       map[string]cty.Value
		wantCI, wantProv, wantDat int
		wantSub                   string
	}{
		{name: "no repository: no CI role", set: map[string]cty.Value{}},
		{name: "branch, in an account without the audit role", set: map[string]cty.Value{"github_repository": cty.StringVal("acme/security"), "create_audit_role": cty.False},
			wantCI: 1, wantProv: 1, wantSub: "repo:acme/security:ref:refs/heads/main"},
		{name: "other branch, existing provider", set: map[string]cty.Value{"github_repository": cty.StringVal("acme/security"), "github_branch": cty.StringVal("prod"), "create_github_oidc_provider": cty.False},
			wantCI: 1, wantDat: 1, wantSub: "repo:acme/security:ref:refs/heads/prod"},
		{name: "environment", set: map[string]cty.Value{"github_repository": cty.StringVal("acme/security"), "github_environment": cty.StringVal("audit")},
			wantCI: 1, wantProv: 1, wantSub: "repo:acme/security:environment:audit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := m.evalContext(t, tt.set)
			if n := count(t, role, ctx); n != tt.wantCI {
				t.Errorf("aws_iam_role.ci count = %d, want %d", n, tt.wantCI)
			}
			if n := count(t, provider, ctx); n != tt.wantProv {
				t.Errorf("aws_iam_openid_connect_provider.github count = %d, want %d", n, tt.wantProv)
			}
			if n := count(t, lookup, ctx); n != tt.wantDat {
				t.Errorf("data.aws_iam_openid_connect_provider.github count = %d, want %d", n, tt.wantDat)
			}
			if tt.wantCI == 0 {
				return
			}
			if got := attr(t, provider, "url", ctx).AsString(); got != "https://token.actions.githubusercontent.com" {
				t.Errorf("OIDC provider url = %s", got)
			}
			if got := attr(t, provider, "client_id_list", ctx); !got.Equals(cty.TupleVal([]cty.Value{cty.StringVal("sts.amazonaws.com")})).True() {
				t.Errorf("OIDC provider client_id_list = %#v, want [sts.amazonaws.com]", got)
			}
			if _, ok := provider.Body.Attributes["thumbprint_list"]; ok {
				t.Error("the OIDC provider sets thumbprint_list, which IAM ignores for GitHub (D-1)")
			}
			trust := jsonAttr(t, role, "assume_role_policy", ctx).(map[string]any)
			want := map[string]any{
				"Sid": "TrustGitHubWorkflow", "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
				"Principal": map[string]any{"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
					"token.actions.githubusercontent.com:sub": tt.wantSub,
				}},
			}
			if stmts := trust["Statement"].([]any); len(stmts) != 1 || !reflect.DeepEqual(stmts[0], want) {
				t.Errorf("CI trust = %v\nwant one statement %v", trust["Statement"], want)
			}
		})
	}
}
