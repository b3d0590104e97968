package awssim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Server.
type Options struct {
	// Now is the clock relative world times resolve against (once, at
	// Start); default time.Now.
	Now func() time.Time
	// Latency delays every call, e.g. 40ms to approach AWS's response times.
	Latency time.Duration
	// Seed makes faults with a rate below 1 repeatable.
	Seed uint64
	// RateLimits, when set, throttle calls per (account, region, action)
	// beyond these token-bucket rates, with each protocol's throttling
	// error; see AWSRateLimits.
	RateLimits map[string]Rate
	// ThrottleRate throttles that fraction of calls at random, on top of
	// RateLimits (another tool sharing the account's quota).
	ThrottleRate float64
	// SessionCalls, when set, makes an AssumeRole session stop working
	// (ExpiredToken) after that many requests signed with it, although its
	// Expiration says otherwise: a revoked session, or an expiry the client
	// did not see coming. Counted in requests, not time, so that a test of
	// it does not depend on how fast the machine is.
	SessionCalls int
	// Operations are served beside the simulated ones, before them: the
	// API of a service the scanner is learning, registered by its test.
	Operations []Operation
}

// Server serves a World over the AWS wire protocols on 127.0.0.1.
type Server struct {
	world    *World
	now      time.Time
	opts     Options
	accounts map[string]*Account
	mgmt     *Account
	enabled  map[string]bool // regions every account has enabled
	orgID    string

	http *http.Server
	url  string
	seq  atomic.Uint64

	mu       sync.Mutex
	faults   []compiledFault
	rng      *rand.Rand
	calls    map[Call]int
	total    int
	sessions map[string]*session // temporary access key id → session

	limiter   *rateLimiter
	throttled atomic.Int64
}

// session is what a set of credentials acts as.
type session struct {
	account string
	arn     string // caller ARN, as GetCallerIdentity reports it
	userID  string
	secret  string
	token   string       // empty for long-term keys
	expires time.Time    // zero for long-term keys; wall clock, as the SDK checks it
	used    atomic.Int64 // requests signed with the session, for Options.SessionCalls
}

// Start validates w, fills its defaults (generated ids, ARNs) and serves it
// on a random loopback port until Close. Do not modify w after Start.
func Start(w *World, opts Options) (*Server, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		world:    w,
		now:      opts.Now().UTC(),
		opts:     opts,
		accounts: map[string]*Account{},
		enabled:  map[string]bool{},
		rng:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		calls:    map[Call]int{},
		sessions: map[string]*session{},
	}
	if opts.RateLimits != nil {
		s.limiter = &rateLimiter{limits: opts.RateLimits, buckets: map[rateKey]*simBucket{}}
	}
	s.normalize()
	for _, f := range w.Faults {
		cf, err := compileFault(f)
		if err != nil {
			return nil, err
		}
		s.faults = append(s.faults, cf)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start awssim: %w", err)
	}
	s.url = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// URL is the endpoint to give the SDK (BaseEndpoint or AWS_ENDPOINT_URL).
func (s *Server) URL() string { return s.url }

// Close stops the server and closes open connections.
func (s *Server) Close() { _ = s.http.Close() }

// Now is the server clock: the instant relative world times resolved against.
func (s *Server) Now() time.Time { return s.now }

// Credentials returns long-term credentials that act as the management account.
func (s *Server) Credentials() (accessKeyID, secretAccessKey string) {
	return s.CredentialsFor(string(s.mgmt.ID))
}

// CredentialsFor returns long-term credentials that act directly in an
// account of the world (no AssumeRole); empty strings for an unknown account.
func (s *Server) CredentialsFor(accountID string) (accessKeyID, secretAccessKey string) {
	if s.accounts[accountID] == nil {
		return "", ""
	}
	return staticKeyPrefix + accountID, staticSecret(accountID)
}

// staticKeyPrefix + a 12-digit account id is a 20-character access key id.
const staticKeyPrefix = "AKIASIM0"

func staticSecret(accountID string) string { return "awssim/" + accountID + "/static-secret-key" }

