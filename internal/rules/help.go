package rules

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/managed"
)

const exemptionHelp = `Break-glass and admin roles may keep the wildcard, but only where you say so, with a reason:

- in .ssm-guardrails.yml: an entry under "exemptions" with "files", "resources" (logical IDs),
  "cdk-paths" or "policies" globs, optional "rules" and "expires", and a required "reason";
- in a CloudFormation template: Metadata on the resource that holds the policy,
  "ssm-guardrails": {"suppress": [{"rule": "%[1]s", "reason": "..."}]}.

Exempted findings do not fail the run and are listed with their reason in the text, JSON and job summary.`

// HelpMarkdown is the rule's help: what it flags, why it matters, how to
// fix it with the corrected policy in JSON, CloudFormation YAML and
// Terraform, and how to exempt a break-glass role. It is the one source of the help;
// Help renders it as plain text.
func (r *Rule) HelpMarkdown() string {
	return fmt.Sprintf("## %s: %s\n\n%s\n\n### Why it matters\n\n%s\n\n### How to fix it\n\n"+
		"Grant `%s` only on specific instance ARNs, or on instances that carry a tag, with a `StringEquals` "+
		"condition on `ssm:resourceTag/KEY` (or `aws:ResourceTag/KEY`). Keep documents in a statement of their "+
		"own without the tag condition: documents carry no instance tags. The value may be a caller's variable such as "+
		"`${aws:PrincipalTag/team}`, or the reverse form: `aws:PrincipalTag/team` equal to `${ssm:resourceTag/team}`.\n\n"+
		"These do **not** pin the instance: `StringLike` with `\"*\"` or `Null: false` (they only test that the "+
		"tag exists), `...IfExists` and negated operators, `ForAllValues:` alone (true when the tag is absent; with "+
		"`Null: false` on the same key it pins), a value that is the instance's own tag (`${ssm:resourceTag/team}`), "+
		"`ec2:ResourceTag/...` (SSM does not evaluate it), and keys about the caller (`aws:SourceIp`, "+
		"`aws:PrincipalTag/...`, `aws:MultiFactorAuthPresent`). See the README's \"What pins an instance\" for every rule.\n\n"+
		"```json\n%s\n```\n\nIn CloudFormation YAML:\n\n```yaml\n%s\n```\n\n"+
		"In Terraform (write IAM's policy variables as `$${...}`):\n\n```hcl\n%s\n```\n\n%s### Break-glass roles\n\n%s\n",
		r.ID, r.Short, r.Full, r.Risk, r.Action, r.Fix.JSON, r.Fix.YAML, r.Fix.Terraform, r.managedHelp(),
		strings.ReplaceAll(fmt.Sprintf(exemptionHelp, r.ID), `"`, "`"))
}

// managedHelp says which AWS managed policies grant the rule's action on
// every instance, and what to attach instead.
func (r *Rule) managedHelp() string {
	names := managed.Granting(r.ID)
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("### AWS managed policies\n\nAttaching an AWS managed policy that grants `%s` on every instance is the same grant, "+
		"reported where the attachment names the policy (its ARN or name): `%s`. An AWS managed policy cannot be scoped. "+
		"Detach it and attach a customer managed policy (`AWS::IAM::ManagedPolicy`) instead, with only the actions "+
		"the principal needs and `%s` scoped by tag as above.\n\n",
		r.Action, strings.Join(names, "`, `"), r.Action)
}

// Help is the rule's help as plain text, for viewers that do not render
// Markdown.
func (r *Rule) Help() string { return plainText(r.HelpMarkdown()) }

// plainText renders the Markdown the help is written in: headings lose
// their marks, code blocks their fences, emphasis its stars, and a code
// span is quoted (unless it is a quoted string already).
func plainText(md string) string {
	var b strings.Builder
	inCode := false
	for _, line := range strings.SplitAfter(md, "\n") {
		body := strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(body, "```"):
			inCode = !inCode
			continue
		case inCode:
			b.WriteString(line)
			continue
		case strings.HasPrefix(body, "#"):
			line = strings.TrimLeft(line, "#")[1:]
		}
		b.WriteString(plainInline(strings.ReplaceAll(line, "**", "")))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func plainInline(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		span := s[i+1 : i+1+j]
		b.WriteString(s[:i])
		if strings.HasPrefix(span, `"`) {
			b.WriteString(span)
		} else {
			b.WriteString(`"` + span + `"`)
		}
		s = s[i+2+j:]
	}
	b.WriteString(s)
	return b.String()
}
