package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/baseline-scanner/baseline/report"
)

const (
	module  = "github.com/baseline-scanner/baseline"
	repoDir = "../.."
)

// goreleaser is the part of .goreleaser.yaml the release depends on.
type goreleaser struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		LDFlags []string `yaml:"ldflags"`
		GOOS    []string `yaml:"goos"`
		GOARCH  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		Files []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
}

func readGoreleaser(t *testing.T) goreleaser {
	t.Helper()
	path := filepath.Join(repoDir, ".goreleaser.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g goreleaser
	if err := yaml.Unmarshal(data, &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if len(g.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml has %d builds, want 1", len(g.Builds))
	}
	return g
}

// ldflagsTargets returns the package path and variable of every -X in flags.
func ldflagsTargets(flags string) [][2]string {
	var out [][2]string
	for _, m := range regexp.MustCompile(`-X[= ]+'?([^\s=']+)=`).FindAllStringSubmatch(flags, -1) {
		dot := strings.LastIndex(m[1], ".")
		out = append(out, [2]string{m[1][:dot], m[1][dot+1:]})
	}
	return out
}

// stringVarExists reports whether package pkg of this module declares a
// package-level string variable name that -X can set: typed string, with no
// initializer or a constant string one.
func stringVarExists(t *testing.T, pkg, name string) bool {
	t.Helper()
	if !strings.HasPrefix(pkg, module+"/") {
		return false
	}
	dir := filepath.Join(repoDir, filepath.FromSlash(strings.TrimPrefix(pkg, module+"/")))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return false
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name != name {
						continue
					}
					if i < len(vs.Values) {
						return isStringLit(vs.Values[i]) && (vs.Type == nil || identName(vs.Type) == "string")
					}
					return identName(vs.Type) == "string"
				}
			}
		}
	}
	return false
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func isStringLit(e ast.Expr) bool {
	bl, ok := e.(*ast.BasicLit)
	return ok && bl.Kind == token.STRING
}

func TestGoReleaserConfig(t *testing.T) {
	g := readGoreleaser(t)
	if g.Version != 2 {
		t.Errorf("version = %d, want 2 (GoReleaser v2 configuration)", g.Version)
	}
	b := g.Builds[0]
	if b.Main != "./cmd/baseline" {
		t.Errorf("builds[0].main = %q, want ./cmd/baseline", b.Main)
	}
	if _, err := os.Stat(filepath.Join(repoDir, b.Main, "main.go")); err != nil {
		t.Errorf("builds[0].main: %v", err)
	}
	if b.Binary != "baseline" {
		t.Errorf("builds[0].binary = %q, want baseline", b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("builds[0].env = %q: the release binary must be static (CGO_ENABLED=0)", b.Env)
	}
	if !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("builds[0].flags = %q, want -trimpath", b.Flags)
	}
	goos, goarch := slices.Sorted(slices.Values(b.GOOS)), slices.Sorted(slices.Values(b.GOARCH))
	if !slices.Equal(goos, []string{"darwin", "linux", "windows"}) || !slices.Equal(goarch, []string{"amd64", "arm64"}) {
		t.Errorf("targets = %v × %v, want darwin, linux, windows × amd64, arm64", goos, goarch)
	}
	if g.Checksum.NameTemplate == "" || g.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum = %+v, want a sha256 checksums file", g.Checksum)
	}
	if len(g.Archives) == 0 || !slices.Contains(g.Archives[0].Files, "LICENSE") {
		t.Errorf("archives do not ship LICENSE")
	}
	targets := ldflagsTargets(strings.Join(b.LDFlags, " "))
	if !slices.Contains(targets, [2]string{module + "/internal/buildinfo", "Version"}) {
		t.Errorf("ldflags %q do not stamp internal/buildinfo.Version", b.LDFlags)
	}
	for _, tg := range targets {
		if !stringVarExists(t, tg[0], tg[1]) {
			t.Errorf("ldflags set %s.%s, which is not a string variable of this module: -X would do nothing", tg[0], tg[1])
		}
	}
}

func TestLDFlagsTargetCheckCatchesAMissingVariable(t *testing.T) {
	for _, tt := range []struct {
		pkg, name string
		want      bool
	}{
		{module + "/internal/buildinfo", "Version", true},
		{module + "/internal/buildinfo", "Revision", true},
		{module + "/internal/buildinfo", "OPAModule", false}, // a constant
		{module + "/internal/buildinfo", "Nope", false},
		{module + "/internal/cli", "Version", false}, // the old target, gone
		{"example.com/other", "Version", false},
	} {
		if got := stringVarExists(t, tt.pkg, tt.name); got != tt.want {
			t.Errorf("stringVarExists(%s, %s) = %v, want %v", tt.pkg, tt.name, got, tt.want)
		}
	}
}

