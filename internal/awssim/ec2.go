package awssim

import (
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var ec2Ops = map[string]handler{
	"DescribeInstances": describeInstances,
	"DescribeRegions":   describeRegions,
}

func ec2InvalidParameter(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

// instanceStateCodes are EC2's numeric state codes.
var instanceStateCodes = map[string]int{
	"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80,
}

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type ec2Instance struct {
	InstanceID    string `xml:"instanceId"`
	ImageID       string `xml:"imageId"`
	InstanceState struct {
		Code int    `xml:"code"`
		Name string `xml:"name"`
	} `xml:"instanceState"`
	PrivateDNSName string `xml:"privateDnsName"`
	InstanceType   string `xml:"instanceType"`
	LaunchTime     string `xml:"launchTime"`
	Placement      struct {
		AvailabilityZone string `xml:"availabilityZone"`
		Tenancy          string `xml:"tenancy"`
	} `xml:"placement"`
	Platform         string   `xml:"platform,omitempty"`
	PrivateIPAddress string   `xml:"privateIpAddress,omitempty"`
	Architecture     string   `xml:"architecture"`
	PlatformDetails  string   `xml:"platformDetails"`
	Tags             []ec2Tag `xml:"tagSet>item"`
}

type ec2Reservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Instances     []ec2Instance `xml:"instancesSet>item"`
}

type describeInstancesResponse struct {
	XMLName xml.Name `xml:"DescribeInstancesResponse"`
	ec2Header
	Reservations []ec2Reservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

// ec2Filter is one Filter.N of a query request.
type ec2Filter struct {
	name   string
	values []string
}

func ec2Filters(c *call) []ec2Filter {
	var out []ec2Filter
	for i := 1; ; i++ {
		name := c.form.Get(fmt.Sprintf("Filter.%d.Name", i))
		if name == "" {
			return out
		}
		out = append(out, ec2Filter{name: name, values: formList(c.form, fmt.Sprintf("Filter.%d.Value", i))})
	}
}

func describeInstances(c *call) (any, error) {
	ids := formList(c.form, "InstanceId")
	size, set, err := formInt(c.form, "MaxResults")
	switch {
	case err != nil:
		return nil, ec2InvalidParameter("Value (%s) for parameter maxResults is invalid.", c.form.Get("MaxResults"))
	case set && len(ids) > 0:
		return nil, errorf(http.StatusBadRequest, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	case set && (size < 5 || size > 1000):
		return nil, ec2InvalidParameter("Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", size)
	case !set:
		size = 1000
	}
	var instances []*Instance
	if ec := c.regionState().EC2; ec != nil {
		for i := range ec.Instances {
			instances = append(instances, &ec.Instances[i])
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(instances, func(in *Instance) bool { return in.ID == id }) {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
	}
	if len(ids) > 0 {
		instances = slices.DeleteFunc(instances, func(in *Instance) bool { return !slices.Contains(ids, in.ID) })
	}
	for _, f := range ec2Filters(c) {
		field, err := instanceField(f.name)
		if err != nil {
			return nil, err
		}
		instances = slices.DeleteFunc(instances, func(in *Instance) bool {
			v, ok := field(in)
			return !ok || !slices.Contains(f.values, v)
		})
	}
	p, err := paginate(c, len(instances), size, c.form.Get("NextToken"), ec2InvalidParameter("Invalid value for parameter nextToken"))
	if err != nil {
		return nil, err
	}
	out := &describeInstancesResponse{NextToken: p.next}
	for _, in := range instances[p.start:p.end] {
		out.Reservations = append(out.Reservations, ec2Reservation{
			ReservationID: "r-" + hexID(17, "reservation", string(c.account.ID), in.ID),
			OwnerID:       string(c.account.ID),
			Instances:     []ec2Instance{c.ec2Instance(in)},
		})
	}
	return out, nil
}

// instanceField reads the instance attribute a DescribeInstances filter names.
func instanceField(name string) (func(in *Instance) (string, bool), error) {
	switch {
	case name == "instance-state-name":
		return func(in *Instance) (string, bool) { return in.State, true }, nil
	case name == "instance-state-code":
		return func(in *Instance) (string, bool) { return strconv.Itoa(instanceStateCodes[in.State]), true }, nil
	case name == "instance-id":
		return func(in *Instance) (string, bool) { return in.ID, true }, nil
	case name == "instance-type":
		return func(in *Instance) (string, bool) { return in.Type, true }, nil
	case name == "platform-details":
		return func(in *Instance) (string, bool) { return in.Platform, true }, nil
	case strings.HasPrefix(name, "tag:"):
		key := strings.TrimPrefix(name, "tag:")
		return func(in *Instance) (string, bool) {
			v, ok := instanceTags(in)[key]
			return v, ok
		}, nil
	}
	return nil, ec2InvalidParameter("The filter '%s' is invalid", name)
}

func instanceTags(in *Instance) map[string]string {
	tags := maps.Clone(in.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	if in.Name != "" {
		tags["Name"] = in.Name
	}
	return tags
}

func (c *call) ec2Instance(in *Instance) ec2Instance {
	out := ec2Instance{
		InstanceID:      in.ID,
		ImageID:         in.ImageID,
		InstanceType:    in.Type,
		LaunchTime:      isoTime(c.srv.resolveOr(in.Launched, c.srv.now.AddDate(0, -3, 0))),
		PlatformDetails: in.Platform,
		Architecture:    "x86_64",
	}
	out.InstanceState.Code = instanceStateCodes[in.State]
	out.InstanceState.Name = in.State
	out.Placement.AvailabilityZone = c.region + "a"
	out.Placement.Tenancy = "default"
	if strings.HasPrefix(in.Platform, "Windows") {
		out.Platform = "windows"
	}
	if in.State != "terminated" {
		out.PrivateIPAddress = in.PrivateIP
		if in.PrivateIP != "" {
			out.PrivateDNSName = "ip-" + strings.ReplaceAll(in.PrivateIP, ".", "-") + "." + c.region + ".compute.internal"
		}
	}
	tags := instanceTags(in)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out.Tags = append(out.Tags, ec2Tag{Key: k, Value: tags[k]})
	}
	return out
}

type describeRegionsResponse struct {
	XMLName xml.Name `xml:"DescribeRegionsResponse"`
	ec2Header
	Regions []ec2Region `xml:"regionInfo>item"`
}

type ec2Region struct {
	RegionName     string `xml:"regionName"`
	RegionEndpoint string `xml:"regionEndpoint"`
	OptInStatus    string `xml:"optInStatus"`
}

// commercialRegions are the regions of the aws partition.
func commercialRegions() []string {
	return slices.DeleteFunc(slices.Clone(knownRegions), func(r string) bool {
		return strings.HasPrefix(r, "cn-") || strings.HasPrefix(r, "us-gov-")
	})
}

func describeRegions(c *call) (any, error) {
	all := strings.EqualFold(c.form.Get("AllRegions"), "true")
	names := formList(c.form, "RegionName")
	out := &describeRegionsResponse{}
	for _, r := range commercialRegions() {
		status := "not-opted-in"
		switch {
		case c.srv.enabled[r] && slices.Contains(optInRegions, r):
			status = "opted-in"
		case c.srv.enabled[r]:
			status = "opt-in-not-required"
		}
		if !all && !c.srv.enabled[r] || len(names) > 0 && !slices.Contains(names, r) {
			continue
		}
		out.Regions = append(out.Regions, ec2Region{RegionName: r, RegionEndpoint: "ec2." + r + ".amazonaws.com", OptInStatus: status})
	}
	return out, nil
}

// listRegions is the Account API's ListRegions.
func listRegions(c *call) (any, error) {
	var in struct {
		MaxResults              *int
		NextToken               string
		RegionOptStatusContains []string
	}
	if err := decodeJSON(c, &in, "ValidationException"); err != nil {
		return nil, err
	}
	size, err := maxResults(in.MaxResults, 20, 50, func(n int) *apiError {
		return errorf(http.StatusBadRequest, "ValidationException", "MaxResults %d is outside 1–50", n)
	})
	if err != nil {
		return nil, err
	}
	type region struct{ RegionName, RegionOptStatus string }
	var regions []region
	for _, r := range commercialRegions() {
		status := "DISABLED"
		switch {
		case c.srv.enabled[r] && slices.Contains(optInRegions, r):
			status = "ENABLED"
		case c.srv.enabled[r]:
			status = "ENABLED_BY_DEFAULT"
		}
		if len(in.RegionOptStatusContains) == 0 || slices.Contains(in.RegionOptStatusContains, status) {
			regions = append(regions, region{r, status})
		}
	}
	p, err := paginate(c, len(regions), size, in.NextToken, errorf(http.StatusBadRequest, "ValidationException", "The NextToken is not valid."))
	if err != nil {
		return nil, err
	}
	return struct {
		Regions   []region
		NextToken *string `json:",omitempty"`
	}{append([]region{}, regions[p.start:p.end]...), ptr(p.next)}, nil
}
