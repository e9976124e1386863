package terraform

import (
	"bytes"
	"path"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
)

// MayHoldPolicy is the pre-filter of the Terraform reader, which
// looks for policies only in places its names decide: the attributes and
// blocks named *polic* (policy, inline_policy, aws_iam_policy_document,
// policy_statements and the policy inputs of module calls), terragrunt's
// inputs, and tfvars files that Terraform does not load by itself (read
// whole, as inputs). In HCL those names are identifiers, written as they
// are; in a .tf.json file a key may be spelled with JSON escapes. A module
// is read when any of its files may hold a policy; the tfvars Terraform
// loads by itself hold values, never a policy of their own.
func MayHoldPolicy(name string, data []byte) bool {
	base := path.Base(name)
	switch {
	case strings.HasSuffix(base, ".tfvars") || strings.HasSuffix(base, ".tfvars.json"):
		return !AutoTfvars(base)
	case strings.HasSuffix(base, ".hcl"):
		return bytes.Contains(data, []byte("inputs"))
	case strings.HasSuffix(base, ".json"):
		return bytes.Contains(data, []byte("polic")) || extract.MayHoldPolicy(data) // escapes included
	}
	return bytes.Contains(data, []byte("polic"))
}
