// Package notify turns a baseline report into one chat message — a Slack
// incoming webhook's or a Microsoft Teams workflow's — and posts it.
//
// The message says what a reader of the channel needs on Monday morning:
// the verdict, the counts, the failures that are new or regressed since the
// previous report, one line per team, and a link to the run. Every text that
// comes from the report (account names, resources, messages: data an AWS
// account owner controls) is escaped for the chat's markup, so a resource
// named "<!channel>" cannot ping a channel.
package notify
