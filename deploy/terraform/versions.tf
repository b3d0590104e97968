terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.81 made aws_iam_openid_connect_provider's thumbprint_list optional.
      version = ">= 5.81"
    }
  }
}
