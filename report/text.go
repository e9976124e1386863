package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Text writes one line per finding, most severe first, in the
// PATH:LINE:COL form editors and terminals link, then the warnings and a
// one-line summary.
func Text(w io.Writer, rep *scan.Report, failOn rules.Severity) error {
	b := bufio.NewWriter(w)
	for _, f := range rep.Findings {
		writeFinding(b, f)
		b.WriteByte('\n')
	}
	for _, e := range rep.Exempted {
		b.WriteString("exempted: ")
		writeFinding(b, e.Finding)
		fmt.Fprintf(b, "; reason: %q (%s", e.Exemption.Reason, e.Exemption.Source())
		if e.Exemption.Expires != "" {
			fmt.Fprintf(b, ", expires %s", e.Exemption.Expires)
		}
		b.WriteString(")\n")
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(b, "warning: %s\n", w)
	}
	fmt.Fprintln(b, summary(rep, failOn))
	return b.Flush()
}

func writeFinding(b *bufio.Writer, f rules.Finding) {
	fmt.Fprintf(b, "%s:%d:%d: %s %s %s", f.File, f.Span.Start.Line, f.Span.Start.Col, f.Severity, f.RuleID, f.Message)
	if o := describeOrigin(f.Sid, f.Origin); o != "" {
		fmt.Fprintf(b, " [%s]", o)
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
