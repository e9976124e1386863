variable "operator_policy" {
  default = "arn:aws:iam::aws:policy/PowerUserAccess"
}
