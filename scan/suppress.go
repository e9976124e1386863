package scan

import (
	"fmt"
	"slices"
	"strings"
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
func suppressions(holder *Node, warn func(Diagnostic)) []*suppression {
	list := holder.Get("Metadata").Get("ssm-guardrails").Get("suppress")
	if list == nil {
		return nil
	}
	var out []*suppression
	for _, item := range list.List() {
		if item.Kind != KindMap {
			warn(Diagnostic{Offset: item.Start, Msg: "ssm-guardrails suppress entry must be a map with rule and reason"})
			continue
		}
		s := &suppression{rule: scalarText(item.Get("rule")), reason: strings.TrimSpace(scalarText(item.Get("reason"))), at: item.Start}
		var problem string
		for _, f := range item.Fields {
			if f.Key.Text != "rule" && f.Key.Text != "reason" {
				problem = fmt.Sprintf("unknown key %q (use rule and reason)", f.Key.Text)
			}
		}
		switch {
		case problem != "":
		case RuleByID(s.rule) == nil:
			problem = fmt.Sprintf("unknown rule %q (use %s)", s.rule, ruleIDs())
		case s.reason == "":
			problem = "no reason: say why this wildcard is accepted"
		}
		if problem != "" {
			warn(Diagnostic{Offset: item.Start, Msg: "ssm-guardrails suppress entry ignored: " + problem})
			continue
		}
		out = append(out, s)
	}
	return out
}

// suppressor applies the Metadata suppressions of the resources in one
// file, reading each resource's list once.
type suppressor struct {
	src   *Source
	file  string
	warn  func(Diagnostic)
	lists map[*Node][]*suppression
	order []*Node
}

func (s *suppressor) apply(holder *Node, fs []Finding) {
	if holder == nil {
		return
	}
	list, ok := s.lists[holder]
	if !ok {
		list = suppressions(holder, s.warn)
		s.lists[holder] = list
		s.order = append(s.order, holder)
	}
	for i := range fs {
		idx := slices.IndexFunc(list, func(x *suppression) bool { return x.rule == fs[i].RuleID })
		if idx < 0 {
			continue
		}
		list[idx].used = true
		fs[i].Exemption = &Exemption{Reason: list[idx].reason, InSource: true, File: s.file, Line: s.src.Pos(list[idx].at).Line}
	}
}

// unused warns about suppressions no finding needed.
func (s *suppressor) unused() {
	for _, holder := range s.order {
		for _, x := range s.lists[holder] {
			if !x.used {
				s.warn(Diagnostic{Offset: x.at, Msg: fmt.Sprintf("ssm-guardrails suppression of %s matched no finding; remove it if it is no longer needed", x.rule)})
			}
		}
	}
}
