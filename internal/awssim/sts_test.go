package awssim

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestGetCallerIdentity(t *testing.T) {
	s := startTestWorld(t)
	akid, secret := s.Credentials()
	cfg := sdkConfig(s, credentials.NewStaticCredentialsProvider(akid, secret, ""), "us-east-1")
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.Account), "111111111111"; got != want {
		t.Errorf("Account = %s, want %s", got, want)
	}
	if got, want := aws.ToString(out.Arn), "arn:aws:iam::111111111111:user/awssim"; got != want {
		t.Errorf("Arn = %s, want %s", got, want)
	}
}

func TestAssumeRoleActsInTarget(t *testing.T) {
	s := startTestWorld(t)
	base := configFor(s, "111111111111", "us-east-1")
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::022222222222:role/AuditRole", func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "baseline-scan"
		o.ExternalID = aws.String("s3cret-ext")
	})
	cfg := sdkConfig(s, aws.NewCredentialsCache(provider), "us-east-1")

	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if creds.SessionToken == "" || !creds.CanExpire || creds.Expires.Before(time.Now().Add(10*time.Minute)) {
		t.Errorf("temporary credentials = %+v, want a session token expiring after the 15 minutes stscreds asks for", creds)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::022222222222:assumed-role/AuditRole/baseline-scan"; got != want {
		t.Errorf("Arn = %s, want %s", got, want)
	}
	hub, err := securityhub.NewFromConfig(cfg).DescribeHub(t.Context(), &securityhub.DescribeHubInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(hub.HubArn), "arn:aws:securityhub:us-east-1:022222222222:hub/default"; got != want {
		t.Errorf("HubArn = %s, want %s", got, want)
	}
	if got := s.Calls().Count(Call{Account: "111111111111", Service: "sts", Operation: "AssumeRole"}); got != 1 {
		t.Errorf("AssumeRole calls = %d, want 1 (the credentials are cached)", got)
	}

	// A session token that does not belong to the key is refused.
	forged := sdkConfig(s, credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "forged"), "us-east-1")
	_, err = sts.NewFromConfig(forged).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403)
}

func TestAssumeRoleDenied(t *testing.T) {
	s := startTestWorld(t)
	tests := []struct {
		name       string
		caller     string
		roleARN    string
		externalID string
		code       string
		status     int
	}{
		{"default role", "111111111111", "arn:aws:iam::444444444444:role/OrganizationAccountAccessRole", "", "", 0},
		{"unknown account", "111111111111", "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole", "", "AccessDenied", 403},
		{"wrong role name", "111111111111", "arn:aws:iam::444444444444:role/Admin", "", "AccessDenied", 403},
		{"suspended account", "111111111111", "arn:aws:iam::555555555555:role/OrganizationAccountAccessRole", "", "AccessDenied", 403},
		{"missing external id", "111111111111", "arn:aws:iam::022222222222:role/AuditRole", "", "AccessDenied", 403},
		{"wrong external id", "111111111111", "arn:aws:iam::022222222222:role/AuditRole", "guess", "AccessDenied", 403},
		{"untrusted caller", "111111111111", "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "", "AccessDenied", 403},
		{"trusted caller", "022222222222", "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "", "", 0},
		{"malformed role arn", "111111111111", "arn:aws:iam::12:role/x", "", "ValidationError", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String(tt.roleARN), RoleSessionName: aws.String("test")}
			if tt.externalID != "" {
				in.ExternalId = aws.String(tt.externalID)
			}
			_, err := sts.NewFromConfig(configFor(s, tt.caller, "us-east-1")).AssumeRole(t.Context(), in)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, tt.code, tt.status)
		})
	}
}

func TestListAccounts(t *testing.T) {
	s := startTestWorld(t)
	client := organizations.NewFromConfig(configFor(s, "111111111111", "us-east-1"))
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
	var got []orgtypes.Account
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, page.Accounts...)
	}
	if pages != 3 || len(got) != 5 {
		t.Fatalf("got %d accounts in %d pages, want 5 in 3", len(got), pages)
	}
	want := []struct{ id, name, status string }{
		{"111111111111", "management", "ACTIVE"},
		{"022222222222", "prod", "ACTIVE"},
		{"333333333333", "staging", "ACTIVE"},
		{"444444444444", "dev", "ACTIVE"},
		{"555555555555", "closed", "SUSPENDED"},
	}
	for i, w := range want {
		a := got[i]
		if aws.ToString(a.Id) != w.id || aws.ToString(a.Name) != w.name || string(a.Status) != w.status || string(a.State) != w.status {
			t.Errorf("account %d = %s %s %s/%s, want %s %s %s", i, aws.ToString(a.Id), aws.ToString(a.Name), a.Status, a.State, w.id, w.name, w.status)
		}
	}
	first := got[0]
	if want := "arn:aws:organizations::111111111111:account/" + s.world.OrganizationID + "/111111111111"; aws.ToString(first.Arn) != want {
		t.Errorf("Arn = %s, want %s", aws.ToString(first.Arn), want)
	}
	if want := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC); !aws.ToTime(first.JoinedTimestamp).Equal(want) {
		t.Errorf("JoinedTimestamp = %v, want %v", first.JoinedTimestamp, want)
	}
	if aws.ToString(got[1].Email) != "aws+prod@example.com" {
		t.Errorf("default Email = %q", aws.ToString(got[1].Email))
	}

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name    string
			account string
			max     int32
			token   string
			code    string
		}{
			{"page too large", "111111111111", 21, "", "InvalidInputException"},
			{"bad token", "111111111111", 20, "bm9wZQ", "InvalidInputException"},
			{"member account", "022222222222", 20, "", "AccessDeniedException"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := &organizations.ListAccountsInput{MaxResults: aws.Int32(tt.max)}
				if tt.token != "" {
					in.NextToken = aws.String(tt.token)
				}
				_, err := organizations.NewFromConfig(configFor(s, tt.account, "us-east-1")).ListAccounts(t.Context(), in)
				wantError(t, err, tt.code, 400)
			})
		}
	})
}
