// Package awssimtest starts a simulated organization (awssim) for one test and
// builds the SDK config that reaches it, so collector tests go through the
// real SDK clients over HTTP with a fixed clock.
package awssimtest
