package ssm

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// TestSyncStateUnknownIsUnusable: AWS documents four SyncSource states,
// all failures, and no healthy one; a state it adds must not make a sync
// trusted.
func TestSyncStateUnknownIsUnusable(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	item := func(state string) ssmtypes.ResourceDataSyncItem {
		src := &ssmtypes.ResourceDataSyncSourceWithState{
			SourceType:             aws.String("AwsOrganizations"),
			AwsOrganizationsSource: &ssmtypes.ResourceDataSyncAwsOrganizationsSource{OrganizationSourceType: aws.String("EntireOrganization")},
		}
		if state != "" {
			src.State = aws.String(state)
		}
		return ssmtypes.ResourceDataSyncItem{SyncSource: src, LastStatus: ssmtypes.LastResourceDataSyncStatusSuccessful, LastSuccessfulSyncTime: aws.Time(now.Add(-time.Hour))}
	}
	if got := unusable(item(""), now, 24*time.Hour); got != "" {
		t.Errorf("healthy sync without a state: unusable %q", got)
	}
	for _, s := range append(syncFailedStates, "SomeStateAWSAdds") {
		if got := unusable(item(s), now, 24*time.Hour); got == "" {
			t.Errorf("state %q: the sync is used", s)
		}
	}
}
