variable "create_audit_role" {
  description = "Create the read-only audit role that baseline assumes in this account (--role-name). Set false in the scanning account when it is not itself scanned through a role."
  type        = bool
  default     = true
}

variable "audit_role_name" {
  description = "Name of the audit role (baseline --role-name)."
  type        = string
  default     = "BaselineAudit"
}

variable "scanning_account_id" {
  description = "Account that runs the scan (the management or delegated administrator account); its principals may assume the audit role. Required with create_audit_role."
  type        = string
  default     = null

  validation {
    condition     = var.scanning_account_id == null || can(regex("^[0-9]{12}$", var.scanning_account_id))
    error_message = "scanning_account_id must be a 12-digit account id."
  }
}

variable "scanning_principal_name" {
  description = "Optional: the name (with its path, if any) of the one role in the scanning account allowed to assume the audit role, e.g. BaselineScheduledScan. null: any principal of the scanning account that IAM allows to call sts:AssumeRole on it."
  type        = string
  default     = null
}

variable "external_id" {
  description = "Optional external id (baseline --external-id) that callers of sts:AssumeRole must give. null: none required."
  type        = string
  default     = null
}

variable "github_repository" {
  description = "OWNER/REPO of the GitHub repository whose scheduled workflow scans the organization. Set it (in the scanning account) to create the CI role and the GitHub OIDC provider; null creates neither."
  type        = string
  default     = null

  validation {
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO."
  }
}

variable "github_branch" {
  description = "Branch whose workflow runs may assume the CI role (scheduled runs use the default branch)."
  type        = string
  default     = "main"
}

variable "github_environment" {
  description = "Optional: a GitHub environment the workflow job runs in. Its OIDC token's sub is then repo:OWNER/REPO:environment:NAME, which the trust policy requires instead of the branch."
  type        = string
  default     = null
}

variable "ci_role_name" {
  description = "Name of the role the scheduled workflow assumes (BASELINE_ROLE_ARN)."
  type        = string
  default     = "BaselineScheduledScan"
}

variable "create_github_oidc_provider" {
  description = "Create the IAM OIDC provider for token.actions.githubusercontent.com. Set false when the account already has one (an account can have only one per URL); the module then looks it up."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
