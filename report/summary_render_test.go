package report

import (
	"bytes"
	"html"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// These tests render the job summary with goldmark and its GFM extension
// (tables, autolinks, strikethrough, task lists), as GitHub renders a job
// summary, and check the document's structure rather than its text.

const (
	testBlobURL  = "https://github.com/octo/demo/blob/4b6472266afd7b471e86085a6659e8c7f2b119da"
	ruleDocsLink = "https://github.com/ssm-guardrails/ssm-guardrails#"
)

var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(ghtml.WithUnsafe()))

// rendered is a summary parsed as GFM.
type rendered struct {
	src  []byte
	root gast.Node
}

func render(md string) rendered {
	src := []byte(md)
	return rendered{src, markdown.Parser().Parse(text.NewReader(src))}
}

// walk visits every node of kind k.
func (r rendered) walk(k gast.NodeKind, visit func(n gast.Node)) {
	gast.Walk(r.root, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if entering && n.Kind() == k {
			visit(n)
		}
		return gast.WalkContinue, nil
	})
}

// plain is a node's text as a reader sees it: rendered, tags dropped,
// entities decoded, zero-width spaces gone.
func (r rendered) plain(n gast.Node) string {
	var b bytes.Buffer
	if err := markdown.Renderer().Render(&b, r.src, n); err != nil {
		panic(err)
	}
	s := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(b.String(), ""))
	return strings.TrimSpace(strings.ReplaceAll(s, "\u200b", ""))
}

// tables returns each table as rows of cell texts, the header first, and
// fails the test when a row's cells do not match its header's.
func (r rendered) tables(t *testing.T) [][][]string {
	t.Helper()
	var out [][][]string
	r.walk(east.KindTable, func(n gast.Node) {
		var rows [][]string
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, r.plain(c))
			}
			rows = append(rows, cells)
		}
		out = append(out, rows)
	})
	// GFM pads or cuts a row to its header's cells; count them in the
	// source, where a broken cell shows.
	for _, line := range strings.Split(string(r.src), "\n") {
		if strings.HasPrefix(line, "|") {
			cells := len(regexp.MustCompile(`(^|[^\\])((\\\\)*)\|`).FindAllString(line, -1)) - 1
			if !slices.ContainsFunc(out, func(tb [][]string) bool { return len(tb[0]) == cells }) {
				t.Errorf("table row with %d cells, matching no table: %s", cells, line)
			}
		}
	}
	return out
}

// checkOnlyOurMarkup fails the test on anything in the summary that its
// own code did not put there: autolinks, links other than to the rules'
// documentation and the analysed commit's files, raw HTML other than the
// fixes' <details> and the version's <sub>, and @mentions.
func (r rendered) checkOnlyOurMarkup(t *testing.T) {
	t.Helper()
	r.walk(gast.KindAutoLink, func(n gast.Node) {
		t.Errorf("autolink %q", n.(*gast.AutoLink).URL(r.src))
	})
	r.walk(gast.KindLink, func(n gast.Node) {
		dest := string(n.(*gast.Link).Destination)
		if !strings.HasPrefix(dest, ruleDocsLink) && !strings.HasPrefix(dest, testBlobURL+"/") {
			t.Errorf("link to %q", dest)
		}
	})
	r.walk(gast.KindRawHTML, func(n gast.Node) {
		raw := n.(*gast.RawHTML)
		var b strings.Builder
		for i := range raw.Segments.Len() {
			seg := raw.Segments.At(i)
			b.Write(seg.Value(r.src))
		}
		if s := b.String(); s != "<sub>" && s != "</sub>" {
			t.Errorf("inline HTML %q", s)
		}
	})
	r.walk(gast.KindHTMLBlock, func(n gast.Node) {
		s := string(n.(*gast.HTMLBlock).Lines().Value(r.src))
		if !regexp.MustCompile(`^(<details><summary>How to fix IAM-SSM-\d \w+</summary>|</details>)\n$`).MatchString(s) {
			t.Errorf("HTML block %q", s)
		}
	})
	mention := regexp.MustCompile(`(^|\W)@[a-zA-Z0-9]`)
	r.walk(gast.KindText, func(n gast.Node) {
		if s := string(n.(*gast.Text).Value(r.src)); mention.MatchString(s) {
			t.Errorf("text that GitHub would read as a mention: %q", s)
		}
	})
}

