package cloudtrail

import (
	"slices"
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
		excluded []string
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
		{name: "basic all without KMS events", basic: []types.EventSelector{
			{ReadWriteType: types.ReadWriteTypeAll, ExcludeManagementEventSources: []string{"kms.amazonaws.com"}},
		}, want: "all", excluded: []string{"kms.amazonaws.com"}},
		{name: "an exclusion another selector does not share is logged", basic: []types.EventSelector{
			{ReadWriteType: types.ReadWriteTypeAll, ExcludeManagementEventSources: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}},
			{ReadWriteType: types.ReadWriteTypeAll, ExcludeManagementEventSources: []string{"rdsdata.amazonaws.com"}},
		}, want: "all", excluded: []string{"rdsdata.amazonaws.com"}},
		{name: "reads without KMS, writes with", basic: []types.EventSelector{
			{ReadWriteType: types.ReadWriteTypeReadOnly, ExcludeManagementEventSources: []string{"kms.amazonaws.com"}},
			{ReadWriteType: types.ReadWriteTypeWriteOnly},
		}, want: "all", excluded: []string{"kms.amazonaws.com"}},
		{name: "exclusions of a data-only selector do not count", basic: []types.EventSelector{
			{ReadWriteType: types.ReadWriteTypeAll},
			{ReadWriteType: types.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(false), ExcludeManagementEventSources: []string{"kms.amazonaws.com"}},
		}, want: "all"},
		{name: "advanced management without KMS and RDS Data API", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{
			field("eventCategory", "Management"),
			{Field: aws.String("eventSource"), NotEquals: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}},
		}}}, want: "all", excluded: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}},
		{name: "advanced management of one source only", advanced: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{
			field("eventCategory", "Management"), field("eventSource", "ec2.amazonaws.com"),
		}}}, want: "all", excluded: []string{"eventSource Equals ec2.amazonaws.com"}},
		{name: "advanced exclusion covered by a second selector", advanced: []types.AdvancedEventSelector{
			{FieldSelectors: []types.AdvancedFieldSelector{
				field("eventCategory", "Management"), {Field: aws.String("eventSource"), NotEquals: []string{"kms.amazonaws.com"}},
			}},
			{FieldSelectors: []types.AdvancedFieldSelector{field("eventCategory", "Management")}},
		}, want: "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, excluded := ManagementEvents(tt.basic, tt.advanced)
			if tt.excluded == nil {
				tt.excluded = []string{}
			}
			if got != tt.want || !slices.Equal(excluded, tt.excluded) || excluded == nil {
				t.Errorf("ManagementEvents() = %q, %#v, want %q, %#v", got, excluded, tt.want, tt.excluded)
			}
		})
	}
}
