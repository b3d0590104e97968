// Command bench measures an organization scan against the lower bound its
// simulated world allows; see README.md, "Collection benchmark".
package main
