package iam

import "github.com/ssm-guardrails/ssm-guardrails/internal/source"

// Attachment is a managed policy attached to the principal that a
// document's Origin names: by ARN, or by name where the format takes a
// name (a SAM Policies entry, a Terraform data source read by name).
// Span is where the file names it, so a finding stands on that line.
// Fn::If branches and the other alternatives a format resolves to are
// one Attachment each.
type Attachment struct {
	Policy Value
	Span   source.Span
}
