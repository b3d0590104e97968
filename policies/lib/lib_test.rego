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
