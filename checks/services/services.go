package services

import (
	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/ssm"
)

// All are the services a scan observes, in collection order.
var All = []checks.Service{
	securityhub.Service,
	guardduty.Service,
	cloudtrail.Service,
	ssm.Service,
}

func init() { checks.RegisterFacts(All...) }

// Collectors are the direct collectors of svcs, in order.
func Collectors(svcs []checks.Service) []checks.Collector {
	out := make([]checks.Collector, len(svcs))
	for i, s := range svcs {
		out[i] = s.New()
	}
	return out
}
