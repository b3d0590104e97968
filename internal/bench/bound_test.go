package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/scan"
)

func TestSequentialChainsArePacedByTheBucket(t *testing.T) {
	ms := time.Millisecond
	// Security Hub GetFindings, 3/s burst 6, 40 ms per page: six pages
	// back to back, then one every 333 ms of refill.
	got := sequential(8, 40*ms, awssim.Rate{PerSecond: 3, Burst: 6})
	want := []time.Duration{0, 40 * ms, 80 * ms, 120 * ms, 160 * ms, 200 * ms, 0, 0}
	// The 7th token: 6 used by 200 ms, refilled at 3/s from the start
	// (0.6 by 200 ms, 0.72 at 240 ms): ready at 333.3 ms.
	want[6] = time.Second / 3
	want[7] = want[6] + time.Second/3
	for i := range want {
		if d := got[i] - want[i]; d < -ms || d > ms {
			t.Errorf("page %d starts at %v, want %v", i, got[i], want[i])
		}
	}
	if got := sequential(3, 40*ms, awssim.Rate{}); !slices.Equal(got, []time.Duration{0, 40 * ms, 80 * ms}) {
		t.Errorf("unlimited chain = %v", got)
	}
}

func TestBoundOfAGeneratedWorld(t *testing.T) {
	w := awssim.Generate(awssim.GenerateOptions{Accounts: 3, Regions: []string{"us-east-1"}, Seed: 1, LargeAccountShare: -1})
	b := ComputeBound(w, []string{"us-east-1"}, 40*time.Millisecond, awssim.AWSRateLimits(), false, false)
	// Discovery is GetCallerIdentity and one ListAccounts page.
	if b.Discovery != 80*time.Millisecond {
		t.Errorf("discovery = %v, want 80ms", b.Discovery)
	}
	// A member's path is at least AssumeRole then DescribeHub then a page.
	if b.LongestPath < 120*time.Millisecond || b.Seconds < 0.2 {
		t.Errorf("longest path %v, bound %.3fs", b.LongestPath, b.Seconds)
	}
	if b.Calls < 2+2+3*7 {
		t.Errorf("minimal calls = %d", b.Calls)
	}
}

// TestBoundCallsAreTheScannersCalls: the bound's minimal call count is what
// the scanner makes when it reads every account directly (the simulator
// serves without rate limits here). A collector that gains or
// loses a call, or a model that drifts from the collectors, fails this.
// (A retried call counts once.)
func TestBoundCallsAreTheScannersCalls(t *testing.T) {
	regions := allRegions[:3]
	for _, teamTag := range []string{"team", ""} {
		w := awssim.Generate(awssim.GenerateOptions{Accounts: 40, Regions: regions, Seed: 3})
		srv, err := awssim.Start(w, awssim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := ComputeBound(w, regions, 40*time.Millisecond, awssim.AWSRateLimits(), false, teamTag != "")
		akid, secret := srv.Credentials()
		cfg := aws.Config{
			Region:       regions[0],
			Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
			BaseEndpoint: aws.String(srv.URL()),
		}
		calls := checks.NewCallCounter()
		_, err = scan.Collect(context.Background(), scan.Options{
			Org: true, AWS: &cfg, Regions: regions, Collection: scan.ModeDirect,
			TeamTag: teamTag, Calls: calls, Tool: checks.Tool{Name: "baseline", Version: "test"},
		})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := calls.Total(); got != b.Calls {
			t.Errorf("team tag %q: the scanner made %d calls, the bound counts %d (%v)", teamTag, got, b.Calls, calls.ByService())
		}
	}
}

// TestBoundStreamsDiscoveryAndWaitsForTeamTags: accounts start as their
// ListAccounts page arrives, and with a team tag the bound is at least the
// tag reads' end, paced by Organizations' bucket (5/s, burst 10).
func TestBoundStreamsDiscoveryAndWaitsForTeamTags(t *testing.T) {
	w := awssim.Generate(awssim.GenerateOptions{Accounts: 60, Regions: []string{"us-east-1"}, Seed: 1, LargeAccountShare: -1})
	L := 40 * time.Millisecond
	plain := ComputeBound(w, []string{"us-east-1"}, L, awssim.AWSRateLimits(), false, false)
	tagged := ComputeBound(w, []string{"us-east-1"}, L, awssim.AWSRateLimits(), false, true)
	// GetCallerIdentity, then three pages back to back within the burst of 10.
	if want := L + 3*L; plain.Discovery != want {
		t.Errorf("discovery ends at %v, want %v", plain.Discovery, want)
	}
	// The first ten tags within the burst, then 5/s: the 60th starts
	// 10 s after the first.
	if tagged.TeamTags < 10*time.Second || tagged.TeamTags > 10*time.Second+time.Second {
		t.Errorf("team tags end at %v, want about 10s", tagged.TeamTags)
	}
	if tagged.Seconds < tagged.TeamTags.Seconds() {
		t.Errorf("bound %.3fs before the tags end at %v", tagged.Seconds, tagged.TeamTags)
	}
	if plain.Seconds >= tagged.Seconds || plain.TeamTags != 0 {
		t.Errorf("without tags the bound is %.3fs (tags %v), with them %.3fs", plain.Seconds, plain.TeamTags, tagged.Seconds)
	}
	// Streamed: no account waits for the last page, so the bound is below
	// discovery + the slowest account.
	if plain.Seconds > (plain.Discovery + plain.LongestPath).Seconds() {
		t.Errorf("bound %.3fs above discovery %v + slowest account %v", plain.Seconds, plain.Discovery, plain.LongestPath)
	}
	if tagged.Calls != plain.Calls+60 {
		t.Errorf("tags add %d calls, want 60", tagged.Calls-plain.Calls)
	}
}

func TestParallelCallsWaitForTheirTokens(t *testing.T) {
	// 13 calls at once on 5/s burst 10: ten at 0, then one every 200 ms.
	got := parallel(13, 0, awssim.Rate{PerSecond: 5, Burst: 10})
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 600 * time.Millisecond}
	for i, w := range want {
		if d := got[10+i] - w; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("call %d starts at %v, want %v", 11+i, got[10+i], w)
		}
	}
}

