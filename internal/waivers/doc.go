// Package waivers reads a waivers file and applies it to a report: a waiver
// accepts the failures of one control (or a glob of controls) in some
// accounts, regions and resources until a date, turning FAIL into WAIVED.
package waivers
