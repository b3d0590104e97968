package cloudtrail

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

func TestManagementEvents(t *testing.T) {
	field := func(name string, equals ...string) types.AdvancedFieldSelector {
		return types.AdvancedFieldSelector{Field: aws.String(name), Equals: equals}
	}
	tests := []struct {
		name     string
		basic    []types.EventSelector
		advanced []types.AdvancedEventSelector
		want     string
	}{
		{name: "no selectors", want: "none"},
		{name: "basic all", basic: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}, want: "all"},
		{name: "basic default read/write type", basic: []types.EventSelector{{IncludeManagementEvents: aws.Bool(true)}}, want: "all"},
		{name: "basic write only", basic: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}, want: "write"},
		{name: "basic read only", basic: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeReadOnly}}, want: "read"},
		{name: "basic read plus write selectors", basic: []types.EventSelector{
			{ReadWriteType: types.ReadWriteTypeReadOnly}, {ReadWriteType: types.ReadWriteTypeWriteOnly},
		}, want: "all"},
		{name: "basic data events only", basic: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(false)}}, want: "none"},
		{name: "advanced management", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{field("eventCategory", "Management")}}}, want: "all"},
		{name: "advanced management read only", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{
			field("eventCategory", "Management"), field("readOnly", "true"),
		}}}, want: "read"},
		{name: "advanced management write only", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{
			field("eventCategory", "Management"), field("readOnly", "false"),
		}}}, want: "write"},
		{name: "advanced data events only", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{
			field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"),
		}}}, want: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ManagementEvents(tt.basic, tt.advanced); got != tt.want {
				t.Errorf("ManagementEvents() = %q, want %q", got, tt.want)
			}
		})
	}
}
