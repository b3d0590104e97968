package awssim

import (
	"net/http"
	"strings"
)

// restProtocol is restJson1 (Security Hub, GuardDuty, Account): the
// operation is the method and path, errors carry X-Amzn-Errortype and a
// JSON body.
type restProtocol struct {
	service string
}

// restRoute is one restJson1 operation; pattern segments in braces are labels.
type restRoute struct {
	service, method, pattern, op string
	h                            handler
}

var restRoutes = []restRoute{
	{"securityhub", http.MethodGet, "/accounts", "DescribeHub", describeHub},
	{"securityhub", http.MethodPost, "/standards/get", "GetEnabledStandards", getEnabledStandards},
	{"securityhub", http.MethodPost, "/findings", "GetFindings", getSecurityHubFindings},
	{"securityhub", http.MethodGet, "/findingAggregator/list", "ListFindingAggregators", listFindingAggregators},
	{"securityhub", http.MethodGet, "/findingAggregator/get/{FindingAggregatorArn+}", "GetFindingAggregator", getFindingAggregator},
	{"securityhub", http.MethodGet, "/members", "ListMembers", listSecurityHubMembers},
	{"securityhub", http.MethodPost, "/members/get", "GetMembers", getSecurityHubMembers},
	{"securityhub", http.MethodGet, "/hubv2", "DescribeSecurityHubV2", describeSecurityHubV2},
	{"securityhub", http.MethodPost, "/findingsv2", "GetFindingsV2", getFindingsV2},
	{"guardduty", http.MethodGet, "/detector", "ListDetectors", listDetectors},
	{"guardduty", http.MethodGet, "/detector/{detectorId}", "GetDetector", getDetector},
	{"guardduty", http.MethodPost, "/detector/{detectorId}/findings/statistics", "GetFindingsStatistics", getFindingsStatistics},
	{"guardduty", http.MethodPost, "/detector/{detectorId}/findings", "ListFindings", listGuardDutyFindings},
	{"guardduty", http.MethodPost, "/detector/{detectorId}/findings/get", "GetFindings", getGuardDutyFindings},
	{"guardduty", http.MethodGet, "/detector/{detectorId}/member", "ListMembers", listGuardDutyMembers},
	{"guardduty", http.MethodPost, "/detector/{detectorId}/member/get", "GetMembers", getGuardDutyMembers},
	{"guardduty", http.MethodPost, "/detector/{detectorId}/coverage", "ListCoverage", listCoverage},
	{"guardduty", http.MethodGet, "/detector/{detectorId}/admin", "DescribeOrganizationConfiguration", describeOrganizationConfiguration},
	{"guardduty", http.MethodGet, "/malware-protection-plan", "ListMalwareProtectionPlans", listMalwareProtectionPlans},
	{"guardduty", http.MethodGet, "/malware-protection-plan/{malwareProtectionPlanId}", "GetMalwareProtectionPlan", getMalwareProtectionPlan},
	{"account", http.MethodPost, "/listRegions", "ListRegions", listRegions},
}

func (p restProtocol) route(c *call) (handler, error) {
	if h, ok := c.extraRoute(p.service); ok {
		return h, nil
	}
	segs := splitPath(c.r.URL.Path)
	for _, rt := range restRoutes {
		if rt.service != p.service || rt.method != c.r.Method {
			continue
		}
		if params, ok := matchPath(splitPath(rt.pattern), segs); ok {
			c.op, c.params = rt.op, params
			return rt.h, nil
		}
	}
	c.op = c.r.Method + " " + c.r.URL.Path
	return nil, errorf(http.StatusNotFound, "UnknownOperationException", "awssim: no %s operation at %s %s", p.service, c.r.Method, c.r.URL.Path)
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func matchPath(pattern, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	if last := pattern[len(pattern)-1]; strings.HasSuffix(last, "+}") {
		// A greedy label takes the rest of the path, slashes included.
		n := len(pattern) - 1
		if len(segs) <= n {
			return nil, false
		}
		params[strings.Trim(last, "{+}")] = strings.Join(segs[n:], "/")
		pattern, segs = pattern[:n], segs[:n]
	}
	if len(pattern) != len(segs) {
		return nil, false
	}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			params[strings.Trim(p, "{}")] = segs[i]
		} else if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

func (restProtocol) authError(kind authFailure) *apiError { return jsonAuthError(kind) }

func (restProtocol) writeResult(w http.ResponseWriter, c *call, result any) {
	writeJSON(w, c, http.StatusOK, "application/json", result)
}

// writeError writes the shape each service's model gives its errors:
// Security Hub {"Code","Message"}, GuardDuty {"message","__type"}, Account
// {"message"} (its errorType member travels in X-Amzn-Errortype).
func (p restProtocol) writeError(w http.ResponseWriter, c *call, e *apiError) {
	w.Header().Set("X-Amzn-Errortype", e.Code)
	var body map[string]string
	switch p.service {
	case "guardduty":
		body = map[string]string{"message": e.Message}
		if e.jsonType != "" {
			body["__type"] = e.jsonType
		}
	case "account":
		body = map[string]string{"message": e.Message}
	default:
		body = map[string]string{"Code": e.Code, "Message": e.Message}
	}
	writeJSON(w, c, e.Status, "application/json", body)
}
