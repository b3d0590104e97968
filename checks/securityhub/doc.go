// Package securityhub collects Security Hub facts for one account and region:
// whether the hub is enabled, its enabled standards, and the active critical
// and high findings, through the real SDK client behind a narrow interface.
package securityhub
