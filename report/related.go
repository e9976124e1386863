package report

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// describePlace names where a finding's statement sits: its origin and
// its related locations, such as the template statement of a CDK finding
// shown at the app line that created it.
func describePlace(f rules.Finding) string {
	var parts []string
	if o := describeOrigin(f.Sid, f.Origin); o != "" {
		parts = append(parts, o)
	}
	for _, r := range f.Related {
		parts = append(parts, describeRelated(r))
	}
	return strings.Join(parts, ", ")
}

// describeRelated is "template FILE:LINE" for a CDK finding's statement,
// else the related location's message and place.
func describeRelated(r rules.Related) string {
	label := r.Message
	if label == scan.TemplateStatement {
		label = "template"
	}
	return fmt.Sprintf("%s %s:%d", label, r.File, r.Span.Start.Line)
}