// Call identifies one kind of request the server received.
type Call struct {
	Account   string // acting account; empty when the credentials were not recognized
	Region    string
	Service   string // signing name, e.g. securityhub
	Operation string // e.g. GetFindings
}

// CallCounts are the requests received, retries included.
type CallCounts struct {
	Total  int
	ByCall map[Call]int
}

// Count sums the calls matching the non-empty fields of match.
func (c CallCounts) Count(match Call) int {
	n := 0
	for k, v := range c.ByCall {
		if (match.Account == "" || match.Account == k.Account) &&
			(match.Region == "" || match.Region == k.Region) &&
			(match.Service == "" || match.Service == k.Service) &&
			(match.Operation == "" || match.Operation == k.Operation) {
			n += v
		}
	}
	return n
}

// Actions lists the IAM actions called ("ssm:DescribeInstanceInformation"), sorted.
func (c CallCounts) Actions() []string {
	var out []string
	for k := range c.ByCall {
		a := k.Service + ":" + k.Operation
		if iam, ok := iamActionOf[a]; ok {
			a = iam
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// Calls returns a copy of the counts so far.
func (s *Server) Calls() CallCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := CallCounts{Total: s.total, ByCall: make(map[Call]int, len(s.calls))}
	for k, v := range s.calls {
		out.ByCall[k] = v
	}
	return out
}

// ResetCalls sets the counts back to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.total = map[Call]int{}, 0
}

// AddFault adds a fault at run time; it applies to calls that start after it.
func (s *Server) AddFault(f Fault) error {
	v := &validator{now: s.now}
	v.fault(path{"fault"}, &f)
	if v.first != nil {
		return fmt.Errorf("add fault: %s", v.first)
	}
	cf, err := compileFault(f)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, cf)
	return nil
}

// ClearFaults removes every fault, including the world's.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// call is one request being served.
type call struct {
	srv       *Server
	r         *http.Request
	body      []byte
	requestID string
	service   string
	region    string
	op        string
	account   *Account
	sess      *session
	// faultAccount is the account faults match on: the acting account,
	// except for sts:AssumeRole where it is the target account.
	faultAccount string
	form         url.Values        // query protocols
	params       map[string]string // restJson path labels
}

// handler serves one operation; a returned *apiError is sent in the
// protocol's error shape.
type handler func(c *call) (any, error)

// protocol is one AWS wire protocol.
type protocol interface {
	// route finds the operation; an error means the request is malformed or unknown.
	route(c *call) (handler, error)
	authError(kind authFailure) *apiError
	writeResult(w http.ResponseWriter, c *call, result any)
	writeError(w http.ResponseWriter, c *call, e *apiError)
}

type authFailure int

const (
	authMissing authFailure = iota
	authInvalid
	authExpired
)

// ServeHTTP identifies the service, operation and account of a request,
// applies faults and answers in the service's wire protocol.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{srv: s, r: r, requestID: s.requestID()}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c.body = body
	akid, region, service := parseAuthorization(r.Header.Get("Authorization"))
	if service == "" {
		service = guessService(r, body)
	}
	c.service, c.region = service, region
	proto := s.protocolOf(service)
	if proto == nil {
		http.Error(w, fmt.Sprintf("awssim: service %q is not simulated", service), http.StatusBadRequest)
		return
	}

	h, err := proto.route(c)
	var aerr *apiError
	if err != nil {
		aerr = asAPIError(err)
	} else {
		aerr = s.authenticate(c, proto, akid)
	}
	s.record(c)
	if aerr == nil && !globalServices[service] && !s.enabled[c.region] {
		// AWS's answer in a region the account has not opted in to.
		aerr = proto.authError(authInvalid)
	}
	if aerr == nil {
		aerr = s.applyFaults(r.Context(), c)
	}
	if aerr == nil {
		aerr = s.throttle(c)
	}
	var result any
	if aerr == nil {
		result, err = h(c)
		if err != nil {
			aerr = asAPIError(err)
		}
	}
	if aerr != nil {
		proto.writeError(w, c, aerr)
		return
	}
	proto.writeResult(w, c, result)
}

