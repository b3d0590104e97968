// Package motocontract holds the contract tests of baseline against moto, an
// AWS implementation the project did not write: the tests start moto's server
// on loopback, provision an organization in it through the AWS SDK for Go,
// scan it through the CLI's `scan --org` path and assert each verdict. What
// moto does not implement must come out ERROR, never PASS. The package has no
// code outside its tests.
package motocontract
