// Package rules holds the guardrails. A rule is a value: its metadata,
// its help, its fix, and the check that judges one policy document
// through a Pass, the only contract between a rule and the driver.
package rules

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// Rule is one guardrail.
type Rule struct {
	ID               string
	Name             string
	Action           string // the action the rule guards, for the help text
	Severity         Severity
	SecuritySeverity string // GitHub's security-severity score
	Precision        string
	Tags             []string
	Short            string
	Full             string
	Risk             string // why the grant matters, for the help text
	Fix              Fix
	// Check judges the policy document of a pass and reports what it
	// finds through it.
	Check func(*Pass)
}

// Fix is a corrected policy, written in each format a user may keep it in.
type Fix struct {
	JSON      string // a policy document
	YAML      string // the same in CloudFormation YAML
	Terraform string // the same as an aws_iam_policy_document data source
}

// Pass is one policy document handed to a rule, with the managed
// policies attached to the principal its Origin names, and the way back.
type Pass struct {
	Rule        *Rule
	File        string
	Policy      *iam.Policy
	Attachments []iam.Attachment
	Origin      iam.Origin
	// Files names the file of each statement when a policy gathers
	// statements from several files (Terraform); "" or none means File.
	Files  []string
	Report func(Finding)
	// Judge evaluates the policy, remembering what it learns for the
	// passes after this one; nil remembers nothing.
	Judge *iam.Judge
}

// StatementFile is the file statement i of the policy is written in.
func (p *Pass) StatementFile(i int) string {
	if i < len(p.Files) && p.Files[i] != "" {
		return p.Files[i]
	}
	return p.File
}

// HelpURI is where a rule is documented.
func (r *Rule) HelpURI() string {
	return "https://github.com/ssm-guardrails/ssm-guardrails#" + strings.ToLower(r.ID)
}
