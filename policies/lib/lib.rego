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

# not_applicable is a verdict on a cell with nothing to judge (no trail homed
# in the region, no running instance, a plan the region does not offer). It is
# not a pass: reports leave it out of the score and the pass counts.
not_applicable(region, resource, message) := result("NOT_APPLICABLE", region, resource, message)

# finding_status is FAIL for a finding first observed at first (ns) longer
# ago than the SLA, UPCOMING (listed, not a verdict) within it.
finding_status(first, sla_days) := overdue_status(now_ns - first, sla_days * day_ns)

# finding_resource is the resource a finding result is about: the affected
# resource, else the finding itself.
finding_resource(resource_id, finding_id) := resource_id if {
	resource_id != ""
} else := finding_id

# sla_due is the UTC date (YYYY-MM-DD) on which an SLA of sla_days from
# first (ns) ends.
sla_due(first, sla_days) := time.format([first + (sla_days * day_ns), "UTC", "2006-01-02"])

# clock_skew_ns is how far after the collection an AWS timestamp may be and
# still be taken as "now": AWS's clock and the scanner's differ a little.
clock_skew_ns := 15 * 60000000000

# usable_ns is an observation time in nanoseconds when it is usable: an RFC 3339
# string that time.parse_rfc3339_ns can represent (years 1678 to 2262, so Go's
# zero time is unusable) and not later than the collection plus clock_skew_ns.
# Undefined otherwise: a control must then report ERROR ("time unusable") or its
# strict verdict, never PASS.
usable_ns(timestamp) := ns if {
	is_string(timestamp)

	# Checked before parsing, so that no built-in error is raised (an error
	# would make the rule undefined in a scan but fail `opa test`).
	regex.match(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`, timestamp)
	year := to_number(substring(timestamp, 0, 4))
	year >= 1678
	year <= 2261
	ns := time.parse_rfc3339_ns(timestamp)
	ns <= latest_usable_ns
}

# latest_usable_ns is the latest usable observation time (usable_ns).
latest_usable_ns := now_ns + clock_skew_ns

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

# overdue_status is FAIL for a finding open for age (ns) longer than the
# SLA of sla_ns, UPCOMING (listed, not a verdict) within it.
overdue_status(age, sla_ns) := "FAIL" if {
	age > sla_ns
} else := "UPCOMING"
