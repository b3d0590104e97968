package baseline.lib

# cloudtrail_trails is the account's trail list; undefined when not observed.
cloudtrail_trails := trails if {
	trails := input.cloudtrail.trails
	is_array(trails)
}

# cloudtrail_judged_trails are the trails the account's trail-scoped controls
# judge: its own, and another account's organization trail whose owner is not
# among the scanned accounts (its facts were read from the owner and joined
# in, so the trail is judged even when its owner is not scanned). An
# organization trail whose owner is scanned is judged there, once.
cloudtrail_judged_trails := [t |
	some t in cloudtrail_trails
	cloudtrail_judged_here(t)
]

cloudtrail_judged_here(t) if arn_account(t.arn) == input.account_id

cloudtrail_judged_here(t) if {
	arn_account(t.arn) != input.account_id
	t.owner_in_scope == false
}

# cloudtrail_own_trails are the trails the account owns.
cloudtrail_own_trails := [t |
	some t in cloudtrail_trails
	arn_account(t.arn) == input.account_id
]

# cloudtrail_no_trails_result is a trail-scoped control's region-level result:
# an ERROR in every region when the trails were not observed, else
# NOT_APPLICABLE for a region where no judged trail is homed: a multi-region
# trail's shadow shows there, but the trail is judged once, in its home
# region, so that region has nothing of its own to judge (never a PASS).
# Trail-scoped controls emit it beside one result per judged trail in its
# home region.
cloudtrail_no_trails_result(region) := error(region, "", "trails not observed: DescribeTrails did not succeed") if {
	not cloudtrail_trails
} else := not_applicable(region, "", "the account has no trail") if {
	count(cloudtrail_trails) == 0
} else := not_applicable(region, "", "no trail judged in this account is homed in this region") if {
	not cloudtrail_homes[region]
}

# cloudtrail_homes are the regions where the account's judged trails are homed.
cloudtrail_homes contains t.home_region if some t in cloudtrail_judged_trails

# cloudtrail_trails_in are the account's judged trails homed in a region.
cloudtrail_trails_in(region) := [t |
	some t in cloudtrail_judged_trails
	t.home_region == region
]

# cloudtrail_status is a trail's status; undefined when GetTrailStatus failed.
cloudtrail_status(trail) := status if {
	status := trail.status
	is_object(status)
}

# cloudtrail_unobserved_reason says why a trail's status or selectors are
# missing: the owner's failure for another account's trail, else the call.
cloudtrail_unobserved_reason(trail, operation) := trail.owner_facts_error if {
	is_string(trail.owner_facts_error)
	trail.owner_facts_error != ""
} else := sprintf("%s did not succeed", [operation])

# cloudtrail_region_statuses are a trail's statuses by region: the home
# region's and, for a multi-region trail, each other scanned region's (AWS
# returns trail status from a single Region).
cloudtrail_region_statuses(trail) := object.union(
	{trail.home_region: trail.status},
	object.get(trail, "region_statuses", {}),
) if {
	cloudtrail_status(trail)
	is_object(object.get(trail, "region_statuses", {}))
} else := {trail.home_region: trail.status} if {
	cloudtrail_status(trail)
}

# cloudtrail_unobserved_regions are the regions whose status is not an
# object (null in a hand-made snapshot): not observed, so never a pass.
cloudtrail_unobserved_regions(trail) := sort([r |
	some r, status in cloudtrail_statuses_or_none(trail)
	not is_object(status)
])

cloudtrail_statuses_or_none(trail) := cloudtrail_region_statuses(trail) if {
	cloudtrail_status(trail)
} else := {}

# cloudtrail_problems lists a trail's problems by region ({region: problem})
# once each, in order, naming the regions other than the home that report
# it: "P" (home only), "P (in r1, r2)" (elsewhere only), "P (home and r1)".
cloudtrail_problems(trail, by_region) := [msg |
	some p in sort({p | some p in by_region})
	others := sort([r | some r, q in by_region; q == p; r != trail.home_region])
	msg := cloudtrail_problem_message(p, object.get(by_region, trail.home_region, null) == p, others)
]

cloudtrail_problem_message(p, true, []) := p

cloudtrail_problem_message(p, false, others) := sprintf("%s (in %s)", [p, concat(", ", others)]) if count(others) > 0

cloudtrail_problem_message(p, true, others) := sprintf("%s (home region and %s)", [p, concat(", ", others)]) if count(others) > 0
