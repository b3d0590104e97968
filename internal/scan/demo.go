package scan

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

// demo is the simulated organization behind Options.Demo: an AWS config that
// points every SDK client at it, and the regions it has. The scan path that
// follows is the one a real organization takes.
type demo struct {
	cfg     aws.Config
	regions []string
	close   func()
}

// startDemo serves the sample organization, or the world file at path.
func startDemo(ctx context.Context, path string) (*demo, error) {
	var world *awssim.World
	var err error
	if path == "" {
		world, err = awssim.SampleWorld()
	} else {
		world, err = awssim.LoadWorld(ctx, path)
	}
	if err != nil {
		return nil, fmt.Errorf("--world: %w", err)
	}
	srv, err := awssim.Start(world, awssim.Options{})
	if err != nil {
		return nil, fmt.Errorf("--world: start simulated organization: %w", err)
	}
	regions := slices.Clone(world.Regions) // Start fills them in from the accounts when the file names none
	if len(regions) == 0 {
		srv.Close()
		return nil, fmt.Errorf("--world %s: the world names no regions", path)
	}
	akid, secret := srv.Credentials()
	// Built by hand rather than with config.LoadDefaultConfig so that the
	// user's AWS profile, environment and endpoint variables cannot leak
	// into the demo.
	cfg := aws.Config{
		Region:       regions[0],
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(akid, secret, "")),
		BaseEndpoint: aws.String(srv.URL()),
	}
	return &demo{cfg: cfg, regions: regions, close: srv.Close}, nil
}