// TestShardBoundCallsAreTheShardsCalls: a shard's minimal call count
// (ComputeShardBound) is what the scanner makes scanning that shard of a
// world that holds only the shard's accounts and the management account
// (-shard-worlds), listing the organization itself or reading an account
// list; the owner's trail facts a shard without the management account
// reads are in it.
func TestShardBoundCallsAreTheShardsCalls(t *testing.T) {
	const accounts, shards = 30, 3
	regions := allRegions[:2]
	ctx := context.Background()
	// The account list, from the whole organization.
	whole := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: 5})
	srv, err := awssim.Start(whole, awssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	akid, secret := srv.Credentials()
	listPath := filepath.Join(t.TempDir(), "accounts.json")
	if _, _, _, err := listAccounts(ctx, simConfig(srv.URL(), akid, secret, regions[0]), listPath, regions, false, nil); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	list, err := scan.ReadAccountList(ctx, listPath)
	if err != nil {
		t.Fatal(err)
	}
	withoutOwner := 0
	for k := 1; k <= shards; k++ {
		w := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: 5, Only: shardWorld(k, shards)})
		if checks.Shard(string(w.Accounts[0].ID), shards) != k-1 {
			withoutOwner++
		}
		for _, listed := range []bool{false, true} {
			srv, err := awssim.Start(w, awssim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := ComputeShardBound(w, regions, 40*time.Millisecond, awssim.AWSRateLimits(), false, true, k, shards, listed)
			akid, secret := srv.Credentials()
			cfg := simConfig(srv.URL(), akid, secret, regions[0])
			calls := checks.NewCallCounter()
			o := scan.Options{
				Org: true, AWS: &cfg, Regions: regions, Collection: scan.ModeDirect, TeamTag: "team",
				Calls: calls, Tool: checks.Tool{Name: "baseline", Version: "test"},
				Shard: checks.ShardScope{Index: k, Count: shards},
			}
			if listed {
				o.AccountList = list
			}
			_, err = scan.Collect(ctx, o)
			srv.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := calls.Total(); got != b.Calls {
				t.Errorf("shard %d/%d, from a list %v: the scanner made %d calls, the bound counts %d (%v)", k, shards, listed, got, b.Calls, calls.Counts())
			}
		}
	}
	if withoutOwner == 0 {
		t.Fatal("every shard holds the management account: the owner's reads are not tested")
	}
}
