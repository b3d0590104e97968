// Package ssm collects Systems Manager coverage for one account and region:
// the running and stopped EC2 instances, the SSM managed nodes with their
// agent health (AWS lists no stopped or terminated instance among them), and
// the managed nodes' patch states.
package ssm
