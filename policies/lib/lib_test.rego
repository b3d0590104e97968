package baseline.lib_test

import data.baseline.lib

test_enumerate_keeps_five if {
	lib.enumerate(["a", "b"]) == "a, b"
	lib.enumerate(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"
	lib.enumerate(["a", "b", "c", "d", "e", "f", "g"]) == "a, b, c, d, e and 2 more"
}

test_age_is_relative_to_collection if {
	lib.whole_hours(lib.age_ns("2025-06-30T09:30:00Z")) == 2 with input.collected_at as "2025-06-30T12:00:00Z"
	lib.whole_days(lib.age_ns("2025-06-20T12:00:01Z")) == 9 with input.collected_at as "2025-06-30T12:00:00Z"
}

# A time within the clock skew after the collection is 0 hours and 0 days
# old, as the controls that print an age (CloudTrail's deliveries, GuardDuty's
# and exposure findings) assume. This rests on OPA's floor giving 0, not -1,
# for a value between -1 and 0 (v1.22.2, topdown/arithmetic.go arithFloor):
# if OPA changes that, these fail and the helpers need a clamp at 0.
test_age_within_the_clock_skew_is_zero if {
	lib.whole_hours(lib.now_ns - lib.usable_ns("2025-06-30T12:10:00Z")) == 0 with input.collected_at as "2025-06-30T12:00:00Z"
	lib.whole_days(lib.now_ns - lib.usable_ns("2025-06-30T12:10:00Z")) == 0 with input.collected_at as "2025-06-30T12:00:00Z"
}

test_arn_account if {
	lib.arn_account("arn:aws:cloudtrail:us-east-1:999999999999:trail/org") == "999999999999"
}

test_own_trails_skip_other_accounts if {
	# Compared by ARN: the type checker knows a trail has every field of the
	# input schema, so a literal with only "arn" could never equal one.
	[t.arn | some t in lib.cloudtrail_own_trails] == ["arn:aws:cloudtrail:us-east-1:111122223333:trail/a"] with input as {
		"account_id": "111122223333",
		"cloudtrail": {"trails": [
			{"arn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/a"},
			{"arn": "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"},
		]},
	}
}

test_usable_ns_rejects_unusable_times if {
	lib.usable_ns("2025-06-30T11:00:00Z") == time.parse_rfc3339_ns("2025-06-30T11:00:00Z") with input.collected_at as "2025-06-30T12:00:00Z"

	# within the clock skew: usable
	lib.usable_ns("2025-06-30T12:10:00Z") with input.collected_at as "2025-06-30T12:00:00Z"

	# Go's zero time, before 1678, after 2262, unparseable, in the future, not a string
	not lib.usable_ns("0001-01-01T00:00:00Z") with input.collected_at as "2025-06-30T12:00:00Z"
	not lib.usable_ns("1600-01-01T00:00:00Z") with input.collected_at as "2025-06-30T12:00:00Z"
	not lib.usable_ns("2300-01-01T00:00:00Z") with input.collected_at as "2025-06-30T12:00:00Z"
	not lib.usable_ns("yesterday") with input.collected_at as "2025-06-30T12:00:00Z"
	not lib.usable_ns("2025-07-01T12:00:00Z") with input.collected_at as "2025-06-30T12:00:00Z"
	not lib.usable_ns(null) with input.collected_at as "2025-06-30T12:00:00Z"
}
