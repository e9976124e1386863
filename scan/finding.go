package scan

import (
	"cmp"
	"fmt"
	"slices"
)

// Finding is one rule violation at one statement.
type Finding struct {
	Rule     *Rule    `json:"-"`
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Span     Span     `json:"span"`
	Message  string   `json:"message"`
	Sid      string   `json:"sid,omitempty"`
	Origin   Origin   `json:"origin"`
	// Exemption is set on a finding a config entry or template Metadata
	// accepts; such findings are in Report.Exempted, never in
	// Report.Findings.
	Exemption *Exemption `json:"exemption,omitempty"`
	// LineHash is GitHub's fingerprint of the finding's first line, when
	// Options.LineHashes asked for it.
	LineHash string `json:"-"`
}

// Warning is a file, or a part of one, that could not be read.
type Warning struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	switch {
	case w.Line == 0:
		return fmt.Sprintf("%s: %s", w.File, w.Message)
	case w.Col == 0:
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", w.File, w.Line, w.Col, w.Message)
	}
}

// findings turns what the evaluator found in one document into findings.
func findings(file string, doc *Document, rule *Rule, exposures []Exposure) []Finding {
	out := make([]Finding, 0, len(exposures))
	for _, x := range exposures {
		st := &doc.Policy.Statements[x.Statement]
		f := Finding{
			Rule:     rule,
			RuleID:   rule.ID,
			Severity: rule.Severity,
			File:     file,
			Span:     st.Span,
			Sid:      st.Sid,
			Origin:   doc.Origin,
		}
		if x.Ineffective {
			f.Severity = SeverityNote
			f.Message = fmt.Sprintf("Condition is ineffective for %s (%s, %s): %s",
				rule.Action, x.Action, x.Resource, x.Why)
		} else {
			f.Message = fmt.Sprintf("Allow grants %s on all %s (%s, %s): %s",
				rule.Action, x.Families, x.Action, x.Resource, x.Why)
		}
		out = append(out, f)
	}
	return out
}

// SortFindings orders findings most severe first, then by place and rule,
// so that every output is the same for the same input.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Span.Start.Line, b.Span.Start.Line),
			cmp.Compare(a.Span.Start.Col, b.Span.Start.Col),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// SortWarnings orders warnings by place.
func SortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
