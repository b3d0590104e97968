package awssim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

var stsOps = map[string]handler{
	"GetCallerIdentity": getCallerIdentity,
	"AssumeRole":        assumeRole,
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

func getCallerIdentity(c *call) (any, error) {
	return getCallerIdentityResult{Arn: c.sess.arn, UserID: c.sess.userID, Account: c.sess.account}, nil
}

var roleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$`)

// parseRoleARN splits arn:aws:iam::<account>:role/<path/><name>.
func parseRoleARN(arn string) (account, name string, ok bool) {
	m := roleARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

type assumeRoleResult struct {
	XMLName     xml.Name `xml:"AssumeRoleResult"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string
	}
	SourceIdentity string `xml:",omitempty"`
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func assumeRole(c *call) (any, error) {
	s := c.srv
	roleARN := c.form.Get("RoleArn")
	sessionName := c.form.Get("RoleSessionName")
	target, roleName, ok := parseRoleARN(roleARN)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "ValidationError", "%s is invalid", roleARN)
	}
	if !sessionNamePattern.MatchString(sessionName) {
		return nil, errorf(http.StatusBadRequest, "ValidationError",
			"1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", sessionName)
	}
	duration := time.Hour
	if n, set, err := formInt(c.form, "DurationSeconds"); err != nil || set && (n < 900 || n > 43200) {
		return nil, errorf(http.StatusBadRequest, "ValidationError",
			"1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", c.form.Get("DurationSeconds"))
	} else if set {
		duration = time.Duration(n) * time.Second
	}

	denied := errorf(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.sess.arn, roleARN)
	a := s.accounts[target]
	switch {
	case a == nil, a.Status != "ACTIVE", a.RoleName != roleName:
		return nil, denied
	case a.ExternalID != "" && c.form.Get("ExternalId") != a.ExternalID:
		return nil, denied
	case len(a.TrustedAccounts) > 0 && !slices.Contains(a.TrustedAccounts, AccountID(c.sess.account)):
		return nil, denied
	case len(a.TrustedAccounts) == 0 && s.accounts[c.sess.account] == nil:
		return nil, denied
	}

	akid := "ASIA" + strings.ToUpper(randomHex(8))
	roleID := "AROA" + strings.ToUpper(hexID(17, "role", target, roleName))
	sess := &session{
		account: target,
		arn:     fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", target, roleName, sessionName),
		userID:  roleID + ":" + sessionName,
		secret:  randomToken(30),
		token:   "IQoJb3JpZ2luX2VjEAwaCXVzLWVhc3QtMSJGMEQCIAwsim" + randomToken(96),
		expires: time.Now().Add(duration), // wall clock: the SDK compares it with its own
	}
	s.mu.Lock()
	s.sessions[akid] = sess
	s.mu.Unlock()

	var out assumeRoleResult
	out.Credentials.AccessKeyID = akid
	out.Credentials.SecretAccessKey = sess.secret
	out.Credentials.SessionToken = sess.token
	out.Credentials.Expiration = sess.expires.UTC().Format(time.RFC3339)
	out.AssumedRoleUser.AssumedRoleID = sess.userID
	out.AssumedRoleUser.Arn = sess.arn
	return out, nil
}

func randomHex(nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func randomToken(nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
