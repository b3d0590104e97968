# Package baseline.lib holds the helpers shared by the built-in controls:
# result constructors, the collection clock, and null-aware fact accessors.
# A fact that is null in the snapshot was not observed; accessors return
# null or are undefined for it, so that controls report ERROR, never PASS.
package baseline.lib

# now_ns is the collection time: "now" for every age computed by a policy, so
# that evaluating a saved snapshot later gives the verdicts of the scan.
now_ns := time.parse_rfc3339_ns(input.collected_at)

hour_ns := 3600000000000

day_ns := 24 * hour_ns

# config is the policy data (thresholds), see policies/data.yaml.
config := data.baseline.config

# result is one verdict, in the shape every control emits.
result(status, region, resource, message) := {
	"status": status,
	"region": region,
	"resource": resource,
	"message": message,
}

pass(region, resource, message) := result("PASS", region, resource, message)

fail(region, resource, message) := result("FAIL", region, resource, message)

error(region, resource, message) := result("ERROR", region, resource, message)

# age_ns is how long before the collection an RFC 3339 timestamp is.
age_ns(timestamp) := now_ns - time.parse_rfc3339_ns(timestamp)

# whole_hours and whole_days round a duration in nanoseconds down.
whole_hours(ns) := floor(ns / hour_ns)

whole_days(ns) := floor(ns / day_ns)

# enumerate joins a list of strings for a message, keeping the first five.
enumerate(items) := concat(", ", items) if {
	count(items) <= 5
} else := sprintf("%s and %d more", [concat(", ", array.slice(items, 0, 5)), count(items) - 5])

# arn_account is the account id field of an ARN.
arn_account(arn) := split(arn, ":")[4]
