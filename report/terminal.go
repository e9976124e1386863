package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// ANSI select-graphic-rendition codes the text output uses.
const (
	bold    = "1"
	boldRed = "1;31"
	red     = "31"
	green   = "32"
	yellow  = "33"
	blue    = "34"
	cyan    = "36"
	gutter  = "1;34"
)

func severityColor(s rules.Severity) string {
	switch s {
	case rules.SeverityCritical:
		return boldRed
	case rules.SeverityHigh:
		return red
	case rules.SeverityMedium:
		return yellow
	case rules.SeverityLow:
		return cyan
	default:
		return blue
	}
}

// paint colours s when the output is in colour.
func (t *textWriter) paint(s, sgr string) string {
	if !t.opts.Color {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}

// clean escapes, on a terminal, the characters of untrusted text that a
// terminal would act on rather than show: control characters (an escape
// sequence could recolour, retitle or rewrite the screen) and the
// bidirectional formatting marks that reorder what is shown. Elsewhere
// the text is written as it is.
func (t *textWriter) clean(s string) string {
	if !t.opts.Terminal || strings.IndexFunc(s, unsafeForTerminal) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeForTerminal(r) {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeForTerminal(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// writeExcerpt shows, on a terminal, a finding's first line with a caret
// under its column, the way compilers do:
//
//	  |
//	4 |     {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}
//	  |     ^
func (t *textWriter) writeExcerpt(ex *rules.Excerpt, lineNumber int, sev rules.Severity) {
	if !t.opts.Terminal || ex == nil {
		return
	}
	// Tabs stay tabs, in the line and under it, so that the caret lines up
	// with the character above it whatever the terminal's tab stops.
	line := t.cleanKeepingTabs(ex.Text)
	var pad strings.Builder
	for _, r := range t.cleanKeepingTabs(ex.Text[:min(max(ex.Caret, 0), len(ex.Text))]) {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	num := strconv.Itoa(lineNumber)
	blank := strings.Repeat(" ", len(num))
	fmt.Fprintf(t.b, "%s\n%s %s\n%s%s\n",
		t.paint(blank+" |", gutter),
		t.paint(num+" |", gutter), line,
		t.paint(blank+" |", gutter)+" "+pad.String(), t.paint("^", severityColor(sev)))
}

func (t *textWriter) cleanKeepingTabs(s string) string {
	parts := strings.Split(s, "\t")
	for i, p := range parts {
		parts[i] = t.clean(p)
	}
	return strings.Join(parts, "\t")
}
