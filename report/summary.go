package report

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// SummaryOptions says what a job summary links to and how large it may be.
type SummaryOptions struct {
	FailOn rules.Severity
	// BlobURL is where files are shown, SERVER/OWNER/REPO/blob/SHA; a
	// finding links to BlobURL/PATH#Lstart-Lend. Empty means no links.
	BlobURL string
	// MaxBytes caps the summary (GitHub refuses one over 1 MiB); rows that
	// do not fit are counted instead of listed. 0 means no cap.
	MaxBytes int
}

// tailRoom is kept free under MaxBytes for the lines that count what was
// left out.
const tailRoom = 512

// Summary writes a Markdown job summary: totals by severity, a table of
// the open findings, the exempted findings with their reasons, and the
// warnings (files that could not be read, exemptions that expired).
func Summary(w io.Writer, rep *scan.Report, opts SummaryOptions) error {
	var b strings.Builder
	b.WriteString("## ssm-guardrails\n\n")
	b.WriteString(summary(rep, opts.FailOn) + ".\n\n")
	c := Count(rep.Findings)
	b.WriteString("| Severity | Findings |\n| --- | ---: |\n")
	for _, r := range []struct {
		name string
		n    int
	}{{"critical", c.Critical}, {"high", c.High}, {"medium", c.Medium}, {"low", c.Low}, {"note", c.Note}} {
		fmt.Fprintf(&b, "| %s | %d |\n", r.name, r.n)
	}

	var warnRows []string
	for _, wn := range rep.Warnings {
		warnRows = append(warnRows, "- "+cell(wn.String())+"\n")
	}
	sections := []section{
		{"Findings", "| Severity | Location | Rule | Resource | Message |\n| --- | --- | --- | --- | --- |\n",
			findingRows(rep.Findings, opts.BlobURL), "finding"},
		{"Exempted findings", "| Severity | Location | Rule | Reason | Exempted by |\n| --- | --- | --- | --- | --- |\n",
			exemptedRows(rep.Exempted, opts.BlobURL), "exempted finding"},
		{"Warnings", "", warnRows, "warning"},
	}
	limit := opts.MaxBytes - tailRoom
	if opts.MaxBytes <= 0 {
		limit = int(^uint(0) >> 1)
	}
	// Each section after the first keeps up to a quarter of the room, so a
	// flood of findings cannot push out the exemptions or the news that
	// some files were not scanned.
	quarter := max(limit-b.Len(), 0) / 4
	kept := make([]int, len(sections))
	for i := len(sections) - 2; i >= 0; i-- {
		next := sections[i+1]
		kept[i] = kept[i+1] + min(next.size(), quarter)
	}
	var tail strings.Builder
	for i, sec := range sections {
		if len(sec.rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n%s", sec.heading, sec.header)
		if n := appendRows(&b, sec.rows, limit-kept[i]); n > 0 {
			fmt.Fprintf(&tail, "\n%s not listed: the summary would exceed GitHub's 1 MiB limit.\n", plural(n, "more "+sec.noun))
		}
	}
	b.WriteString(tail.String())
	_, err := io.WriteString(w, b.String())
	return err
}

// section is a part of the summary that lists rows.
type section struct {
	heading, header string
	rows            []string
	noun            string // what a row is, for the count of rows left out
}

func (s section) size() int {
	n := len(s.heading) + len(s.header) + 8
	for _, r := range s.rows {
		n += len(r)
	}
	return n
}

func findingRows(fs []rules.Finding, blobURL string) []string {
	rows := make([]string, len(fs))
	for i, f := range fs {
		// Which statement and where its policy sits; the place in the
		// file when nothing names it.
		resource := cmp.Or(describePlace(f), f.Origin.Path)
		rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
			f.Severity, findingLink(f, blobURL), cell(ruleTitle(f)), cell(resource), cell(f.Message))
	}
	return rows
}

func exemptedRows(es []exempt.Exempted, blobURL string) []string {
	rows := make([]string, len(es))
	for i, e := range es {
		by := e.Exemption.Source()
		if e.Exemption.Expires != "" {
			by += ", expires " + e.Exemption.Expires
		}
		rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
			e.Severity, findingLink(e.Finding, blobURL), cell(ruleTitle(e.Finding)), cell(e.Exemption.Reason), cell(by))
	}
	return rows
}

// findingLink is PATH:LINE, linked to the lines at the analysed commit.
func findingLink(f rules.Finding, blobURL string) string {
	text := cell(fmt.Sprintf("%s:%d", f.File, f.Span.Start.Line))
	if blobURL == "" {
		return text
	}
	segs := strings.Split(f.File, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	anchor := fmt.Sprintf("#L%d", f.Span.Start.Line)
	if f.Span.End.Line > f.Span.Start.Line {
		anchor += fmt.Sprintf("-L%d", f.Span.End.Line)
	}
	return fmt.Sprintf("[%s](%s/%s%s)", text, strings.TrimRight(blobURL, "/"), strings.Join(segs, "/"), anchor)
}

// appendRows adds rows while b stays within limit and returns how many
// did not fit.
func appendRows(b *strings.Builder, rows []string, limit int) int {
	for i, r := range rows {
		if b.Len()+len(r) > limit {
			return len(rows) - i
		}
		b.WriteString(r)
	}
	return 0
}

// cellEscaper keeps text that comes from the scanned files (resource
// names, messages, paths) from being read as Markdown or HTML, and from
// breaking out of its table cell.
var cellEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "\r\n", " ", "\n", " ", "\r", " ",
)

func cell(s string) string { return cellEscaper.Replace(s) }
