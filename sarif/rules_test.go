package sarif

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// TestRuleDescriptors checks what GitHub shows and filters on for every
// declared rule.
func TestRuleDescriptors(t *testing.T) {
	log, err := Build(&scan.Report{Rules: rules.All}, Options{Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	declared := log.Runs[0].Tool.Driver.Rules
	if len(declared) != len(rules.All) {
		t.Fatalf("%d rules declared, want %d", len(declared), len(rules.All))
	}
	for i, r := range declared {
		src := rules.All[i]
		t.Run(r.ID, func(t *testing.T) {
			if r.ID != src.ID || deref(r.Name) != src.Name || src.Name == "" {
				t.Errorf("id %q name %q, want %q %q", r.ID, deref(r.Name), src.ID, src.Name)
			}
			for what, m := range map[string]*gosarif.MultiformatMessageString{"shortDescription": r.ShortDescription, "fullDescription": r.FullDescription} {
				// GitHub refuses descriptions over 1,024 characters.
				if m == nil || deref(m.Text) == "" || utf8.RuneCountInString(deref(m.Text)) > 1024 {
					t.Errorf("%s %v: want 1 to 1,024 characters", what, m)
				}
			}
			if r.Help == nil || deref(r.Help.Text) != src.Help() || deref(r.Help.Markdown) != src.HelpMarkdown() {
				t.Error("help.text and help.markdown must be the rule's Help and HelpMarkdown")
			}
			md := deref(r.Help.Markdown)
			for _, want := range []string{"```json", "```yaml", "reason"} {
				if !strings.Contains(md, want) {
					t.Errorf("help.markdown has no %q", want)
				}
			}
			if !strings.HasPrefix(deref(r.HelpURI), "https://github.com/ssm-guardrails/ssm-guardrails#") {
				t.Errorf("helpUri %q", deref(r.HelpURI))
			}
			if r.DefaultConfiguration == nil || r.DefaultConfiguration.Level != src.Severity.Level() {
				t.Errorf("defaultConfiguration %+v, want level %q", r.DefaultConfiguration, src.Severity.Level())
			}
			if src.Severity >= rules.SeverityHigh && r.DefaultConfiguration.Level != "error" {
				t.Errorf("a %s rule has level %q, want error", src.Severity, r.DefaultConfiguration.Level)
			}
			tags, _ := r.Properties["tags"].([]string)
			if !slices.Contains(tags, "security") || !slices.Contains(tags, "aws") || !slices.Contains(tags, "iam") || !slices.Contains(tags, "ssm") {
				t.Errorf("tags %v, want security, aws, iam, ssm", tags)
			}
			switch p := r.Properties["precision"]; p {
			case "very-high", "high", "medium", "low":
			default:
				t.Errorf("precision %v", p)
			}
			// A numeric string in (0, 10]; over 9.0 is critical, 7.0-8.9 high.
			sev, _ := r.Properties["security-severity"].(string)
			score, err := strconv.ParseFloat(sev, 64)
			if err != nil || score <= 0 || score > 10 {
				t.Errorf("security-severity %q, want a number in (0, 10]", sev)
			}
			if src.Severity == rules.SeverityCritical && score <= 9 || src.Severity == rules.SeverityHigh && (score < 7 || score >= 9) {
				t.Errorf("security-severity %q does not rank as %s on GitHub", sev, src.Severity)
			}
		})
	}
}

func TestDriverVersion(t *testing.T) {
	for _, c := range []struct {
		version, semantic, plain string
	}{
		{"1.2.3", "1.2.3", ""},
		{"v1.2.3", "1.2.3", ""},
		{"0.0.0-dev", "0.0.0-dev", ""},
		{"1.0.0-rc.1+build.5", "1.0.0-rc.1+build.5", ""},
		{"a1b2c3d", "", "a1b2c3d"},
		{"v1.2", "", "v1.2"},
		{"", "", ""},
	} {
		d := driver(c.version, rules.All)
		if deref(d.SemanticVersion) != c.semantic || deref(d.Version) != c.plain {
			t.Errorf("driver(%q): semanticVersion %q version %q, want %q %q",
				c.version, deref(d.SemanticVersion), deref(d.Version), c.semantic, c.plain)
		}
	}
}
