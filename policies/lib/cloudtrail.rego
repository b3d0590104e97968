package baseline.lib

# cloudtrail_trails is the account's trail list; undefined when not observed.
cloudtrail_trails := trails if {
	trails := input.cloudtrail.trails
	is_array(trails)
}

# cloudtrail_own_trails are the trails the account owns: an organization trail
# of another account shows here too, but it is judged in its owner's account.
cloudtrail_own_trails := [t |
	some t in cloudtrail_trails
	arn_account(t.arn) == input.account_id
]

# cloudtrail_no_trails_result is a trail-scoped control's region-level result:
# an ERROR in every region when the trails were not observed, else a PASS for a
# region where none of the account's trails is homed. Trail-scoped controls
# emit it beside one result per own trail in its home region.
cloudtrail_no_trails_result(region) := error(region, "", "trails not observed: DescribeTrails did not succeed") if {
	not cloudtrail_trails
} else := pass(region, "", "no trails in this region") if {
	not cloudtrail_homes[region]
}

# cloudtrail_homes are the regions where the account's own trails are homed.
cloudtrail_homes contains t.home_region if some t in cloudtrail_own_trails

# cloudtrail_trails_in are the account's own trails homed in a region.
cloudtrail_trails_in(region) := [t |
	some t in cloudtrail_own_trails
	t.home_region == region
]

# cloudtrail_status is a trail's status; undefined when GetTrailStatus failed.
cloudtrail_status(trail) := status if {
	status := trail.status
	is_object(status)
}
