package exempt

import (
	"fmt"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Inline suppression comments, for files that have comments but no
// Metadata (Terraform):
//
//	# ssm-guardrails:ignore IAM-SSM-1 reason="break-glass, SEC-101"
//
// They work as Metadata suppressions do: a reason is required, a comment
// that cannot be used is a warning, and one that no finding needed is
// reported. The reader of the format decides what a comment stands
// before; here it is read and its use counted, once however many
// documents it stands before.

// Comments are the suppression comments of one scan unit.
type Comments struct {
	warn    func(source.Warning)
	entries map[commentKey]*suppression
	order   []commentKey
}

type commentKey struct {
	file string
	pos  source.Pos
}

// NewComments makes the suppressor of one unit; warn receives the
// comments that cannot be used and, from Unused, those no finding needed.
func NewComments(warn func(source.Warning)) *Comments {
	return &Comments{warn: warn, entries: map[commentKey]*suppression{}}
}

// Add reads a comment; text is what follows "ssm-guardrails:".
func (c *Comments) Add(file string, pos source.Pos, text string) {
	key := commentKey{file, pos}
	if _, ok := c.entries[key]; ok {
		return
	}
	rule, reason, problem := parseComment(text)
	if problem != "" {
		c.entries[key] = nil
		c.warn(source.Warning{File: file, Line: pos.Line, Col: pos.Col, Message: "ssm-guardrails comment ignored: " + problem})
		return
	}
	c.entries[key] = &suppression{rule: rule, reason: reason}
	c.order = append(c.order, key)
}

// Suppress returns f as exempted when the comment at file and pos
// suppresses its rule.
func (c *Comments) Suppress(f rules.Finding, file string, pos source.Pos) (Exempted, bool) {
	s := c.entries[commentKey{file, pos}]
	if s == nil || s.rule != f.RuleID {
		return Exempted{}, false
	}
	s.used = true
	return Exempted{Finding: f, Exemption: Exemption{Reason: s.reason, InSource: true, File: file, Line: pos.Line}}, true
}

// Unused warns about comments no finding needed.
func (c *Comments) Unused() {
	for _, key := range c.order {
		if s := c.entries[key]; !s.used {
			c.warn(source.Warning{File: key.file, Line: key.pos.Line, Col: key.pos.Col,
				Message: fmt.Sprintf("ssm-guardrails suppression of %s matched no finding; remove it if it is no longer needed", s.rule)})
		}
	}
}

// parseComment reads `ignore RULE reason="..."`. The reason may be quoted
// with double or single quotes, or be the rest of the comment.
func parseComment(text string) (rule, reason, problem string) {
	directive, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	if directive != "ignore" {
		return "", "", fmt.Sprintf("unknown directive %q (use ssm-guardrails:ignore RULE reason=\"...\")", directive)
	}
	rest = strings.TrimSpace(rest)
	rule, rest, _ = strings.Cut(rest, " ")
	if rules.ByID(rule) == nil {
		return "", "", fmt.Sprintf("unknown rule %q (use %s)", rule, rules.IDs())
	}
	rest = strings.TrimSpace(rest)
	if value, ok := strings.CutPrefix(rest, "reason="); ok {
		reason = value
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') {
			if end := strings.IndexByte(value[1:], value[0]); end >= 0 {
				reason = value[1 : 1+end]
			}
		}
	}
	if strings.TrimSpace(reason) == "" {
		return "", "", "no reason: say why this wildcard is accepted (reason=\"...\")"
	}
	return rule, strings.TrimSpace(reason), ""
}
