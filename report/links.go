package report

import (
	"net/url"
	"regexp"
	"strings"
)

// This file builds the links the HTML report shows: the AWS documentation
// page of a Security Hub control id, and console deep links for the
// resources and findings a result names. Formats and their sources are in
// docs/aws-semantics.md (L-1 … L-6). Links are built only for the aws
// partition, whose console host is known; a resource of another partition
// is shown without a link rather than with a wrong one.

// securityHubControlID matches a Security Hub control id such as "S3.2",
// "CloudTrail.1" or "EC2.19".
var securityHubControlID = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*)\.([0-9]+)$`)

// securityHubControlDocURL is the Security Hub user guide's entry for a
// control id, e.g. S3.2 → …/s3-controls.html#s3-2 (L-1); "" for text that is
// not a control id.
func securityHubControlDocURL(id string) string {
	m := securityHubControlID.FindStringSubmatch(strings.TrimSpace(id))
	if m == nil {
		return ""
	}
	svc := strings.ToLower(m[1])
	return "https://docs.aws.amazon.com/securityhub/latest/userguide/" + svc + "-controls.html#" + svc + "-" + m[2]
}

// referenceURL is where a control's reference points: the reference itself
// when it is an https URL, the Security Hub documentation of a control id
// (L-1), else "".
func referenceURL(ref string) string {
	ref = strings.TrimSpace(ref)
	if u, err := url.Parse(ref); err == nil && u.Scheme == "https" && u.Host != "" {
		return ref
	}
	return securityHubControlDocURL(ref)
}

// arnParts splits an ARN into partition, service, region, account and
// resource; ok is false for anything else.
func arnParts(arn string) (partition, service, region, account, resource string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[5] == "" {
		return "", "", "", "", "", false
	}
	return p[1], p[2], p[3], p[4], p[5], true
}

// validRegion keeps a region name that came from data out of a host name
// unless it looks like one.
var validRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)

// consoleURL is the AWS console page of the resource or finding an ARN
// names, in its own region (L-2 … L-5): a Security Hub finding, a GuardDuty
// finding, an EC2 instance or a CloudTrail trail; "" for anything else. The
// console opens it in the account the reader is signed in to.
func consoleURL(arn string) string {
	partition, service, region, _, resource, ok := arnParts(arn)
	if !ok || partition != "aws" || !validRegion.MatchString(region) {
		return ""
	}
	base := "https://" + region + ".console.aws.amazon.com/"
	q := "?region=" + region
	switch {
	case service == "securityhub" && strings.Contains(resource, "/finding/"):
		search := url.QueryEscape("Id=" + url.QueryEscape(`\operator\:EQUALS\:`+arn))
		return base + "securityhub/home" + q + "#/findings?search=" + search
	case service == "guardduty" && strings.HasPrefix(resource, "detector/") && strings.Contains(resource, "/finding/"):
		id := resource[strings.LastIndex(resource, "/")+1:]
		return base + "guardduty/home" + q + "#/findings?macros=current&fId=" + url.QueryEscape(id)
	case service == "ec2" && strings.HasPrefix(resource, "instance/i-"):
		return base + "ec2/home" + q + "#InstanceDetails:instanceId=" + url.QueryEscape(strings.TrimPrefix(resource, "instance/"))
	case service == "cloudtrail" && strings.HasPrefix(resource, "trail/"):
		return base + "cloudtrail/home" + q + "#/trails/" + arn
	}
	return ""
}

// textLink is a piece of text and, when it names something with a page, the
// page's URL.
type textLink struct {
	Text, URL string
}

var arnInText = regexp.MustCompile(`arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s,;()"'<>]+`)

// linkify splits text (already cleaned) into pieces, each ARN with a console
// page a link.
func linkify(text string) []textLink {
	var out []textLink
	last := 0
	for _, m := range arnInText.FindAllStringIndex(text, -1) {
		arn := strings.TrimRight(text[m[0]:m[1]], ".")
		u := consoleURL(arn)
		if u == "" {
			continue
		}
		if m[0] > last {
			out = append(out, textLink{Text: text[last:m[0]]})
		}
		out = append(out, textLink{Text: arn, URL: u})
		last = m[0] + len(arn)
	}
	if last < len(text) {
		out = append(out, textLink{Text: text[last:]})
	}
	return out
}

// findingConsoleURL is the console page of a finding-level result's finding:
// a Security Hub finding by its ARN id (L-2), a GuardDuty finding by its id
// in the result's region (L-3); "" otherwise.
func findingConsoleURL(res Result) string {
	f := res.Finding
	if f == nil {
		return ""
	}
	id := clean(f.ID)
	if u := consoleURL(id); u != "" {
		return u
	}
	if res.Service() == "guardduty" && id != "" && validRegion.MatchString(res.Region) && !strings.ContainsAny(id, ":/") {
		return "https://" + res.Region + ".console.aws.amazon.com/guardduty/home?region=" + res.Region + "#/findings?macros=current&fId=" + url.QueryEscape(id)
	}
	return ""
}
