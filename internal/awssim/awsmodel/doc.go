// Package awsmodel reads the AWS service models (botocore's service-2.json
// and paginators-1.json, kept gzipped in internal/awssim/testdata/models)
// and validates wire responses against them. It is test support: the
// simulator's conformance test and the collectors' enum tests use it, so
// that AWS's published models, not this project, decide what a response
// may contain.
package awsmodel
