// Package cloudtrail collects an account's CloudTrail trails, each once however
// many regions show it, with its logging status (in every scanned region that
// shows it: AWS returns trail status from a single Region) and its
// management-event selectors reduced to read, write, all or none plus the
// event sources they exclude. Another account's organization trail is only
// listed; JoinOwnerFacts gives it the facts its owner's collection read.
package cloudtrail
