package sarif

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TestGitHubRules checks, on the log of every input tree, each thing
// GitHub code scanning needs to accept the log, place its results and
// track them across commits.
func TestGitHubRules(t *testing.T) {
	wantAutomation := map[string]string{"warning": "iam/prod/"}
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			rep := scanTree(t, c.name)
			data := writeLog(t, rep, c.opts)
			log, err := gosarif.FromBytes(data)
			if err != nil {
				t.Fatalf("the log is not JSON: %v", err)
			}

			if !bytes.HasSuffix(data, []byte("}\n")) {
				t.Error("the log does not end with a newline")
			}
			if n, err := countNullTokens(data); err != nil || n > 0 {
				path, _ := findNull(data)
				t.Errorf("the log has %d nulls (first at %s), err %v", n, path, err)
			}
			if log.Schema != schemaURI || log.Version != "2.1.0" {
				t.Errorf("$schema %q, version %q", log.Schema, log.Version)
			}
			if len(log.Runs) != 1 {
				t.Fatalf("%d runs, want 1", len(log.Runs))
			}
			run := log.Runs[0]
			d := run.Tool.Driver
			if d.Name != "ssm-guardrails" || deref(d.InformationURI) != informationURI || deref(d.SemanticVersion) != "1.2.3" {
				t.Errorf("driver name %q, informationUri %q, semanticVersion %q", d.Name, deref(d.InformationURI), deref(d.SemanticVersion))
			}
			if got := ruleIDs(d.Rules); strings.Join(got, ",") != strings.Join(scanRuleIDs(rules.All), ",") {
				t.Errorf("declared rules %v, want every rule of rules.All in order", got)
			}
			if run.ColumnKind != "utf16CodeUnits" {
				t.Errorf("columnKind %v", run.ColumnKind)
			}
			if _, ok := run.OriginalUriBaseIDs[srcRoot]; !ok {
				t.Errorf("originalUriBaseIds has no %s: %v", srcRoot, run.OriginalUriBaseIDs)
			}
			if want := wantAutomation[c.name]; want == "" && run.AutomationDetails != nil {
				t.Errorf("runAutomationDetails %+v without a category", run.AutomationDetails)
			} else if want != "" && (run.AutomationDetails == nil || deref(run.AutomationDetails.ID) != want) {
				t.Errorf("runAutomationDetails %+v, want id %q", run.AutomationDetails, want)
			}
			checkResults(t, c.name, data, run, rep)
			checkNotifications(t, run, rep.Warnings)
		})
	}
}

// checkResults checks every result against the finding it comes from.
func checkResults(t *testing.T, tree string, data []byte, run *gosarif.Run, rep *scan.Report) {
	t.Helper()
	// results must be an array, empty when clean, never absent or null.
	var raw struct {
		Runs []struct {
			Results *[]json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &raw); err != nil || raw.Runs[0].Results == nil {
		t.Fatalf("runs[0].results is missing or null (%v)", err)
	}
	var findings []rules.Finding
	for _, f := range rep.Findings {
		if f.Severity != rules.SeverityNote {
			findings = append(findings, f)
		}
	}
	if len(findings) == 0 && !bytes.Contains(data, []byte(`"results": []`)) {
		t.Error(`a clean run must say "results": []`)
	}
	if len(*raw.Runs[0].Results) != len(findings) || len(run.Results) != len(findings) {
		t.Fatalf("%d results, want %d (the findings that are not notes)", len(run.Results), len(findings))
	}
	for i, res := range run.Results {
		f := findings[i]
		rule := run.Tool.Driver.Rules[*res.RuleIndex]
		if deref(res.RuleID) != f.RuleID || rule.ID != f.RuleID {
			t.Errorf("result %d: ruleId %q, rules[ruleIndex %d] %q, finding %q", i, deref(res.RuleID), *res.RuleIndex, rule.ID, f.RuleID)
		}
		if deref(res.Level) != f.Severity.Level() || deref(res.Message.Text) == "" {
			t.Errorf("result %d: level %q, message %q", i, deref(res.Level), deref(res.Message.Text))
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d has %d locations, want exactly 1", i, len(res.Locations))
		}
		pl := res.Locations[0].PhysicalLocation
		uri := deref(pl.ArtifactLocation.URI)
		if u, err := url.Parse(uri); err != nil || u.IsAbs() || strings.HasPrefix(uri, "/") || strings.Contains(uri, "file:") || uri != f.File {
			t.Errorf("result %d: uri %q, want the relative path %q", i, uri, f.File)
		}
		if deref(pl.ArtifactLocation.URIBaseId) != srcRoot {
			t.Errorf("result %d: uriBaseId %q", i, deref(pl.ArtifactLocation.URIBaseId))
		}
		r := pl.Region
		got := source.Span{Start: source.Pos{Line: deref(r.StartLine), Col: deref(r.StartColumn)}, End: source.Pos{Line: deref(r.EndLine), Col: deref(r.EndColumn)}}
		if got != f.Span {
			t.Errorf("result %d: region %+v, want the statement's span %+v", i, got, f.Span)
		}
		content, err := os.ReadFile(filepath.Join("testdata", tree, filepath.FromSlash(f.File)))
		if err != nil {
			t.Fatal(err)
		}
		wantHash := LineHashes(content)[f.Span.Start.Line-1]
		if got := res.PartialFingerprints["primaryLocationLineHash"]; got != wantHash {
			t.Errorf("result %d: primaryLocationLineHash %v, want %q (LineHashes of line %d)", i, got, wantHash, f.Span.Start.Line)
		}
	}
}

// checkNotifications checks that every warning is a notification of the
// one invocation, placed when the scan knows where.
func checkNotifications(t *testing.T, run *gosarif.Run, warnings []source.Warning) {
	t.Helper()
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil || !*run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations %+v, want one with executionSuccessful true", run.Invocations)
	}
	ns := run.Invocations[0].ToolExecutionNotifications
	if len(ns) != len(warnings) {
		t.Fatalf("%d notifications for %d warnings", len(ns), len(warnings))
	}
	for i, w := range warnings {
		n := ns[i]
		if n.Level != "warning" || !strings.Contains(deref(n.Message.Text), w.Message) {
			t.Errorf("notification %d: level %q, message %q, want warning %q", i, n.Level, deref(n.Message.Text), w.Message)
		}
		if len(n.Locations) != 1 {
			t.Fatalf("notification %d: %d locations, want 1", i, len(n.Locations))
		}
		pl := n.Locations[0].PhysicalLocation
		if deref(pl.ArtifactLocation.URI) != w.File || deref(pl.ArtifactLocation.URIBaseId) != srcRoot {
			t.Errorf("notification %d: artifact %q %q, want %q", i, deref(pl.ArtifactLocation.URI), deref(pl.ArtifactLocation.URIBaseId), w.File)
		}
		if w.Line > 0 && (pl.Region == nil || deref(pl.Region.StartLine) != w.Line || deref(pl.Region.StartColumn) != w.Col) {
			t.Errorf("notification %d: region %+v, want line %d column %d", i, pl.Region, w.Line, w.Col)
		}
	}
}

