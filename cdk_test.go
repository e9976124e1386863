package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"github.com/ssm-guardrails/ssm-guardrails/report"
	"github.com/ssm-guardrails/ssm-guardrails/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// cdkPlace is a finding as an output shows it: rule, primary location
// (FILE:LINE:COL) and related template statement (FILE:LINE:COL, or
// FILE:LINE where the output gives no column).
type cdkPlace struct{ rule, primary, related string }

// copyCDKFixture copies testdata/cdk/NAME to a new working directory as
// ops-app, the way a repository holds the app, and changes into it: the
// scan runs in another directory than synth did.
func copyCDKFixture(t *testing.T, name string) {
	t.Helper()
	src := filepath.Join(testkit.RepoRoot(t), "testdata", "cdk", name) // before leaving the repository
	dir := t.TempDir()
	testkit.CopyDir(t, src, filepath.Join(dir, "ops-app"))
	t.Chdir(dir)
}

// wantCDKPlaces is every finding of the fixture app at its app line, with
// the template statement, for every grant kind.
func wantCDKPlaces(grants []testkit.CDKGrant, templateCols bool) []cdkPlace {
	var want []cdkPlace
	for _, g := range grants {
		related := "ops-app/cdk.out/" + g.Template
		if !templateCols {
			related = related[:strings.LastIndexByte(related, ':')]
		}
		want = append(want, cdkPlace{g.Rule, "ops-app/" + g.App, related})
	}
	sortPlaces(want)
	return want
}

func sortPlaces(ps []cdkPlace) {
	slices.SortFunc(ps, func(a, b cdkPlace) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
}

func runCLI(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != exitFindings {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	return stdout.Bytes()
}

// TestCDKFindingsAtAppLines scans the fixture's cdk.out, as the README's
// workflow does, and checks that every output shows each finding at the
// app line that created it, with the template statement as the related
// location.
func TestCDKFindingsAtAppLines(t *testing.T) {
	grants := testkit.CDKGrants(t)
	var schema *jsonschema.Schema // nil when the schema is not at hand
	t.Run("SARIF schema", func(t *testing.T) { schema = testkit.SARIFSchema(t) })
	for _, fixture := range []string{"ops-app", "ops-app-legacy-debug"} {
		t.Run(fixture, func(t *testing.T) {
			copyCDKFixture(t, fixture)
			t.Run("text", func(t *testing.T) { checkCDKText(t, grants) })
			t.Run("json", func(t *testing.T) { checkCDKJSON(t, grants) })
			t.Run("sarif", func(t *testing.T) { checkCDKSARIF(t, grants, schema) })
			t.Run("annotations and job summary", func(t *testing.T) { checkCDKAnnotations(t, grants) })
		})
	}
}

var textFinding = regexp.MustCompile(`^(\S+:\d+:\d+): \w+ (IAM-SSM-\d) .*, template (\S+:\d+)\]$`)

func checkCDKText(t *testing.T, grants []testkit.CDKGrant) {
	var got []cdkPlace
	for _, line := range strings.Split(string(runCLI(t, "ops-app/cdk.out")), "\n") {
		if m := textFinding.FindStringSubmatch(line); m != nil {
			got = append(got, cdkPlace{m[2], m[1], m[3]})
		}
	}
	sortPlaces(got)
	if want := wantCDKPlaces(grants, false); !slices.Equal(got, want) {
		t.Errorf("text findings\n  %v\nwant\n  %v", got, want)
	}
}

func checkCDKJSON(t *testing.T, grants []testkit.CDKGrant) {
	type pos struct{ Line, Column int }
	type span struct{ Start, End pos }
	var out struct {
		Findings []struct {
			Rule, File string
			Span       span
			Origin     struct{ CDKPath string }
			Related    []struct {
				File, Message string
				Span          span
			}
		}
	}
	if err := json.Unmarshal(runCLI(t, "--format", "json", "ops-app/cdk.out"), &out); err != nil {
		t.Fatal(err)
	}
	var got []cdkPlace
	for _, f := range out.Findings {
		if len(f.Related) != 1 || f.Related[0].Message != scan.TemplateStatement || f.Origin.CDKPath == "" || f.Span.End != f.Span.Start {
			t.Errorf("finding %+v", f)
			continue
		}
		r := f.Related[0]
		got = append(got, cdkPlace{f.Rule, fmt.Sprintf("%s:%d:%d", f.File, f.Span.Start.Line, f.Span.Start.Column),
			fmt.Sprintf("%s:%d:%d", r.File, r.Span.Start.Line, r.Span.Start.Column)})
	}
	sortPlaces(got)
	if want := wantCDKPlaces(grants, true); !slices.Equal(got, want) {
		t.Errorf("JSON findings\n  %v\nwant\n  %v", got, want)
	}
}

func checkCDKSARIF(t *testing.T, grants []testkit.CDKGrant, schema *jsonschema.Schema) {
	type region struct{ StartLine, StartColumn, EndLine, EndColumn int }
	type location struct {
		ID               int
		PhysicalLocation struct {
			ArtifactLocation struct{ URI string }
			Region           region
		}
		Message struct{ Text string }
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID              string
				Locations           []location
				RelatedLocations    []location
				PartialFingerprints map[string]string
			}
		}
	}
	data := runCLI(t, "--format", "sarif", "ops-app/cdk.out")
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	hashes := map[string][]string{}
	var got []cdkPlace
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) != 1 || len(r.RelatedLocations) != 1 {
			t.Errorf("result %+v", r)
			continue
		}
		p, rel := r.Locations[0].PhysicalLocation, r.RelatedLocations[0]
		if rel.ID != 1 || rel.Message.Text != scan.TemplateStatement+"." || p.Region.EndLine != 0 {
			t.Errorf("result %+v", r)
		}
		got = append(got, cdkPlace{r.RuleID, fmt.Sprintf("%s:%d:%d", p.ArtifactLocation.URI, p.Region.StartLine, p.Region.StartColumn),
			fmt.Sprintf("%s:%d:%d", rel.PhysicalLocation.ArtifactLocation.URI, rel.PhysicalLocation.Region.StartLine, rel.PhysicalLocation.Region.StartColumn)})
		// The fingerprint is upload-sarif's for the app line that code
		// scanning shows.
		file := p.ArtifactLocation.URI
		if hashes[file] == nil {
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			hashes[file] = sarif.LineHashes(content)
		}
		if want := hashes[file][p.Region.StartLine-1]; r.PartialFingerprints["primaryLocationLineHash"] != want {
			t.Errorf("%s:%d: fingerprint %q, want the app line's %q", file, p.Region.StartLine, r.PartialFingerprints["primaryLocationLineHash"], want)
		}
	}
	sortPlaces(got)
	if want := wantCDKPlaces(grants, true); !slices.Equal(got, want) {
		t.Errorf("SARIF results\n  %v\nwant\n  %v", got, want)
	}
	if schema == nil {
		t.Log("SARIF schema not at hand: the log is not validated")
	} else if err := testkit.ValidateSARIF(schema, data); err != nil {
		t.Errorf("the log is not valid SARIF: %v", err)
	}
}

