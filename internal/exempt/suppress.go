package exempt

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// suppression is one entry of a CloudFormation resource's
// Metadata.ssm-guardrails.suppress list.
type suppression struct {
	rule, reason string
	at           int // byte offset of the entry
	used         bool
}

// suppressions reads the suppress list of a policy's holding resource.
// An entry that cannot be used (no reason, unknown rule, unknown key) is
// a warning and suppresses nothing.
func suppressions(holder *syntax.Node, warn func(source.Diagnostic)) []*suppression {
	list := holder.Get("Metadata").Get("ssm-guardrails").Get("suppress")
	if list == nil {
		return nil
	}
	var out []*suppression
	for _, item := range list.List() {
		if item.Kind != syntax.KindMap {
			warn(source.Diagnostic{Offset: item.Start, Msg: "ssm-guardrails suppress entry must be a map with rule and reason"})
			continue
		}
		s := &suppression{rule: item.Get("rule").ScalarText(), reason: strings.TrimSpace(item.Get("reason").ScalarText()), at: item.Start}
		var problem string
		for _, f := range item.Fields {
			if f.Key.Text != "rule" && f.Key.Text != "reason" {
				problem = fmt.Sprintf("unknown key %q (use rule and reason)", f.Key.Text)
			}
		}
		switch {
		case problem != "":
		case rules.ByID(s.rule) == nil:
			problem = fmt.Sprintf("unknown rule %q (use %s)", s.rule, rules.IDs())
		case s.reason == "":
			problem = "no reason: say why this wildcard is accepted"
		}
		if problem != "" {
			warn(source.Diagnostic{Offset: item.Start, Msg: "ssm-guardrails suppress entry ignored: " + problem})
			continue
		}
		out = append(out, s)
	}
	return out
}

// Suppressor applies the Metadata suppressions of the resources in one
// file, reading each resource's list once.
type Suppressor struct {
	src   *source.Source
	file  string
	warn  func(source.Diagnostic)
	lists map[*syntax.Node][]*suppression
	order []*syntax.Node
}

// NewSuppressor makes the suppressor of one file; warn receives the
// entries that cannot be used and, from Unused, those no finding needed.
func NewSuppressor(src *source.Source, file string, warn func(source.Diagnostic)) *Suppressor {
	return &Suppressor{src: src, file: file, warn: warn, lists: map[*syntax.Node][]*suppression{}}
}

// Apply splits the findings in a policy held by holder (a template
// resource, or nil) into those that stay open and those its Metadata
// suppresses.
func (s *Suppressor) Apply(holder *syntax.Node, fs []rules.Finding) (open []rules.Finding, exempted []Exempted) {
	if holder == nil {
		return fs, nil
	}
	list, ok := s.lists[holder]
	if !ok {
		list = suppressions(holder, s.warn)
		s.lists[holder] = list
		s.order = append(s.order, holder)
	}
	for _, f := range fs {
		idx := slices.IndexFunc(list, func(x *suppression) bool { return x.rule == f.RuleID })
		if idx < 0 {
			open = append(open, f)
			continue
		}
		list[idx].used = true
		exempted = append(exempted, Exempted{Finding: f,
			Exemption: Exemption{Reason: list[idx].reason, InSource: true, File: s.file, Line: s.src.Pos(list[idx].at).Line}})
	}
	return open, exempted
}

// Unused warns about suppressions no finding needed.
func (s *Suppressor) Unused() {
	for _, holder := range s.order {
		for _, x := range s.lists[holder] {
			if !x.used {
				s.warn(source.Diagnostic{Offset: x.at, Msg: fmt.Sprintf("ssm-guardrails suppression of %s matched no finding; remove it if it is no longer needed", x.rule)})
			}
		}
	}
}