// TestWarningTreeHasNotification keeps the warning tree honest: it must
// produce a warning with a line, or TestGitHubRules checks nothing there.
func TestWarningTreeHasNotification(t *testing.T) {
	rep := scanTree(t, "warning")
	if len(rep.Warnings) == 0 || rep.Warnings[0].Line == 0 {
		t.Fatalf("testdata/warning gives warnings %v, want one with a line", rep.Warnings)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("testdata/warning gives no findings")
	}
}

// TestEmojiColumn: on a one-line policy, the column of the second
// statement counts the astral emoji before it as two UTF-16 code units,
// as GitHub does, not as four bytes or one rune.
func TestEmojiColumn(t *testing.T) {
	content, err := os.ReadFile(filepath.Join("testdata", "emoji", "oneline.json"))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(string(content), "\n")
	second := strings.Index(line, `},{`) + 2 // the second statement's "{"
	prefix := line[:second]
	if !strings.Contains(prefix, "🎉") || strings.Count(line, "\n") != 0 {
		t.Fatal("testdata/emoji/oneline.json must be one line with 🎉 before the second statement")
	}
	utf16Col := 1 + len(utf16.Encode([]rune(prefix)))
	if byteCol, runeCol := len(prefix)+1, len([]rune(prefix))+1; utf16Col == byteCol || utf16Col == runeCol {
		t.Fatalf("bad fixture: UTF-16 column %d equals the byte (%d) or rune (%d) column", utf16Col, byteCol, runeCol)
	}

	log, err := gosarif.FromBytes(writeLog(t, scanTree(t, "emoji"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, res := range log.Runs[0].Results {
		r := res.Locations[0].PhysicalLocation.Region
		if deref(r.StartLine) == 1 && deref(r.StartColumn) == utf16Col {
			found = true
			statement := line[second : strings.LastIndex(line, "}]")+1]
			if want := utf16Col + len(utf16.Encode([]rune(statement))); deref(r.EndLine) != 1 || deref(r.EndColumn) != want {
				t.Errorf("endColumn %d, want %d (exclusive, UTF-16)", deref(r.EndColumn), want)
			}
		}
	}
	if !found {
		t.Errorf("no result starts at line 1, UTF-16 column %d; results: %s", utf16Col, regions(log))
	}
}

// TestDeterministic: two scans of the same tree give the same bytes.
func TestDeterministic(t *testing.T) {
	for _, c := range goldenCases {
		a := writeLog(t, scanTree(t, c.name), c.opts)
		b := writeLog(t, scanTree(t, c.name), c.opts)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", c.name)
		}
	}
}

func regions(log *gosarif.Report) string {
	var b strings.Builder
	for _, res := range log.Runs[0].Results {
		r := res.Locations[0].PhysicalLocation.Region
		b.WriteString(strings.Join([]string{deref(res.RuleID), strconv.Itoa(deref(r.StartLine)), strconv.Itoa(deref(r.StartColumn))}, ":") + " ")
	}
	return b.String()
}

func ruleIDs(rs []*gosarif.ReportingDescriptor) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func scanRuleIDs(rs []*rules.Rule) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
