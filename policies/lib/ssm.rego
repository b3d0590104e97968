package baseline.lib

# ssm_instances are a region's running and stopped EC2 instances; undefined
# when not observed.
ssm_instances(region) := [i |
	some i in input.ssm[region].instances
	i.state in {"running", "stopped"}
] if {
	is_array(input.ssm[region].instances)
}

# ssm_managed_nodes are a region's SSM managed nodes; undefined when not observed.
ssm_managed_nodes(region) := nodes if {
	nodes := input.ssm[region].managed_nodes
	is_array(nodes)
}

# ssm_managed_ec2 are a region's managed nodes that are EC2 instances.
ssm_managed_ec2(region) := [n |
	some n in ssm_managed_nodes(region)
	n.resource_type == "EC2Instance"
]

# ssm_patch_states are a region's patch states by instance id; undefined when
# not observed.
ssm_patch_states(region) := {s.instance_id: s | some s in input.ssm[region].patch_states} if {
	is_array(input.ssm[region].patch_states)
}

# ssm_patch_unobserved says which fact a patch control misses in a region;
# undefined when managed nodes and patch states were both observed.
ssm_patch_unobserved(region) := "managed nodes not observed: DescribeInstanceInformation did not succeed" if {
	not ssm_managed_nodes(region)
} else := "patch states not observed: DescribeInstancePatchStates did not succeed" if {
	not ssm_patch_states(region)
}
