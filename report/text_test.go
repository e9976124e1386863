package report

import (
	"bytes"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// terminalReport has findings out of place order (as the driver sorts
// them, most severe first), one of them with an excerpt that has a tab
// before its column, and text from a file that would drive a terminal.
func terminalReport() *scan.Report {
	send, session := rules.SendCommand, rules.StartSession
	at := func(l, c int) source.Span { return source.Span{Start: source.Pos{Line: l, Col: c}} }
	return &scan.Report{
		Findings: []rules.Finding{
			{Rule: send, RuleID: send.ID, Severity: rules.SeverityCritical, File: "b.json", Span: at(12, 3), Message: "m1",
				Excerpt: &rules.Excerpt{Text: "\t {\"Effect\": \"Allow\"}", Caret: 2}},
			{Rule: send, RuleID: send.ID, Severity: rules.SeverityCritical, File: "evil\x1b[2J.json", Span: at(1, 1), Message: "m2 \u202egnp.exe"},
			{Rule: session, RuleID: session.ID, Severity: rules.SeverityHigh, File: "a.json", Span: at(9, 5), Message: "m3",
				Excerpt: &rules.Excerpt{Text: "    {\x1b]0;title\x07", Caret: 4}},
			{Rule: session, RuleID: session.ID, Severity: rules.SeverityHigh, File: "b.json", Span: at(3, 1), Message: "m4"},
			{Rule: session, RuleID: session.ID, Severity: rules.SeverityHigh, File: "b.json", Span: at(12, 3), Message: "m7",
				Excerpt: &rules.Excerpt{Text: "\t {\"Effect\": \"Allow\"}", Caret: 2}},
		},
		Exempted: []exempt.Exempted{
			{Finding: rules.Finding{RuleID: send.ID, Severity: rules.SeverityCritical, File: "z.json", Span: at(1, 1), Message: "m5"},
				Exemption: exempt.Exemption{Reason: "r", File: "c.yml", Line: 2}},
			{Finding: rules.Finding{RuleID: send.ID, Severity: rules.SeverityCritical, File: "y.json", Span: at(1, 1), Message: "m6"},
				Exemption: exempt.Exemption{Reason: "r", File: "c.yml", Line: 2}},
		},
		Warnings: []source.Warning{{File: "w.json", Line: 1, Col: 2, Message: "cannot parse"}},
		Config:   "c.yml",
		Files:    5,
	}
}

func TestTextStyles(t *testing.T) {
	tests := []struct {
		name string
		opts TextOptions
		want string
	}{
		{"plain: grouped by file, then line; the scanned text as it is", TextOptions{FailOn: rules.SeverityHigh}, "" +
			"a.json:9:5: high IAM-SSM-2 m3\n" +
			"b.json:3:1: high IAM-SSM-2 m4\n" +
			"b.json:12:3: critical IAM-SSM-1 m1\n" +
			"b.json:12:3: high IAM-SSM-2 m7\n" +
			"evil\x1b[2J.json:1:1: critical IAM-SSM-1 m2 \u202egnp.exe\n" +
			"exempted: y.json:1:1: critical IAM-SSM-1 m6; reason: \"r\" (c.yml:2)\n" +
			"exempted: z.json:1:1: critical IAM-SSM-1 m5; reason: \"r\" (c.yml:2)\n" +
			"warning: w.json:1:2: cannot parse\n" +
			"config: c.yml\n" +
			"5 findings (2 critical, 3 high) in 5 files, 2 exempted, 1 warning; 5 at or above high\n"},
		{"quiet", TextOptions{FailOn: rules.SeverityHigh, Quiet: true}, "" +
			"a.json:9:5: high IAM-SSM-2 m3\n" +
			"b.json:3:1: high IAM-SSM-2 m4\n" +
			"b.json:12:3: critical IAM-SSM-1 m1\n" +
			"b.json:12:3: high IAM-SSM-2 m7\n" +
			"evil\x1b[2J.json:1:1: critical IAM-SSM-1 m2 \u202egnp.exe\n"},
		{"terminal: excerpts with a caret, control characters escaped", TextOptions{FailOn: rules.SeverityHigh, Terminal: true, Quiet: true}, "" +
			"a.json:9:5: high IAM-SSM-2 m3\n" +
			"  |\n" +
			"9 |     {\\x1b]0;title\\a\n" +
			"  |     ^\n" +
			"b.json:3:1: high IAM-SSM-2 m4\n" +
			"b.json:12:3: critical IAM-SSM-1 m1\n" +
			"b.json:12:3: high IAM-SSM-2 m7\n" +
			"   |\n" +
			"12 | \t {\"Effect\": \"Allow\"}\n" +
			"   | \t ^\n" +
			"evil\\x1b[2J.json:1:1: critical IAM-SSM-1 m2 \\u202egnp.exe\n"},
		{"colour", TextOptions{FailOn: rules.SeverityCritical, Terminal: true, Color: true}, "" +
			"\x1b[1ma.json:9:5:\x1b[0m \x1b[31mhigh\x1b[0m \x1b[1mIAM-SSM-2\x1b[0m m3\n" +
			"\x1b[1;34m  |\x1b[0m\n" +
			"\x1b[1;34m9 |\x1b[0m     {\\x1b]0;title\\a\n" +
			"\x1b[1;34m  |\x1b[0m     \x1b[31m^\x1b[0m\n" +
			"\x1b[1mb.json:3:1:\x1b[0m \x1b[31mhigh\x1b[0m \x1b[1mIAM-SSM-2\x1b[0m m4\n" +
			"\x1b[1mb.json:12:3:\x1b[0m \x1b[1;31mcritical\x1b[0m \x1b[1mIAM-SSM-1\x1b[0m m1\n" +
			"\x1b[1mb.json:12:3:\x1b[0m \x1b[31mhigh\x1b[0m \x1b[1mIAM-SSM-2\x1b[0m m7\n" +
			"\x1b[1;34m   |\x1b[0m\n" +
			"\x1b[1;34m12 |\x1b[0m \t {\"Effect\": \"Allow\"}\n" +
			"\x1b[1;34m   |\x1b[0m \t \x1b[1;31m^\x1b[0m\n" +
			"\x1b[1mevil\\x1b[2J.json:1:1:\x1b[0m \x1b[1;31mcritical\x1b[0m \x1b[1mIAM-SSM-1\x1b[0m m2 \\u202egnp.exe\n" +
			"\x1b[32mexempted:\x1b[0m \x1b[1my.json:1:1:\x1b[0m \x1b[1;31mcritical\x1b[0m \x1b[1mIAM-SSM-1\x1b[0m m6; reason: \"r\" (c.yml:2)\n" +
			"\x1b[32mexempted:\x1b[0m \x1b[1mz.json:1:1:\x1b[0m \x1b[1;31mcritical\x1b[0m \x1b[1mIAM-SSM-1\x1b[0m m5; reason: \"r\" (c.yml:2)\n" +
			"\x1b[33mwarning:\x1b[0m w.json:1:2: cannot parse\n" +
			"config: c.yml\n" +
			"\x1b[1;31m5 findings (2 critical, 3 high) in 5 files, 2 exempted, 1 warning; 2 at or above critical\x1b[0m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, terminalReport(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", b.String(), tt.want)
			}
		})
	}
	var clean bytes.Buffer
	Text(&clean, &scan.Report{Files: 1}, TextOptions{FailOn: rules.SeverityHigh, Color: true})
	if want := "\x1b[32m0 findings in 1 file; 0 at or above high\x1b[0m\n"; clean.String() != want {
		t.Errorf("a run that passes: %q, want %q", clean.String(), want)
	}
}
