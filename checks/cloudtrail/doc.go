// Package cloudtrail collects an account's CloudTrail trails, each once however
// many regions show it, with its logging status and its management-event
// selectors reduced to read, write, all or none.
package cloudtrail
