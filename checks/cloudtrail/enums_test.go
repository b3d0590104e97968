package cloudtrail

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/baseline-scanner/baseline/internal/awssim/awsmodel"
)

// TestReadWriteTypesOfTheModel maps every ReadWriteType of CloudTrail's API
// model to the management events a basic event selector with it records,
// so that a value AWS adds fails here until ManagementEvents decides what
// it records. Meaning, from
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html:
// ReadOnly records read events, WriteOnly write events, All both, and "By
// default, the value is All" (a selector without the field). A value the
// code does not know must not count as recording every management event:
// crediting it could PASS cloudtrail.multi_region_logging for a trail that
// logs less.
func TestReadWriteTypesOfTheModel(t *testing.T) {
	m, err := awsmodel.Load("cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	table := map[types.ReadWriteType]string{
		types.ReadWriteTypeReadOnly:  "read",
		types.ReadWriteTypeWriteOnly: "write",
		types.ReadWriteTypeAll:       "all",
	}
	var keys []string
	for k := range table {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	shape := m.MemberShape("EventSelector", "ReadWriteType")
	if enum := m.Enum(shape); !slices.Equal(keys, enum) {
		t.Fatalf("ReadWriteType values: the model has %v, this table interprets %v", enum, keys)
	}
	// The SDK's own enum lists the same values: a value AWS adds reaches
	// the code as a plain string, which is what the unknown case holds.
	var sdk []string
	for _, v := range types.ReadWriteType("").Values() {
		sdk = append(sdk, string(v))
	}
	slices.Sort(sdk)
	if !slices.Equal(sdk, keys) {
		t.Errorf("the SDK's ReadWriteType values %v differ from the model's %v", sdk, keys)
	}
	for rw, want := range table {
		got, _ := ManagementEvents([]types.EventSelector{{ReadWriteType: rw, IncludeManagementEvents: aws.Bool(true)}}, nil)
		if got != want {
			t.Errorf("ReadWriteType %s: ManagementEvents = %q, want %q", rw, got, want)
		}
	}
	if got, _ := ManagementEvents([]types.EventSelector{{IncludeManagementEvents: aws.Bool(true)}}, nil); got != "all" {
		t.Errorf("ReadWriteType absent (AWS's default All): ManagementEvents = %q, want all", got)
	}
	if got, _ := ManagementEvents([]types.EventSelector{{ReadWriteType: "SomeFutureType", IncludeManagementEvents: aws.Bool(true)}}, nil); got == "all" {
		t.Errorf("an unknown ReadWriteType counts as recording all management events")
	}
}
