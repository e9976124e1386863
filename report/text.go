package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TextOptions says how Text writes.
type TextOptions struct {
	FailOn rules.Severity
	// Terminal: the output is a terminal. Each finding is followed by its
	// excerpt, when the driver kept one, and control characters in text
	// from the scanned files are escaped, so that no file can drive the
	// terminal.
	Terminal bool
	Color    bool // ANSI colours: the severity, the rule id and the location stand out
	Quiet    bool // the findings only: no exempted findings, warnings, config, summary or hint
}

// Text writes one line per finding, grouped by file and in line order, in
// the PATH:LINE:COL form editors and terminals link, then the exempted
// findings, the warnings, the config used, a one-line summary and the
// files the include globs skipped that hold policies.
func Text(w io.Writer, rep *scan.Report, opts TextOptions) error {
	t := &textWriter{b: bufio.NewWriter(w), opts: opts}
	findings := byPlace(rep.Findings, func(f rules.Finding) rules.Finding { return f })
	for i, f := range findings {
		t.writeFinding(f)
		t.b.WriteByte('\n')
		// Findings at one place (both rules on one statement) share the
		// excerpt, shown once under the last of them in the colour of the
		// first, the most severe.
		if i+1 == len(findings) || !samePlace(findings[i+1], f) {
			first := i
			for first > 0 && samePlace(findings[first-1], f) {
				first--
			}
			t.writeExcerpt(f.Excerpt, f.Span.Start.Line, findings[first].Severity)
		}
	}
	if opts.Quiet {
		return t.b.Flush()
	}
	for _, e := range byPlace(rep.Exempted, func(e exempt.Exempted) rules.Finding { return e.Finding }) {
		t.b.WriteString(t.paint("exempted:", green) + " ")
		t.writeFinding(e.Finding)
		fmt.Fprintf(t.b, "; reason: %q (%s", e.Exemption.Reason, t.clean(e.Exemption.Source()))
		if e.Exemption.Expires != "" {
			fmt.Fprintf(t.b, ", expires %s", e.Exemption.Expires)
		}
		t.b.WriteString(")\n")
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(t.b, "%s %s\n", t.paint("warning:", yellow), t.clean(w.String()))
	}
	if rep.Config != "" {
		fmt.Fprintf(t.b, "config: %s\n", t.clean(rep.Config))
	}
	sum := summary(rep, opts.FailOn)
	switch {
	case opts.FailOn != rules.SeverityNone && Failing(rep, opts.FailOn) > 0:
		sum = t.paint(sum, boldRed)
	case opts.FailOn != rules.SeverityNone:
		sum = t.paint(sum, green)
	}
	fmt.Fprintln(t.b, sum)
	if n := len(rep.Unselected); n > 0 {
		hint := fmt.Sprintf("%d files not selected by --include hold IAM policies, e.g. %s; add --include '**/*' to scan them", n, t.clean(rep.Unselected[0]))
		if n == 1 {
			hint = fmt.Sprintf("1 file not selected by --include holds an IAM policy: %s; add --include '**/*' to scan it", t.clean(rep.Unselected[0]))
		}
		fmt.Fprintln(t.b, t.paint(hint, yellow))
	}
	return t.b.Flush()
}

// byPlace returns xs ordered by the place of their findings: file, line,
// column, then the most severe first.
func byPlace[T any](xs []T, finding func(T) rules.Finding) []T {
	return slices.SortedStableFunc(slices.Values(xs), func(x, y T) int {
		a, b := finding(x), finding(y)
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Span.Start.Line, b.Span.Start.Line),
			cmp.Compare(a.Span.Start.Col, b.Span.Start.Col),
			rules.Compare(a, b),
		)
	})
}

func samePlace(a, b rules.Finding) bool { return a.File == b.File && a.Span.Start == b.Span.Start }

// textWriter writes the text output with its options' style.
type textWriter struct {
	b    *bufio.Writer
	opts TextOptions
}

func (t *textWriter) writeFinding(f rules.Finding) {
	fmt.Fprintf(t.b, "%s %s %s %s", t.paint(fmt.Sprintf("%s:%d:%d:", t.clean(f.File), f.Span.Start.Line, f.Span.Start.Col), bold),
		t.paint(f.Severity.String(), severityColor(f.Severity)), t.paint(f.RuleID, bold), t.clean(f.Message))
	if o := describePlace(f); o != "" {
		fmt.Fprintf(t.b, " [%s]", t.clean(o))
	}
}

func summary(rep *scan.Report, failOn rules.Severity) string {
	c := Count(rep.Findings)
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{c.Critical, "critical"}, {c.High, "high"}, {c.Medium, "medium"}, {c.Low, "low"}, {c.Note, "note"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	s := fmt.Sprintf("%s in %s", plural(len(rep.Findings), "finding"), plural(rep.Files, "file"))
	if len(parts) > 0 {
		s = fmt.Sprintf("%s (%s) in %s", plural(len(rep.Findings), "finding"), strings.Join(parts, ", "), plural(rep.Files, "file"))
	}
	if len(rep.Exempted) > 0 {
		s += fmt.Sprintf(", %d exempted", len(rep.Exempted))
	}
	if len(rep.Warnings) > 0 {
		s += ", " + plural(len(rep.Warnings), "warning")
	}
	if failOn != rules.SeverityNone {
		s += fmt.Sprintf("; %d at or above %s", Failing(rep, failOn), failOn)
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// describeOrigin names where a statement sits.
func describeOrigin(sid string, o iam.Origin) string {
	var parts []string
	if sid != "" {
		parts = append(parts, "sid "+sid)
	}
	if o.Resource != "" {
		r := "resource " + o.Resource
		if o.ResourceType != "" {
			r += " (" + o.ResourceType + ")"
		}
		parts = append(parts, r)
	}
	if o.Identity != "" {
		parts = append(parts, "identity "+o.Identity)
	}
	if o.PolicyName != "" {
		parts = append(parts, "policy "+o.PolicyName)
	}
	if o.CDKPath != "" {
		parts = append(parts, "cdk "+o.CDKPath)
	}
	if o.Via != "" {
		parts = append(parts, "read at "+o.Via)
	}
	return strings.Join(parts, ", ")
}
