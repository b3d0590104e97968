package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go/middleware"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// TestDiscoveryStreamsIntoCollection: with discovery streamed, the first
// ListAccounts page's accounts are collected while the later pages are
// still to come (the later pages wait here until a Security Hub call has
// been made); the shard is applied on the stream (team tags are read for
// the shard's accounts only); progress counts the accounts as they arrive;
// and the snapshot is byte for byte the one of listing every account first.
// --collection auto is streamed too when the caller administers nothing
// (GuardDuty, Security Hub, Systems Manager's inventory), which it asks
// before listing.
func TestDiscoveryStreamsIntoCollection(t *testing.T) {
	world := awssim.Generate(awssim.GenerateOptions{Accounts: 45, Seed: 5, Regions: []string{"us-east-1"}, LargeAccountShare: -1})
	for _, tc := range []struct {
		mode  string
		shard checks.ShardScope
	}{{ModeDirect, checks.ShardScope{}}, {ModeDirect, checks.ShardScope{Index: 2, Count: 3}}, {ModeAuto, checks.ShardScope{}}} {
		shard := tc.shard
		srv, cfg := awssimtest.StartWorld(t, world)
		collecting := make(chan struct{})
		var once sync.Once
		var laterPages, waitedFor atomic.Int32
		cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("gate", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				switch p := in.Parameters.(type) {
				case *organizations.ListAccountsInput:
					if p.NextToken != nil {
						laterPages.Add(1)
						// Not streamed, collection never starts before the
						// listing ends: give up after a while, and fail.
						select {
						case <-collecting:
							waitedFor.Add(1)
						case <-time.After(30 * time.Second):
						}
					}
				case *securityhub.DescribeHubInput:
					once.Do(func() { close(collecting) })
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
		})
		rec := &recorder{}
		opts := Options{Org: true, AWS: &cfg, Regions: world.Regions, TeamTag: "team", Collection: tc.mode, Shard: shard,
			Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock, Observer: rec}
		snap, err := Collect(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if laterPages.Load() != 2 || waitedFor.Load() != 2 {
			t.Errorf("%s, shard %+v: %d later ListAccounts pages, %d of them after collection began; want 2 and 2", tc.mode, shard, laterPages.Load(), waitedFor.Load())
		}
		st := rec.progress.State()
		if st.AccountsTotal != len(snap.Accounts) || st.TagsTotal != len(snap.Accounts) || st.TagsDone != st.TagsTotal {
			t.Errorf("shard %+v: progress counts %d accounts and %d/%d tags, the snapshot has %d accounts", shard, st.AccountsTotal, st.TagsDone, st.TagsTotal, len(snap.Accounts))
		}
		tagReads := 0
		for k, n := range srv.Calls().ByCall {
			if k.Service == "organizations" && k.Operation == "ListTagsForResource" {
				tagReads += n
			}
		}
		if tagReads != len(snap.Accounts) {
			t.Errorf("shard %+v: %d ListTagsForResource calls for %d accounts", shard, tagReads, len(snap.Accounts))
		}
		if shard.Count > 0 {
			for _, a := range snap.Accounts {
				if checks.Shard(a.AccountID, shard.Count) != shard.Index-1 {
					t.Errorf("account %s is not in shard %d/%d", a.AccountID, shard.Index, shard.Count)
				}
			}
		}

		// The same scan, listing every account first.
		want, gotBytes, wantBytes := listedFirst(t, world, opts, snap)
		if len(want.Accounts) == 0 || !bytes.Equal(gotBytes.Bytes(), wantBytes.Bytes()) {
			t.Errorf("shard %+v: the streamed discovery's snapshot differs from listing first (%d accounts, want %d):\n%s", shard, len(snap.Accounts), len(want.Accounts), firstDifference(gotBytes.Bytes(), wantBytes.Bytes()))
		}
	}
}

// TestNamedAccountsAreStreamed: --org --accounts is streamed too: the
// named accounts are collected as their pages arrive, the listing stops at
// the page of the last one, and the snapshot is the one of listing every
// account first; a named account the organization does not have is still
// an error, with no snapshot.
func TestNamedAccountsAreStreamed(t *testing.T) {
	world := awssim.Generate(awssim.GenerateOptions{Accounts: 45, Seed: 5, Regions: []string{"us-east-1"}, LargeAccountShare: -1})
	// ListAccounts lists the world's accounts in order, 20 a page: name
	// one of the first page and one of the second.
	named := []string{string(world.Accounts[25].ID), string(world.Accounts[3].ID)}
	srv, cfg := awssimtest.StartWorld(t, world)
	rec := &recorder{}
	opts := Options{Org: true, AWS: &cfg, Regions: world.Regions, TeamTag: "team", Collection: ModeDirect, Accounts: named,
		Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock, Observer: rec}
	snap, err := Collect(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if st := rec.progress.State(); st.AccountsTotal != 2 || st.TagsTotal != 2 {
		t.Errorf("progress counts %d accounts and %d tags, want the 2 named", st.AccountsTotal, st.TagsTotal)
	}
	if n := srv.Calls().Count(awssim.Call{Service: "organizations", Operation: "ListAccounts"}); n != 2 {
		t.Errorf("%d ListAccounts pages read, want 2 of 3: the named accounts are on the first two", n)
	}
	want, gotBytes, wantBytes := listedFirst(t, world, opts, snap)
	if len(want.Accounts) != 2 || !bytes.Equal(gotBytes.Bytes(), wantBytes.Bytes()) {
		t.Errorf("the streamed snapshot differs from listing first (%d accounts, want 2):\n%s", len(want.Accounts), firstDifference(gotBytes.Bytes(), wantBytes.Bytes()))
	}

	typo := opts
	typo.Accounts = append(slices.Clone(named), "999999999999")
	_, typoCfg := awssimtest.StartWorld(t, world)
	typo.AWS, typo.Observer = &typoCfg, &recorder{}
	if snap, err := Collect(t.Context(), typo); err == nil || !strings.Contains(err.Error(), "--accounts: 999999999999 is not an ACTIVE account of the organization") || snap != nil {
		t.Errorf("a named account outside the organization: %v (snapshot %v), want Discover's error and no snapshot", err, snap != nil)
	}
}

// listedFirst collects world as opts says but listing every account first
// (--collection auto, which a world without administrators collects
// directly), and gives that snapshot and both snapshots' bytes.
func listedFirst(t *testing.T, world *awssim.World, opts Options, snap *checks.Snapshot) (want *checks.Snapshot, gotBytes, wantBytes bytes.Buffer) {
	t.Helper()
	_, listedCfg := awssimtest.StartWorld(t, world)
	listed := opts
	listed.AWS, listed.Observer, listed.listFirst = &listedCfg, &recorder{}, true
	want, err := Collect(t.Context(), listed)
	if err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteSnapshot(&gotBytes, snap); err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteSnapshot(&wantBytes, want); err != nil {
		t.Fatal(err)
	}
	return want, gotBytes, wantBytes
}

// TestWithAnAdministratorDiscoveryIsStreamed: --collection auto and admin
// ask each service before listing whether the caller administers it; a
// service it administers (GuardDuty members, a Security Hub finding
// aggregator, a Systems Manager node inventory) plans its streams over
// every account, so it chooses its collector once the listing has ended,
// while the other services collect the accounts as their pages arrive (the
// later pages wait here until a CloudTrail call has been made). The status
// lines are said once, and the snapshot is byte for byte the one of
// listing first, at the cost of the asking (at most two calls more).
func TestWithAnAdministratorDiscoveryIsStreamed(t *testing.T) {
	all := func(m awssim.AccountID) *awssim.DelegatedAdmin {
		return &awssim.DelegatedAdmin{GuardDuty: m, SecurityHub: m, FindingAggregator: &awssim.FindingAggregator{Region: "us-east-1"},
			SSM: m, SSMSync: &awssim.SSMSync{Region: "us-east-1"}}
	}
	for _, tc := range []struct {
		name, mode string
		admin      func(mgmt awssim.AccountID) *awssim.DelegatedAdmin
		shard      checks.ShardScope
	}{
		{"guardduty", ModeAuto, func(m awssim.AccountID) *awssim.DelegatedAdmin { return &awssim.DelegatedAdmin{GuardDuty: m} }, checks.ShardScope{}},
		{"securityhub", ModeAuto, func(m awssim.AccountID) *awssim.DelegatedAdmin {
			return &awssim.DelegatedAdmin{SecurityHub: m, FindingAggregator: &awssim.FindingAggregator{Region: "us-east-1"}}
		}, checks.ShardScope{}},
		{"ssm", ModeAuto, func(m awssim.AccountID) *awssim.DelegatedAdmin {
			return &awssim.DelegatedAdmin{SSM: m, SSMSync: &awssim.SSMSync{Region: "us-east-1"}}
		}, checks.ShardScope{}},
		{"all, admin", ModeAdmin, all, checks.ShardScope{}},
		{"all, admin, shard", ModeAdmin, all, checks.ShardScope{Index: 1, Count: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			world := awssim.Generate(awssim.GenerateOptions{Accounts: 45, Seed: 5, Regions: []string{"us-east-1"}, LargeAccountShare: -1})
			for _, a := range world.Accounts {
				if a.Management {
					world.DelegatedAdmin = tc.admin(a.ID)
					if st := a.Regions["us-east-1"]; st.GuardDuty == nil || len(st.GuardDuty.Detectors) == 0 {
						st.GuardDuty = &awssim.GuardDutyState{Detectors: []awssim.Detector{{Status: "ENABLED"}}}
					}
				}
			}
			_, cfg := awssimtest.StartWorld(t, world)
			collecting := make(chan struct{})
			var once sync.Once
			var laterPages, waitedFor atomic.Int32
			cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
				return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("gate", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					switch p := in.Parameters.(type) {
					case *organizations.ListAccountsInput:
						if p.NextToken != nil {
							laterPages.Add(1)
							// Not streamed, collection never starts before
							// the listing ends: give up after a while, and
							// fail.
							select {
							case <-collecting:
								waitedFor.Add(1)
							case <-time.After(30 * time.Second):
							}
						}
					case *cloudtrail.DescribeTrailsInput:
						once.Do(func() { close(collecting) })
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
			})
			rec := &recorder{}
			calls := checks.NewCallCounter()
			opts := Options{Org: true, AWS: &cfg, Regions: world.Regions, Collection: tc.mode, Calls: calls, Shard: tc.shard,
				Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock, Observer: rec}
			snap, err := Collect(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if laterPages.Load() != 2 || waitedFor.Load() != 2 {
				t.Errorf("%d later ListAccounts pages, %d of them after collection began; want 2 and 2 (streamed)", laterPages.Load(), waitedFor.Load())
			}
			seen := map[string]bool{}
			for _, line := range rec.status {
				if seen[line] {
					t.Errorf("status line said twice: %q", line)
				}
				seen[line] = true
			}

			_, listedCfg := awssimtest.StartWorld(t, world)
			listed := opts
			listedCalls := checks.NewCallCounter()
			listed.AWS, listed.Observer, listed.Calls, listed.listFirst = &listedCfg, &recorder{}, listedCalls, true
			want, err := Collect(t.Context(), listed)
			if err != nil {
				t.Fatal(err)
			}
			var got, wantBytes bytes.Buffer
			if err := checks.WriteSnapshot(&got, snap); err != nil {
				t.Fatal(err)
			}
			if err := checks.WriteSnapshot(&wantBytes, want); err != nil {
				t.Fatal(err)
			}
			if len(want.Accounts) == 0 || !bytes.Equal(got.Bytes(), wantBytes.Bytes()) {
				t.Errorf("the snapshot differs from listing first (%d accounts, want %d):\n%s", len(snap.Accounts), len(want.Accounts), firstDifference(got.Bytes(), wantBytes.Bytes()))
			}
			// Operations, not requests: the simulator's rate limits may
			// answer a request with a throttle, and its retry is a request
			// more (the scan's call counter counts an operation once).
			extra := 0
			for action, n := range calls.Counts() {
				if d := n - listedCalls.Counts()[action]; d != 0 {
					extra += d
					t.Logf("%s: %d calls more than listing first", action, d)
				}
			}
			if extra < 1 || extra > 2*len(world.Regions)*3 {
				t.Errorf("%d calls more than listing first, want 1 to 2 a service (asking before the listing)", extra)
			}
		})
	}
}

// TestStreamedAdministratorFailures: with discovery streamed and a service
// choosing its collector once the listing ends, a listing that fails and a
// choice that fails each stop the scan with their error and no snapshot;
// the cells waiting for the choice do not hang it.
func TestStreamedAdministratorFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(in any, calls map[string]int) bool // whether this call fails
		want string
	}{
		{"the listing", func(in any, _ map[string]int) bool {
			p, ok := in.(*organizations.ListAccountsInput)
			return ok && p.NextToken != nil
		}, "list organization accounts (organizations:ListAccounts)"},
		{"the choice", func(in any, calls map[string]int) bool {
			// The first ListMembers is asked before the listing, the
			// second once it has ended.
			_, ok := in.(*guardduty.ListMembersInput)
			return ok && calls["*guardduty.ListMembersInput"] == 2
		}, "--collection admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			world := awssim.Generate(awssim.GenerateOptions{Accounts: 45, Seed: 5, Regions: []string{"us-east-1"}, LargeAccountShare: -1})
			for _, a := range world.Accounts {
				if a.Management {
					world.DelegatedAdmin = &awssim.DelegatedAdmin{GuardDuty: a.ID, SecurityHub: a.ID, FindingAggregator: &awssim.FindingAggregator{Region: "us-east-1"}}
					if st := a.Regions["us-east-1"]; st.GuardDuty == nil || len(st.GuardDuty.Detectors) == 0 {
						st.GuardDuty = &awssim.GuardDutyState{Detectors: []awssim.Detector{{Status: "ENABLED"}}}
					}
				}
			}
			_, cfg := awssimtest.StartWorld(t, world)
			var mu sync.Mutex
			calls := map[string]int{}
			cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
				return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("fail", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					mu.Lock()
					calls[fmt.Sprintf("%T", in.Parameters)]++
					fail := tc.fail(in.Parameters, calls)
					mu.Unlock()
					if fail {
						return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("injected failure")
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
			})
			opts := Options{Org: true, AWS: &cfg, Regions: world.Regions, Collection: ModeAdmin,
				Tool: checks.Tool{Name: "baseline", Version: "test"}, Now: awssimtest.Clock, Observer: &recorder{}}
			type result struct {
				snap *checks.Snapshot
				err  error
			}
			done := make(chan result, 1)
			go func() {
				snap, err := Collect(t.Context(), opts)
				done <- result{snap, err}
			}()
			select {
			case r := <-done:
				if r.err == nil || !strings.Contains(r.err.Error(), tc.want) || !strings.Contains(r.err.Error(), "injected failure") || r.snap != nil {
					t.Errorf("Collect: %v (snapshot %v), want an error with %q and no snapshot", r.err, r.snap != nil, tc.want)
				}
			case <-time.After(2 * time.Minute):
				t.Fatal("Collect did not return")
			}
		})
	}
}
