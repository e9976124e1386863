package report

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// SummaryOptions says what a job summary links to and how large it may be.
type SummaryOptions struct {
	FailOn rules.Severity
	// BlobURL is where files are shown, SERVER/OWNER/REPO/blob/SHA of the
	// analysed commit; a finding links to BlobURL/PATH#Lstart-Lend. Empty
	// means no links.
	BlobURL string
	// MaxBytes caps the summary (GitHub refuses one over 1 MiB); rows that
	// do not fit are counted instead of listed. 0 means no cap.
	MaxBytes int
	// Review is the exemptions a pull request adds, when they were looked
	// for.
	Review *Review
}

// Review is the exemptions a pull request adds or changes in its config,
// compared with the base branch's.
type Review struct {
	Config string         // the config's path
	Added  []exempt.Entry // the entries that are new or changed
	// Unavailable, when set, says why the base branch's config could not
	// be compared.
	Unavailable string
}

// tailRoom is kept free under MaxBytes for the lines that count what was
// left out.
const tailRoom = 512

// Summary writes the body of a Markdown job summary: a headline with the
// outcome and why, the counts by rule, the open findings (the message
// first, then where), how to fix each rule that fired, the exempted
// findings with their reasons, the exemptions the pull request adds, and
// the warnings (files skipped or not parsed, exemptions expired or
// unused). SummaryEnd closes it. Every piece of repository text is
// escaped (safetext.Markdown).
func Summary(w io.Writer, rep *scan.Report, opts SummaryOptions) error {
	var b strings.Builder
	headline(&b, rep, opts.FailOn)
	ruleCounts(&b, rep)

	var warnRows []string
	for _, wn := range rep.Warnings {
		warnRows = append(warnRows, "- "+safetext.Markdown(wn.String())+"\n")
	}
	sections := []section{
		{"Findings", "| Severity | Rule | Message | Location | Statement |\n| --- | --- | --- | --- | --- |\n",
			findingRows(rep.Findings, opts.BlobURL), "finding", fixes(rep.Findings)},
		{"Exempted findings", "| Severity | Rule | Message | Location | Reason | Exempted by |\n| --- | --- | --- | --- | --- | --- |\n",
			exemptedRows(rep.Exempted, opts.BlobURL), "exempted finding", ""},
		reviewSection(opts.Review, opts.BlobURL),
		{"Warnings", "Files that were skipped or could not be parsed, and exemptions that expired or matched nothing.\n\n",
			warnRows, "warning", ""},
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
		if len(sec.rows) == 0 && sec.after == "" {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n", sec.heading)
		if len(sec.rows) > 0 {
			b.WriteString(sec.header)
		}
		if n := appendRows(&b, sec.rows, limit-kept[i]-len(sec.after)); n > 0 {
			fmt.Fprintf(&tail, "\n%s not listed: the summary would exceed GitHub's 1 MiB limit.\n", plural(n, "more "+sec.noun))
		}
		b.WriteString(sec.after)
	}
	b.WriteString(tail.String())
	_, err := io.WriteString(w, b.String())
	return err
}

// SummaryEnd closes the job summary: the upload's outcome (Markdown the
// caller has escaped) and the tool's version.
func SummaryEnd(w io.Writer, upload, version string) error {
	_, err := fmt.Fprintf(w, "\n**Code scanning:** %s\n\n<sub>ssm-guardrails %s</sub>\n", upload, safetext.Markdown(version))
	return err
}

// headline says whether the step passed or failed, and why.
func headline(b *strings.Builder, rep *scan.Report, failOn rules.Severity) {
	failing := Failing(rep, failOn)
	if failing > 0 {
		fmt.Fprintf(b, "## :x: ssm-guardrails: failed\n\n**%s at or above %s** (fail-on): %s.\n\n",
			plural(failing, "finding"), failOn, byRule(rep.Findings, failOn))
	} else {
		b.WriteString("## :white_check_mark: ssm-guardrails: passed\n\n")
		switch {
		case len(rep.Findings) == 0:
			b.WriteString("**No findings.**")
		case failOn == rules.SeverityNone:
			fmt.Fprintf(b, "**%s**, none failing: fail-on is none.", plural(len(rep.Findings), "finding"))
		default:
			fmt.Fprintf(b, "**Nothing at or above %s** (fail-on); %s below it.", failOn, plural(len(rep.Findings), "finding"))
		}
		b.WriteString("\n\n")
	}
	parts := []string{plural(rep.Files, "file") + " scanned"}
	if len(rep.Exempted) > 0 {
		parts = append(parts, fmt.Sprintf("%d exempted", len(rep.Exempted)))
	}
	if len(rep.Warnings) > 0 {
		parts = append(parts, plural(len(rep.Warnings), "warning"))
	}
	b.WriteString(strings.Join(parts, ", ") + ".\n")
}

// byRule counts the findings at or above failOn by rule: "2 IAM-SSM-1, 1 IAM-SSM-2".
func byRule(fs []rules.Finding, failOn rules.Severity) string {
	var ids []string
	n := map[string]int{}
	for _, f := range fs {
		if f.Severity < failOn {
			continue
		}
		if n[f.RuleID] == 0 {
			ids = append(ids, f.RuleID)
		}
		n[f.RuleID]++
	}
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("%d %s", n[id], id))
	}
	return strings.Join(parts, ", ")
}

