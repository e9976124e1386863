// Package exempt decides which findings are accepted, and by whom: the
// entries of a .ssm-guardrails.yml and the suppressions written in a
// template's Metadata. It returns findings; it changes none.
package exempt

import (
	"fmt"
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// Exemption says why a finding is accepted and who said so.
type Exemption struct {
	Reason string
	// File and Line are where the exemption is written: the config entry
	// or the template's Metadata.
	File string
	Line int
	// InSource tells template Metadata (true) from a config entry.
	InSource bool
	Expires  string // YYYY-MM-DD, when the config entry expires
}

// Source is where the exemption is written, as PATH:LINE.
func (e *Exemption) Source() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// Exempted is a finding with the exemption that accepts it.
type Exempted struct {
	rules.Finding
	Exemption Exemption
}

// Sort orders exempted findings as rules.SortFindings orders findings.
func Sort(es []Exempted) {
	slices.SortStableFunc(es, func(a, b Exempted) int { return rules.Compare(a.Finding, b.Finding) })
}