// checkFixes: each fix is a <details> block around the rule's JSON and
// YAML, closed before the next opens.
func (r rendered) checkFixes(t *testing.T, want []string) {
	t.Helper()
	var got []string
	open := ""
	var codes []string
	for n := r.root.FirstChild(); n != nil; n = n.NextSibling() {
		switch n.Kind() {
		case gast.KindHTMLBlock:
			s := string(n.(*gast.HTMLBlock).Lines().Value(r.src))
			if id := regexp.MustCompile(`How to fix (IAM-SSM-\d)`).FindStringSubmatch(s); id != nil {
				if open != "" {
					t.Errorf("fix for %s opens inside %s's", id[1], open)
				}
				open, codes = id[1], nil
			} else if strings.HasPrefix(s, "</details>") {
				rule := rules.ByID(open)
				if rule == nil || !slices.Equal(codes, []string{"json:" + rule.Fix.JSON + "\n", "yaml:" + rule.Fix.YAML + "\n"}) {
					t.Errorf("fix for %s holds %q", open, codes)
				}
				got, open = append(got, open), ""
			}
		case gast.KindFencedCodeBlock:
			fc := n.(*gast.FencedCodeBlock)
			if open != "" {
				codes = append(codes, string(fc.Language(r.src))+":"+string(fc.Lines().Value(r.src)))
			}
		}
	}
	if open != "" || !slices.Equal(got, want) {
		t.Errorf("fixes %v (unclosed %q), want %v", got, open, want)
	}
}