// TestDockerfileBuildsLikeTheRelease holds the container build to the
// release's: a static binary with the same -X target, on a minimal base, run
// as a non-root user. (.ci/run builds the image where a container engine
// exists.)
func TestDockerfileBuildsLikeTheRelease(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines.
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	var froms []string
	var user, build string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
			user = "" // USER applies to its stage
		case "USER":
			user = f[1]
		case "RUN":
			if strings.Contains(sc.Text(), "go build") {
				build = sc.Text()
			}
		}
	}
	if len(froms) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a runtime stage", len(froms))
	}
	final := froms[len(froms)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("runtime base = %s, want distroless static or scratch", final)
	}
	if u := strings.SplitN(user, ":", 2)[0]; u == "" || u == "root" || u == "0" {
		t.Errorf("runtime stage USER = %q, want a non-root user", user)
	}
	g := readGoreleaser(t).Builds[0]
	for _, want := range append([]string{"CGO_ENABLED=0", g.Main}, g.Flags[0]) {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile go build lacks %q: %s", want, build)
		}
	}
	for _, tg := range ldflagsTargets(strings.Join(g.LDFlags, " ")) {
		if !slices.Contains(ldflagsTargets(build), tg) {
			t.Errorf("Dockerfile go build does not set %s.%s as the release does", tg[0], tg[1])
		}
	}
}

// releaseVersion stands for GoReleaser's {{.Version}} in the test build.
const releaseVersion = "0.0.0-releasetest"

// TestReleaseBuildRunsOutsideTheRepository builds the binary as the release
// does (.goreleaser.yaml's env, flags and ldflags, GoReleaser's template
// filled in) into a temporary directory, then runs `version` and
// `scan --demo` from a directory outside the repository.
func TestReleaseBuildRunsOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary (minutes on a cold build cache)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	g := readGoreleaser(t).Builds[0]
	ldflags := strings.Join(g.LDFlags, " ")
	ldflags = regexp.MustCompile(`\{\{\s*\.Version\s*\}\}`).ReplaceAllString(ldflags, releaseVersion)
	if strings.Contains(ldflags, "{{") {
		t.Fatalf("ldflags use a GoReleaser template this test does not fill: %s", ldflags)
	}
	bin := filepath.Join(t.TempDir(), "baseline")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	args := append([]string{"build"}, g.Flags...)
	args = append(args, "-ldflags", ldflags, "-o", bin, g.Main)
	build := exec.Command(goBin, args...)
	build.Dir = repoDir
	build.Env = append(os.Environ(), g.Env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("the release binary is dynamically linked (has an ELF interpreter)")
			}
		}
		f.Close()
	}

	outside := t.TempDir()
	runBin := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = outside
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("baseline %s: %v", strings.Join(args, " "), err)
		}
		return stdout.String(), cmd.ProcessState.ExitCode()
	}

	opa := goModRequire(t, "github.com/open-policy-agent/opa")
	rev := headRevision(t)
	version, code := runBin("version")
	if code != 0 {
		t.Fatalf("version exit %d", code)
	}
	if first, _, _ := strings.Cut(version, "\n"); first != "baseline "+releaseVersion {
		t.Errorf("version first line = %q, want %q (a real version, not dev)", first, "baseline "+releaseVersion)
	}
	if !strings.Contains(version, "opa:    "+opa+"\n") {
		t.Errorf("version does not name OPA %s (go.mod's):\n%s", opa, version)
	}
	if rev != "" && !strings.Contains(version, "commit: "+rev) {
		t.Errorf("version does not name the commit %s:\n%s", rev, version)
	}
	if flag, _ := runBin("--version"); flag != version {
		t.Errorf("--version = %q, want the output of version %q", flag, version)
	}

	table, code := runBin("scan", "--demo", "-q")
	if code != 1 || !strings.Contains(table, "251 results: 92 PASS, 47 FAIL, 32 ERROR") {
		t.Errorf("scan --demo: exit %d, want 1 and the demo's report; got:\n%s", code, table)
	}
	if _, code := runBin("scan", "--demo", "-q", "--format", "json", "-o", "report.json"); code != 1 {
		t.Fatalf("scan --demo --format json: exit %d, want 1", code)
	}
	data, err := os.ReadFile(filepath.Join(outside, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.ValidateJSON(data); err != nil {
		t.Fatalf("the report does not validate: %v", err)
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Tool.Version != releaseVersion || rep.Tool.OPAVersion != opa || (rev != "" && rep.Tool.Revision != rev) {
		t.Errorf("report tool = %+v, want version %s, OPA %s, revision %q", rep.Tool, releaseVersion, opa, rev)
	}
}

// goModRequire is the version go.mod requires of module path.
func goModRequire(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == path {
			return f[1]
		}
	}
	t.Fatalf("go.mod does not require %s", path)
	return ""
}

// headRevision is the commit the go command stamps into a build of this
// checkout: HEAD when the repository is a git clone (.git a directory) and
// git is installed, else "" (a git worktree's .git is a file, which the go
// command does not take for a repository; a source archive has none).
func headRevision(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(repoDir, ".git")); err != nil || !fi.IsDir() {
		t.Log("not a git clone: the commit is not checked")
		return ""
	}
	out, err := exec.Command("git", "-C", repoDir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Logf("git rev-parse HEAD: %v: the commit is not checked", err)
		return ""
	}
	return strings.TrimSpace(string(out))
}