func checkCDKAnnotations(t *testing.T, grants []testkit.CDKGrant) {
	rep, err := scan.Run(scan.Options{Paths: []string{"ops-app/cdk.out"}})
	if err != nil {
		t.Fatal(err)
	}
	var annotations, summary bytes.Buffer
	if err := report.Annotations(&annotations, rep, report.GitHubLimits); err != nil {
		t.Fatal(err)
	}
	if err := report.Summary(&summary, rep, report.SummaryOptions{FailOn: rules.SeverityHigh, BlobURL: "https://github.com/o/r/blob/abc"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range wantCDKPlaces(grants, false) {
		var file string
		var line, col int
		fmt.Sscanf(strings.ReplaceAll(p.primary, ":", " "), "%s %d %d", &file, &line, &col)
		annotation := fmt.Sprintf("col=%d,endColumn=%d,endLine=%d,file=%s,line=%d,title=%s ", col, col, line, file, line, p.rule)
		if !strings.Contains(annotations.String(), annotation) || !strings.Contains(annotations.String(), "template "+p.related+"]") {
			t.Errorf("no annotation %q with template %s in\n%s", annotation, p.related, annotations.String())
		}
		link := fmt.Sprintf("](https://github.com/o/r/blob/abc/%s#L%d) |", file, line)
		if !strings.Contains(summary.String(), link) {
			t.Errorf("the job summary has no link %q:\n%s", link, summary.String())
		}
	}
}

// TestCDKWithoutTracesUnchanged: a cdk.out synthesized without traces
// (aws-cdk-lib 2.250.0) gives the outputs it gave before the link step
// (the golden files were written by the scanner before it).
func TestCDKWithoutTracesUnchanged(t *testing.T) {
	goldens := filepath.Join(testkit.RepoRoot(t), "testdata", "golden")
	copyCDKFixture(t, "ops-app-notrace")
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"cdk-notrace.txt", []string{"ops-app"}},
		{"cdk-notrace.json", []string{"--format", "json", "ops-app"}},
		{"cdk-notrace.sarif", []string{"--format", "sarif", "ops-app"}},
		{"cdk-notrace.github", []string{"--format", "github", "ops-app"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			testkit.Golden(t, filepath.Join(goldens, tt.golden), runCLI(t, tt.args...))
		})
	}
}
