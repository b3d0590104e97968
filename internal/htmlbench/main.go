package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

var allRegions = []string{"us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1", "ca-central-1"}

func main() {
	accounts := flag.Int("accounts", 1000, "accounts in the generated organization")
	regions := flag.Int("regions", 4, "regions scanned (1-8)")
	seed := flag.Uint64("seed", 1, "world seed")
	out := flag.String("out", "", "folder for report.json and report.html")
	from := flag.String("from", "", "render report.html from this JSON report (e.g. an earlier -out's report.json) instead of scanning")
	open := flag.String("open", "", "only measure this HTML file in -chromium")
	chromium := flag.String("chromium", "", "measure report.html in this headless Chromium (e.g. chromium): page timings and an empty page's")
	runs := flag.Int("runs", 3, "loads of each page with -chromium")
	screenshots := flag.Bool("screenshots", false, "with -chromium, also write report-1280.png and report-390.png next to the page")
	flag.Parse()
	if (*out == "" && *open == "") || *regions < 1 || *regions > len(allRegions) || (*open != "" && *chromium == "") {
		fmt.Fprintln(os.Stderr, "htmlbench: -out DIR (or -open FILE with -chromium) is required; -regions is 1 to 8")
		os.Exit(2)
	}
	var err error
	page := *open
	switch {
	case *open != "":
	case *from != "":
		page, err = renderFrom(*from, *out)
	default:
		page = filepath.Join(*out, "report.html")
		err = run(*accounts, allRegions[:*regions], *seed, *out)
	}
	if err == nil && *chromium != "" {
		err = measureInChromium(context.Background(), *chromium, page, *runs, *screenshots)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "htmlbench:", err)
		os.Exit(1)
	}
}

// renderFrom renders the HTML of a JSON report into out, so a change of the
// page can be measured without scanning again.
func renderFrom(from, out string) (string, error) {
	rep, err := report.ReadReport(from)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	t := time.Now()
	if err := report.Render(&buf, "html", rep); err != nil {
		return "", err
	}
	took := time.Since(t)
	path := filepath.Join(out, "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	fmt.Printf("%s: %d bytes (%.2f MB) from %s, rendered in %s\n", path, buf.Len(), float64(buf.Len())/1e6, from, took.Round(time.Millisecond))
	return path, nil
}

func run(accounts int, regions []string, seed uint64, out string) error {
	world := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: seed})
	srv, err := awssim.Start(world, awssim.Options{Seed: seed})
	if err != nil {
		return err
	}
	defer srv.Close()
	akid, secret := srv.Credentials()
	cfg := aws.Config{
		Region:       regions[0],
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(akid, secret, "")),
		BaseEndpoint: aws.String(srv.URL()),
	}
	ctx := context.Background()
	start := time.Now()
	snap, err := scan.Collect(ctx, scan.Options{Org: true, AWS: &cfg, Regions: regions, TeamTag: "team",
		Tool: checks.Tool{Name: "baseline", Version: "htmlbench"}, Calls: checks.NewCallCounter()})
	if err != nil {
		return err
	}
	collected := time.Since(start)
	engine, err := policies.NewEngine()
	if err != nil {
		return err
	}
	ev, err := scan.Evaluate(ctx, engine, policies.DefaultConfig(), snap, scan.EvalOptions{Timeout: 10 * time.Minute})
	if err != nil {
		return err
	}
	rep, err := scan.BuildReport(snap, ev, report.Tool{Name: "baseline", Version: "htmlbench"}, time.Now(), scan.Review{})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, format := range []string{"json", "html"} {
		var buf bytes.Buffer
		t := time.Now()
		if err := report.Render(&buf, format, rep); err != nil {
			return err
		}
		took := time.Since(t)
		path := filepath.Join(out, "report."+format)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d bytes (%.2f MB), rendered in %s\n", path, buf.Len(), float64(buf.Len())/1e6, took.Round(time.Millisecond))
	}
	fmt.Printf("%d accounts × %d regions: %d results (%d PASS, %d FAIL, %d ERROR, %d NOT_APPLICABLE); collected in %s, total %s\n",
		accounts, len(regions), rep.Summary.Total, rep.Summary.Pass, rep.Summary.Fail, rep.Summary.Error, rep.Summary.NotApplicable,
		collected.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}
