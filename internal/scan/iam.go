package scan

import (
	"encoding/json"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
)

// IAMPolicy is the least-privilege IAM policy document (indented JSON) a
// scan of svcs needs (services.All when nil): exactly the actions it calls,
// all read-only.
func IAMPolicy(svcs []checks.Service) ([]byte, error) {
	if svcs == nil {
		svcs = services.All
	}
	type statement struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource string   `json:"Resource"`
	}
	return json.MarshalIndent(struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{
		Version: "2012-10-17",
		Statement: []statement{{
			Sid:      "BaselineReadOnlyScan",
			Effect:   "Allow",
			Action:   checks.ActionsOf(svcs),
			Resource: "*",
		}},
	}, "", "  ")
}