var globalServices = map[string]bool{"sts": true, "organizations": true, "account": true}

var protocols = map[string]protocol{
	"sts":           queryProtocol{ops: stsOps},
	"ec2":           ec2Protocol{ops: ec2Ops},
	"organizations": jsonProtocol{target: "AWSOrganizationsV20161128", ops: organizationsOps},
	"cloudtrail":    jsonProtocol{target: "CloudTrail_20131101", ops: cloudtrailOps},
	"ssm":           jsonProtocol{target: "AmazonSSM", ops: ssmOps},
	"securityhub":   restProtocol{service: "securityhub"},
	"guardduty":     restProtocol{service: "guardduty"},
	"account":       restProtocol{service: "account"},
}

// parseAuthorization reads the access key id, region and service from a
// SigV4 Authorization header's credential scope. Signatures are not checked.
func parseAuthorization(h string) (akid, region, service string) {
	i := strings.Index(h, "Credential=")
	if i < 0 {
		return "", "", ""
	}
	cred := h[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// guessService picks the protocol of an unsigned request so that it can be
// refused in the right shape.
func guessService(r *http.Request, body []byte) string {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, "AmazonSSM."):
		return "ssm"
	case strings.HasPrefix(target, "AWSOrganizations"):
		return "organizations"
	case strings.Contains(target, "CloudTrail_20131101"):
		return "cloudtrail"
	case strings.Contains(string(body), "Version=2016-11-15"):
		return "ec2"
	case strings.Contains(string(body), "Action="):
		return "sts"
	case strings.HasPrefix(r.URL.Path, "/detector"):
		return "guardduty"
	case strings.HasPrefix(r.URL.Path, "/listRegions"):
		return "account"
	}
	return "securityhub"
}

// authenticate maps the access key id to a session and its account.
func (s *Server) authenticate(c *call, proto protocol, akid string) *apiError {
	if akid == "" {
		return proto.authError(authMissing)
	}
	if strings.HasPrefix(akid, staticKeyPrefix) {
		id := strings.TrimPrefix(akid, staticKeyPrefix)
		if a := s.accounts[id]; a != nil {
			c.account = a
			c.sess = &session{account: id, arn: "arn:aws:iam::" + id + ":user/awssim", userID: "AIDA" + hexID(12, "user", id)}
			if c.faultAccount == "" {
				c.faultAccount = id
			}
			return nil
		}
		return proto.authError(authInvalid)
	}
	s.mu.Lock()
	sess := s.sessions[akid]
	s.mu.Unlock()
	if sess == nil || c.r.Header.Get("X-Amz-Security-Token") != sess.token {
		return proto.authError(authInvalid)
	}
	if time.Now().After(sess.expires) || s.opts.SessionCalls > 0 && sess.token != "" && sess.used.Add(1) > int64(s.opts.SessionCalls) {
		return proto.authError(authExpired)
	}
	c.account, c.sess = s.accounts[sess.account], sess
	if c.faultAccount == "" {
		c.faultAccount = sess.account
	}
	return nil
}

func (s *Server) record(c *call) {
	k := Call{Region: c.region, Service: c.service, Operation: c.op}
	if c.account != nil {
		k.Account = string(c.account.ID)
	}
	s.mu.Lock()
	s.calls[k]++
	s.total++
	s.mu.Unlock()
}

func (s *Server) requestID() string {
	n := s.seq.Add(1)
	return fmt.Sprintf("a5e1d0c0-%04x-4%03x-8%03x-%012x", (n>>40)&0xffff, (n>>28)&0xfff, (n>>16)&0xfff, n&0xffffffffffff)
}

// sleep waits d or until the request is cancelled.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// apiError is an AWS error response in protocol-neutral form.
type apiError struct {
	Status  int
	Code    string
	Message string
	// extra fields some services add to the JSON body (GuardDuty's "__type").
	jsonType string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return errorf(http.StatusInternalServerError, "InternalFailure", "awssim: %v", err)
}