// TestSummaryGolden renders the job summary of testdata/examples, with an
// exemption and its review, and holds it against the golden file; then
// reads it as GFM: the tables have the findings in order with every cell
// intact, the fixes are well-formed <details> with the rules' policies.
func TestSummaryGolden(t *testing.T) {
	root := testkit.RepoRoot(t)
	cfg, err := exempt.ParseConfig(".ssm-guardrails.yml", []byte(`exemptions:
  - files: [testdata/examples/policies/windows-editor.json]
    reason: "support desk for the Windows fleet, SEC-404 (ask @octo-sec)"
    expires: 2099-12-31
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(scan.Options{Paths: []string{filepath.Join(root, "testdata", "examples")}, BaseDir: root, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts := SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: testBlobURL, MaxBytes: 1 << 20,
		Review: &Review{Config: cfg.Path, Added: cfg.AddedSince(nil)}}
	if err := Summary(&out, rep, opts); err != nil {
		t.Fatal(err)
	}
	if err := SummaryEnd(&out, "upload skipped (upload: false).", "1.2.3"); err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, filepath.Join(root, "testdata", "golden", "examples.summary.md"), out.Bytes())

	r := render(out.String())
	r.checkOnlyOurMarkup(t)
	r.checkFixes(t, []string{"IAM-SSM-1", "IAM-SSM-2"})
	tables := r.tables(t)
	if len(tables) != 4 {
		t.Fatalf("%d tables, want rules, findings, exempted and added exemptions", len(tables))
	}
	checkTable(t, "rules", tables[0], []string{"Rule", "Severity", "Open", "Exempted"}, len(rep.Rules), func(i int, row []string) []string {
		return []string{rep.Rules[i].ID + " " + rep.Rules[i].Name, rep.Rules[i].Severity.String()}
	})
	checkTable(t, "findings", tables[1], []string{"Severity", "Rule", "Message", "Location", "Statement"}, len(rep.Findings), func(i int, row []string) []string {
		f := rep.Findings[i]
		return []string{f.Severity.String(), f.RuleID, f.Message, f.File + ":" + strconv.Itoa(f.Span.Start.Line)}
	})
	checkTable(t, "exempted", tables[2], []string{"Severity", "Rule", "Message", "Location", "Reason", "Exempted by"}, len(rep.Exempted), func(i int, row []string) []string {
		e := rep.Exempted[i]
		return []string{e.Severity.String(), e.RuleID, e.Message, e.File + ":" + strconv.Itoa(e.Span.Start.Line), e.Exemption.Reason}
	})
	checkTable(t, "added exemptions", tables[3], []string{"Exemption", "Reason", "Selects"}, 1, func(i int, row []string) []string {
		return []string{".ssm-guardrails.yml:2", cfg.Entries[0].Reason}
	})
}

// checkTable checks a table's header, its number of rows, and that each
// row starts with the cells want gives for it.
func checkTable(t *testing.T, name string, table [][]string, header []string, rows int, want func(i int, row []string) []string) {
	t.Helper()
	if !slices.Equal(table[0], header) {
		t.Errorf("%s table header %q, want %q", name, table[0], header)
	}
	if len(table)-1 != rows {
		t.Fatalf("%s table has %d rows, want %d", name, len(table)-1, rows)
	}
	for i, row := range table[1:] {
		w := want(i, row)
		if len(row) < len(w) || !slices.Equal(row[:len(w)], w) {
			t.Errorf("%s row %d = %q, want it to start %q", name, i, row, w)
		}
	}
}

// TestSummaryOfHostileText fills every piece of repository text a summary
// shows with Markdown, HTML, links, mentions and line breaks, and checks
// that the rendered summary holds only its own markup and its tables keep
// their shape.
func TestSummaryOfHostileText(t *testing.T) {
	const evil = "x|y\n\n## owned <img src=x onerror=alert(1)> [click](https://evil.example) " +
		"https://evil.example www.evil.example @octocat a@b.example ~~s~~ $x$ `c` <details> \x1b[31m\r| z |"
	f := rules.Finding{Rule: rules.ByID("IAM-SSM-1"), RuleID: "IAM-SSM-1", Severity: rules.SeverityCritical}
	rep := &scan.Report{
		Rules:    rules.All,
		Findings: []rules.Finding{f},
		Exempted: []exempt.Exempted{{Finding: f}},
		Warnings: []source.Warning{{Line: 1}},
		Files:    1,
	}
	fillStrings(reflect.ValueOf(rep).Elem(), "Report", func(v reflect.Value, path string) {
		if !notRepositoryText[path[strings.LastIndex(path, ".")+1:]] {
			v.SetString(evil)
		}
	})
	added := exempt.Entry{Files: []string{evil}, Rules: []string{evil}, Reason: evil, Line: 3}
	var out bytes.Buffer
	if err := Summary(&out, rep, SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: testBlobURL,
		Review: &Review{Config: evil, Added: []exempt.Entry{added}}}); err != nil {
		t.Fatal(err)
	}
	SummaryEnd(&out, "upload failed: "+safetext.Markdown(evil), "1.2.3")
	r := render(out.String())
	r.checkOnlyOurMarkup(t)
	r.checkFixes(t, []string{"IAM-SSM-1"})
	tables := r.tables(t)
	if len(tables) != 4 || len(tables[1]) != 2 || len(tables[2]) != 2 || len(tables[3]) != 2 {
		t.Fatalf("tables %q", tables)
	}
	// The text is all there, shown as written (line breaks as \n, \r).
	shown := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\x1b", `\x1b`).Replace(evil)
	if got := tables[1][1][2]; got != shown {
		t.Errorf("message cell %q, want %q", got, shown)
	}
	var headings int
	r.walk(gast.KindHeading, func(gast.Node) { headings++ })
	if headings != 5 { // the headline and the sections for findings, exempted, added exemptions and warnings
		t.Errorf("%d headings: repository text made some", headings)
	}
}
