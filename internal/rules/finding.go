package rules

import (
	"cmp"
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Finding is one rule violation at one statement.
type Finding struct {
	Rule     *Rule
	RuleID   string
	Severity Severity
	File     string
	Span     source.Span
	Message  string
	Sid      string
	Origin   iam.Origin
	// Related are other places that explain the finding, such as the
	// statement in a synthesized template when the finding is shown at the
	// app source line that created it.
	Related []Related
	// LineHash is GitHub's fingerprint of the finding's first line, when
	// the driver was asked for it.
	LineHash string
	// Excerpt is the finding's first line, for a terminal, when the driver
	// was asked for it; nil otherwise.
	Excerpt *Excerpt
}

// Excerpt is a line of a file around a column.
type Excerpt struct {
	Text  string // the line without its line break, cut with "…" around the column when long
	Caret int    // the byte offset in Text where the column is
}

// Related is a place that explains a finding.
type Related struct {
	File    string
	Span    source.Span
	Message string
}

// SortFindings orders findings most severe first, then by place and rule,
// so that every output is the same for the same input.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, Compare)
}

// Compare is the order of SortFindings.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Span.Start.Line, b.Span.Start.Line),
		cmp.Compare(a.Span.Start.Col, b.Span.Start.Col),
		cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Message, b.Message),
	)
}
