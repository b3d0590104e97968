// Package ssm collects Systems Manager coverage for one account and region:
// the running and stopped EC2 instances, the SSM managed nodes with their
// agent health, and the managed nodes' patch states.
package ssm
