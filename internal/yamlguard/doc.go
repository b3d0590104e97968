// Package yamlguard holds what every YAML file baseline reads (policy
// config, waivers, teams, worlds) is checked for before it is decoded, and
// the recovery from a decoder panic, so that hostile input gets a one-line
// error naming the file instead of a crash.
package yamlguard
