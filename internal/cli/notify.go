package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/notify"
	"github.com/baseline-scanner/baseline/report"
)

// notifyHTTPClient is the client notify posts with; tests replace it.
var notifyHTTPClient = func(timeout time.Duration) *http.Client { return &http.Client{Timeout: timeout} }

func newNotifyCmd(stdout io.Writer) *cobra.Command {
	var kind, urlEnv, runURL, team, failOn string
	var failOnNew, dryRun bool
	var maxItems int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "notify report.json --kind slack|teams",
		Short: "Post a report's verdict, counts and new failures to a Slack or Teams webhook",
		Long: `notify posts one message about a saved JSON report to a chat webhook: the
verdict, counts by status, the failures that are new or regressed since the
previous report (when the report carries a diff, e.g. from scan --previous),
one line per team, and a link to the CI run.

--kind slack posts Block Kit blocks with a text fallback to a Slack incoming
webhook; --kind teams posts an Adaptive Card to a Microsoft Teams webhook made
with the Workflows app ("Post to a channel when a webhook request is
received"). The webhook URL is a credential: it is read from the environment
variable named by --webhook-url-env (default BASELINE_WEBHOOK_URL), never from
a flag, and never printed. It must be https (plain http only to a loopback
address). --team sends one team's message (to that team's channel).

--run-url defaults to the GitHub Actions run of the environment
(GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID) when set.
--dry-run prints the payload instead of posting it. notify exits 0 when the
message was accepted, 2 otherwise; it does not exit with the report's verdict.`,
		Example: `  BASELINE_WEBHOOK_URL=$SLACK_WEBHOOK baseline notify out/report.json --kind slack
  baseline notify report.json --kind teams --team platform --webhook-url-env PLATFORM_TEAMS_WEBHOOK
  baseline notify report.json --kind slack --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("notify: expected one JSON report file, got %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if kind != notify.KindSlack && kind != notify.KindTeams {
				return fmt.Errorf("--kind: %q is not slack or teams", kind)
			}
			sev, err := report.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout: must be positive, got %s", timeout)
			}
			webhook := ""
			if !dryRun {
				if strings.TrimSpace(urlEnv) == "" {
					return fmt.Errorf("--webhook-url-env: names no environment variable")
				}
				webhook = os.Getenv(urlEnv)
				if webhook == "" {
					return fmt.Errorf("--webhook-url-env: the environment variable %s is empty or unset", urlEnv)
				}
				if err := notify.CheckURL(webhook); err != nil {
					return fmt.Errorf("%s: %w", urlEnv, err)
				}
			}
			if !cmd.Flags().Changed("run-url") {
				runURL = githubRunURL()
			}
			rep, err := report.ReadReport(args[0])
			if err != nil {
				return err
			}
			summary, err := notify.Summarize(rep, notify.Options{Kind: kind, RunURL: runURL, Team: team, FailOn: sev, OnlyNew: failOnNew, MaxItems: maxItems})
			if err != nil {
				return err
			}
			payload, err := notify.Payload(kind, summary)
			if err != nil {
				return err
			}
			if dryRun {
				_, err := fmt.Fprintf(stdout, "%s\n", payload)
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			if err := notify.Send(ctx, notifyHTTPClient(timeout), webhook, payload); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "baseline: posted the %s message (%s) to the webhook in %s\n", kind, summary.Verdict, urlEnv)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&kind, "kind", "", "webhook kind: slack or teams")
	fs.StringVar(&urlEnv, "webhook-url-env", "BASELINE_WEBHOOK_URL", "environment variable holding the webhook URL (a secret: never printed)")
	fs.StringVar(&runURL, "run-url", "", "link to the CI run (default: the GitHub Actions run, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)")
	fs.StringVar(&team, "team", "", "only this team's results (\"-\" for the results without a team)")
	fs.StringVar(&failOn, "fail-on", "high", "threshold of the verdict and of the new failures listed: critical, high, medium or low")
	fs.BoolVar(&failOnNew, "fail-on-new", false, "the verdict counts only new and regressed failures (as scan --fail-on-new)")
	fs.IntVar(&maxItems, "max-items", 10, "new failures listed by name (the count is always whole)")
	fs.DurationVar(&timeout, "timeout", 30*time.Second, "time limit of the POST")
	fs.BoolVar(&dryRun, "dry-run", false, "print the payload instead of posting it")
	return cmd
}

// githubRunURL is the link to the current GitHub Actions run, or "" outside one.
func githubRunURL() string {
	server, repo, id := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || id == "" {
		return ""
	}
	return strings.TrimRight(server, "/") + "/" + repo + "/actions/runs/" + id
}
