# baseline's audit role, and optionally the GitHub OIDC provider and the role
# the scheduled workflow assumes. Both roles get exactly the policy printed by
# `baseline iam-policy`, kept in baseline-policy.json (deploy/deploy_test.go
# holds the two equal and evaluates the policies below).

data "aws_partition" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  scan_policy = file("${path.module}/baseline-policy.json")

  create_ci   = var.github_repository != null
  github_host = "token.actions.githubusercontent.com"

  audit_trust_conditions = merge(
    var.external_id == null ? {} : { StringEquals = { "sts:ExternalId" = var.external_id } },
    var.scanning_principal_name == null ? {} : { ArnEquals = { "aws:PrincipalArn" = "arn:${local.partition}:iam::${var.scanning_account_id}:role/${var.scanning_principal_name}" } },
  )

  # null in an account that only hosts the CI role (create_audit_role = false).
  audit_trust_policy = var.scanning_account_id == null ? null : jsonencode({
    Version = "2012-10-17"
    Statement = [merge(
      {
        Sid       = "TrustScanningAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${var.scanning_account_id}:root" }
        Action    = "sts:AssumeRole"
      },
      length(local.audit_trust_conditions) == 0 ? {} : { Condition = local.audit_trust_conditions },
    )]
  })

  oidc_provider_arn = !local.create_ci ? null : (
    var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  )

  # The sub claim of the workflow's OIDC token: the branch, or the environment
  # when the job runs in one.
  ci_subject = !local.create_ci ? null : (
    var.github_environment != null ? "repo:${var.github_repository}:environment:${var.github_environment}" : "repo:${var.github_repository}:ref:refs/heads/${var.github_branch}"
  )

  ci_trust_policy = !local.create_ci ? null : jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TrustGitHubWorkflow"
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.github_host}:aud" = "sts.amazonaws.com"
          "${local.github_host}:sub" = local.ci_subject
        }
      }
    }]
  })
}

resource "aws_iam_role" "audit" {
  count                = var.create_audit_role ? 1 : 0
  name                 = var.audit_role_name
  description          = "Read-only role assumed by baseline scans (least privilege, from baseline iam-policy)."
  assume_role_policy   = local.audit_trust_policy
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = var.scanning_account_id != null
      error_message = "create_audit_role needs scanning_account_id."
    }
  }
}

resource "aws_iam_role_policy" "audit" {
  count  = var.create_audit_role ? 1 : 0
  name   = "BaselineReadOnlyScan"
  role   = aws_iam_role.audit[0].id
  policy = local.scan_policy
}

# GitHub's OIDC provider. No thumbprint: IAM verifies GitHub's certificate
# with its library of trusted root CAs and ignores configured thumbprints.
resource "aws_iam_openid_connect_provider" "github" {
  count          = local.create_ci && var.create_github_oidc_provider ? 1 : 0
  url            = "https://${local.github_host}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = local.create_ci && !var.create_github_oidc_provider ? 1 : 0
  url   = "https://${local.github_host}"
}

resource "aws_iam_role" "ci" {
  count                = local.create_ci ? 1 : 0
  name                 = var.ci_role_name
  description          = "Assumed by the baseline scheduled scan of ${var.github_repository} through GitHub OIDC."
  assume_role_policy   = local.ci_trust_policy
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "ci" {
  count  = local.create_ci ? 1 : 0
  name   = "BaselineReadOnlyScan"
  role   = aws_iam_role.ci[0].id
  policy = local.scan_policy
}