// ruleCounts is a table of the rules that ran, each linked to its
// documentation, with its open and exempted findings.
func ruleCounts(b *strings.Builder, rep *scan.Report) {
	open, exempted := map[string]int{}, map[string]int{}
	for _, f := range rep.Findings {
		open[f.RuleID]++
	}
	for _, e := range rep.Exempted {
		exempted[e.RuleID]++
	}
	if len(rep.Rules) == 0 {
		return
	}
	b.WriteString("\n| Rule | Severity | Open | Exempted |\n| --- | --- | ---: | ---: |\n")
	for _, r := range rep.Rules {
		fmt.Fprintf(b, "| %s %s | %s | %d | %d |\n", ruleLink(r, r.ID), r.Name, r.Severity, open[r.ID], exempted[r.ID])
	}
}

// ruleLink is the rule id linked to its documentation.
func ruleLink(r *rules.Rule, id string) string {
	if r == nil {
		return safetext.Markdown(id)
	}
	return fmt.Sprintf("[%s](%s)", r.ID, r.HelpURI())
}

func ruleOf(f rules.Finding) *rules.Rule { return cmp.Or(f.Rule, rules.ByID(f.RuleID)) }

// section is a part of the summary that lists rows.
type section struct {
	heading, header string
	rows            []string
	noun            string // what a row is, for the count of rows left out
	after           string // what follows the rows
}

func (s section) size() int {
	n := len(s.heading) + len(s.header) + len(s.after) + 8
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
		statement := cmp.Or(describePlace(f), f.Origin.Path)
		rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
			f.Severity, ruleLink(ruleOf(f), f.RuleID), safetext.Markdown(f.Message), findingLink(f, blobURL), safetext.Markdown(statement))
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
		rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n",
			e.Severity, ruleLink(ruleOf(e.Finding), e.RuleID), safetext.Markdown(e.Message), findingLink(e.Finding, blobURL),
			safetext.Markdown(e.Exemption.Reason), safetext.Markdown(by))
	}
	return rows
}

// fixes is a collapsed fix for each rule that fired, in the order the
// rules first appear among the findings.
func fixes(fs []rules.Finding) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, f := range fs {
		r := ruleOf(f)
		if r == nil || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		fmt.Fprintf(&b, "\n<details><summary>How to fix %s %s</summary>\n\n"+
			"Grant `%s` on tagged instances only, and keep documents in a statement of their own "+
			"([why, and what does not pin an instance](%s)):\n\n"+
			"```json\n%s\n```\n\nIn CloudFormation YAML:\n\n```yaml\n%s\n```\n\n</details>\n",
			r.ID, r.Name, r.Action, r.HelpURI(), r.Fix.JSON, r.Fix.YAML)
	}
	return b.String()
}

// reviewSection lists the exemptions the pull request adds, for review.
func reviewSection(rv *Review, blobURL string) section {
	sec := section{heading: "Exemptions added by this pull request", noun: "added exemption",
		header: "Review each: an exemption lets a finding pass.\n\n| Exemption | Reason | Selects |\n| --- | --- | --- |\n"}
	switch {
	case rv == nil:
	case rv.Unavailable != "":
		sec.after = "Not checked: " + safetext.Markdown(rv.Unavailable) + "\n"
	default:
		for _, e := range rv.Added {
			sec.rows = append(sec.rows, fmt.Sprintf("| %s | %s | %s |\n",
				lineLink(rv.Config, e.Line, e.Line, blobURL), safetext.Markdown(e.Reason), safetext.Markdown(selectors(e))))
		}
	}
	return sec
}

// selectors says what an entry selects: "files: a, b; rules: IAM-SSM-1".
func selectors(e exempt.Entry) string {
	var parts []string
	for _, s := range []struct {
		key    string
		values []string
	}{{"files", e.Files}, {"resources", e.Resources}, {"cdk-paths", e.CDKPaths}, {"policies", e.Policies}, {"rules", e.Rules}} {
		if len(s.values) > 0 {
			parts = append(parts, s.key+": "+strings.Join(s.values, ", "))
		}
	}
	if !e.Expires.IsZero() {
		parts = append(parts, "expires "+e.Expires.Format("2006-01-02"))
	}
	return strings.Join(parts, "; ")
}

// findingLink is PATH:LINE, linked to the lines at the analysed commit.
func findingLink(f rules.Finding, blobURL string) string {
	return lineLink(f.File, f.Span.Start.Line, f.Span.End.Line, blobURL)
}

func lineLink(file string, start, end int, blobURL string) string {
	text := safetext.Markdown(fmt.Sprintf("%s:%d", file, start))
	if blobURL == "" {
		return text
	}
	segs := strings.Split(file, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	anchor := fmt.Sprintf("#L%d", start)
	if end > start {
		anchor += fmt.Sprintf("-L%d", end)
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
