package sarif

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TestResultLimit: a run keeps GitHub's 25,000 most severe results and
// says how many it left out.
func TestResultLimit(t *testing.T) {
	const critical, high, low, notes = 3, 25_000, 2, 4
	var fs []rules.Finding
	add := func(n int, sev rules.Severity, id string) {
		for i := range n {
			fs = append(fs, testFinding(id, sev, fmt.Sprintf("%s/p%05d.json", sev, i), 1))
		}
	}
	// Most severe first, as scan.Run sorts them.
	add(critical, rules.SeverityCritical, "IAM-SSM-1")
	add(high, rules.SeverityHigh, "IAM-SSM-2")
	add(low, rules.SeverityLow, "IAM-SSM-2")
	add(notes, rules.SeverityNote, "IAM-SSM-1")
	rep := &scan.Report{Rules: rules.All, Findings: fs}

	data := writeLog(t, rep, Options{})
	log, err := gosarif.FromBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 25_000 {
		t.Fatalf("%d results, want 25,000", len(results))
	}
	count := map[string]int{}
	for _, r := range results {
		count[strings.SplitN(deref(r.Locations[0].PhysicalLocation.ArtifactLocation.URI), "/", 2)[0]]++
	}
	if count["critical"] != critical || count["high"] != 25_000-critical || count["low"] != 0 || count["note"] != 0 {
		t.Errorf("kept %v, want every critical and the rest high", count)
	}
	ns := log.Runs[0].Invocations[0].ToolExecutionNotifications
	dropped := critical + high + low - 25_000
	if len(ns) != 1 || ns[0].Level != "warning" || !strings.Contains(deref(ns[0].Message.Text), fmt.Sprintf("leaves out %d more", dropped)) ||
		!strings.Contains(deref(ns[0].Message.Text), "25,000") {
		t.Errorf("notifications %s, want one saying %d results were left out", notificationTexts(ns), dropped)
	}
	if err := testkit.ValidateSARIF(testkit.SARIFSchema(t), data); err != nil {
		t.Errorf("the capped log does not match the schema: %v", err)
	}

	// At the limit nothing is dropped and nothing is said.
	log, err = Build(&scan.Report{Rules: rules.All, Findings: fs[:25_000]}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(log.Runs[0].Results); n != 25_000 || len(log.Runs[0].Invocations[0].ToolExecutionNotifications) != 0 {
		t.Errorf("at the limit: %d results, notifications %s", n, notificationTexts(log.Runs[0].Invocations[0].ToolExecutionNotifications))
	}
}

// TestSelectFindingsOrder: the cut keeps the most severe even when the
// findings come unsorted.
func TestSelectFindingsOrder(t *testing.T) {
	fs := []rules.Finding{
		testFinding("IAM-SSM-2", rules.SeverityLow, "low.json", 1),
		testFinding("IAM-SSM-2", rules.SeverityHigh, "high.json", 1),
		testFinding("IAM-SSM-1", rules.SeverityNote, "note.json", 1),
		testFinding("IAM-SSM-1", rules.SeverityCritical, "critical.json", 1),
	}
	cs := make([]candidate, len(fs))
	for i := range fs {
		cs[i] = candidate{finding: &fs[i]}
	}
	kept, dropped := selectFindings(cs, 2)
	if len(kept) != 2 || kept[0].finding.File != "critical.json" || kept[1].finding.File != "high.json" || dropped != 1 {
		t.Errorf("selectFindings kept %v, dropped %d; want critical.json, high.json and 1", candidateFiles(kept), dropped)
	}
	if cs[0].finding.File != "low.json" {
		t.Error("selectFindings reordered its argument")
	}
}

// TestGzipLimit: a log whose gzipped size is over the limit says so in a
// notification, and one under it says nothing.
func TestGzipLimit(t *testing.T) {
	rep := scanTree(t, "findings")
	for _, c := range []struct {
		name    string
		maxGzip int64
		warns   bool
	}{
		{"GitHub's limit", githubLimits.maxGzipBytes, false},
		{"tiny limit", 1_000, true},
	} {
		lim := githubLimits
		lim.maxGzipBytes = c.maxGzip
		data := writeWith(t, rep, Options{}, lim)
		log, err := gosarif.FromBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		ns := log.Runs[0].Invocations[0].ToolExecutionNotifications
		warned := len(ns) == 1 && ns[0].Level == "warning" && strings.Contains(deref(ns[0].Message.Text), "gzipped")
		if warned != c.warns || !c.warns && len(ns) != 0 {
			t.Errorf("%s: notifications %s, want a size warning: %v", c.name, notificationTexts(ns), c.warns)
		}
		if n, err := countNullTokens(data); err != nil || n != 0 {
			t.Errorf("%s: %d nulls (%v)", c.name, n, err)
		}
	}
	size, err := gzipSize([]byte(strings.Repeat("a", 100_000)))
	if err != nil || size <= 0 || size > 1_000 {
		t.Errorf("gzipSize of 100,000 a's = %d, %v", size, err)
	}
}

// TestGzipNeverDoubles is why a log of at most half the limit is not
// gzipped to be measured: deflate stores what it cannot compress, with a
// few bytes for each block, so not even random bytes grow much.
func TestGzipNeverDoubles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 100, 70_000, 1 << 20} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		size, err := gzipSize(data)
		if err != nil || size > int64(n)+int64(n)/100+64 {
			t.Errorf("gzipSize of %d random bytes = %d, %v", n, size, err)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 25000: "25,000", 10_000_000: "10,000,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestSchemaRejects keeps the schema check honest: it must refuse a log
// that GitHub would refuse.
func TestSchemaRejects(t *testing.T) {
	sch := testkit.SARIFSchema(t)
	good := writeLog(t, &scan.Report{Rules: rules.All, Findings: []rules.Finding{testFinding("IAM-SSM-1", rules.SeverityCritical, "p.json", 1)}}, Options{})
	if err := testkit.ValidateSARIF(sch, good); err != nil {
		t.Fatalf("a good log fails: %v", err)
	}
	for _, c := range []struct{ name, from, to string }{
		{"no version", `"version": "2.1.0",`, ``},
		{"bad level", `"level": "error"`, `"level": "critical"`},
		{"line 0", `"startLine": 1,`, `"startLine": 0,`},
		{"null", `"uriBaseId": "%SRCROOT%"`, `"uriBaseId": null`},
	} {
		bad := strings.Replace(string(good), c.from, c.to, 1)
		if bad == string(good) {
			t.Fatalf("%s: %q not in the log", c.name, c.from)
		}
		if err := testkit.ValidateSARIF(sch, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts it", c.name)
		}
	}
}

func notificationTexts(ns []*gosarif.Notification) string {
	var texts []string
	for _, n := range ns {
		texts = append(texts, n.Level+": "+deref(n.Message.Text))
	}
	return fmt.Sprintf("%q", texts)
}

func candidateFiles(cs []candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.finding.File)
	}
	return out
}
