output "audit_role_arn" {
  description = "ARN of the audit role (null when create_audit_role is false)."
  value       = var.create_audit_role ? aws_iam_role.audit[0].arn : null
}

output "ci_role_arn" {
  description = "ARN of the role the scheduled workflow assumes: the BASELINE_ROLE_ARN repository variable (null without github_repository)."
  value       = local.create_ci ? aws_iam_role.ci[0].arn : null
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the CI role trusts (null without github_repository)."
  value       = local.oidc_provider_arn
}
