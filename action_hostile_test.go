package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// marker is in every command the hostile text tries to inject.
const marker = "INJECTED"

// hostile is text a pull request puts wherever the scan reads text: each
// line break, separator or escape the runner or a terminal acts on, before
// a workflow command in each syntax, and Markdown that would link or ping.
const hostile = "x\n::set-output name=findings::0 " + marker +
	"\r::warning file=" + marker + "::cr" +
	" ##[set-output name=findings;]" + marker +
	" \x1b[2K\x1b[31mred" +
	"\u2028::add-mask::" + marker +
	"\u0085::stop-commands::" + marker +
	"\n \u00a0::endgroup::" + marker +
	"\n##[add-path]/" + marker +
	" @octocat https://evil.example www.evil.example <img src=x onerror=alert(1)> [x](https://evil.example) |"

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostileFiles put hostile text in a file name, Sids, a logical ID, a
// policy name, a value quoted in a message (a condition operator), a key
// warned about (a duplicate), a template suppression's reason, a config
// entry's reason (exempting, added by the pull request) and an expired
// entry's reason.
func hostileFiles() map[string]string {
	h := jsonString(hostile)
	policy := `{"Statement": [{"Sid": ` + h + `, "Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`
	return map[string]string{
		"policies/::error title=" + marker + "::f\n##[set-output name=findings;]" + marker + ".json": policy,
		"policies/operator.json": `{"Statement": [{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*", ` +
			`"Condition": {` + jsonString("StringEqual"+hostile) + `: {"ssm:resourceTag/team": "a"}}}]}`,
		"policies/duplicate.json": `{"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*", ` + h + `: 1, ` + h + `: 2}]}`,
		"policies/exempt.json":    policy,
		"stack.template.json": `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {` +
			h + `: {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": ` + h + `, "PolicyDocument": ` + policy + `}]}}, ` +
			`"Quiet": {"Type": "AWS::IAM::Role", "Metadata": {"ssm-guardrails": {"suppress": [{"rule": "IAM-SSM-2", "reason": ` + h + `}]}}, ` +
			`"Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]}}]}}}}`,
		".ssm-guardrails.yml": "exemptions:\n  - files: [policies/exempt.json]\n    reason: " + h + "\n" +
			"  - files: [nothing/*.json]\n    reason: " + h + "\n    expires: 2020-01-01\n",
	}
}

// checkOnlyOwnCommands: of all that stdout and stderr hold (the harness
// already failed the test for any command on stderr), the runner would
// run only the action's own commands: the mask, the report's group and
// its stop-commands pair, and annotations, each on a real file, with no
// injected name or property; as many error annotations for findings as
// the findings output counts, and as many file warnings as the log lists.
func checkOnlyOwnCommands(t *testing.T, res actionResult) {
	t.Helper()
	counts := map[string]int{}
	token := ""
	for _, c := range res.commands {
		name := strings.ToLower(c.Name)
		counts[name]++
		if strings.Contains(c.Name, marker) {
			t.Errorf("injected command %s ran: %q", c.Name, c.Line)
		}
		for k, v := range c.Props {
			if k != "file" && strings.Contains(v, marker) {
				t.Errorf("injected property %s=%q: %q", k, v, c.Line)
			}
		}
		switch name {
		case "add-mask":
			if c.Data != testToken {
				t.Errorf("mask %q", c.Data)
			}
		case "group":
			if c.Data != "ssm-guardrails report" {
				t.Errorf("group %q", c.Data)
			}
		case "stop-commands":
			if !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(c.Data) {
				t.Errorf("stop token %q", c.Data)
			}
			token = strings.ToLower(c.Data)
		case "endgroup":
		case "error", "warning", "notice":
			if f, ok := c.Props["file"]; ok {
				if _, err := os.Lstat(filepath.Join(res.workspace, f)); err != nil {
					t.Errorf("annotation on %q, which is no file of the workspace", f)
				}
			}
		default:
			if name != token {
				t.Errorf("command %s ran: %q", c.Name, c.Line)
			}
		}
	}
	if counts["add-mask"] != 1 {
		t.Errorf("%d masks, want 1", counts["add-mask"])
	}
	// The report's group and its stop-commands pair: once, or not at all
	// when the run stopped before the report.
	if n := counts["group"]; n > 1 || counts["stop-commands"] != n || counts["endgroup"] != n || token != "" && counts[token] != n {
		t.Errorf("group, stop-commands, resume, endgroup: %v", counts)
	}
	var findingErrors, fileWarnings int
	for _, c := range res.commands {
		switch {
		case c.Name == "error" && strings.HasPrefix(c.Props["title"], "IAM-SSM-"):
			findingErrors++
		case c.Name == "warning" && c.Props["title"] == "ssm-guardrails warning" && !strings.Contains(c.Data, "exemption added by this pull request"):
			fileWarnings++
		}
	}
	if res.outputs["findings"] != "" && strconv.Itoa(findingErrors) != res.outputs["findings"] {
		t.Errorf("%d error annotations for findings, but the findings output is %q", findingErrors, res.outputs["findings"])
	}
	if logged := strings.Count(res.stdout, "\nwarning: "); res.outputs["findings"] != "" && fileWarnings != logged {
		t.Errorf("%d warning annotations, %d warnings in the log", fileWarnings, logged)
	}
}

// TestActionHostileText runs the action over a pull request whose text,
// and an API whose answers, try to inject workflow commands, outputs,
// links and mentions through every place they reach stdout, stderr, the
// summary and the outputs; only the action's own commands would run.
func TestActionHostileText(t *testing.T) {
	h := jsonString(hostile)
	t.Run("findings, exemptions, warnings, API errors", func(t *testing.T) {
		api := new(testkit.FakeGitHub).
			On("POST", uploadPath,
				testkit.Reply{Status: 502, Body: hostile, Headers: map[string]string{"Retry-After": "0"}},
				testkit.Reply{Status: 202, Body: `{"id":` + jsonString("6c8b"+hostile) + `}`}).
			On("GET", uploadPath+"/", testkit.Reply{Status: 200, Body: `{"processing_status":"failed","errors":[` + h + `]}`}).
			On("GET", "/repos/"+testRepo+"/contents/", testkit.Reply{Status: 404, Body: `{"message":` + h + `}`})
		res := runCase(t, actionCase{files: hostileFiles()}, api)
		if res.code != exitError {
			t.Fatalf("exit %d, want 2 (processing failed)\n%s", res.code, res.stdout)
		}
		checkOnlyOwnCommands(t, res)
		// The hostile text went through each place, shown neutralised.
		for _, want := range []string{
			`[sid x\n::set-output name=findings::0 ` + marker + `\r::warning file=` + marker + `::cr ##\[set-output`, // Sid in the text report
			`policies/::error title=` + marker + `::f\n##\[set-output name=findings;]` + marker + `.json:1:`,         // a file name
			`StringEqualx\n::set-output`,         // a value quoted in a warning
			`reason: "x\\n::set-output`,          // a suppression's reason (Go-quoted again by the text report)
			`\x1b[2K\x1b[31mred\u2028::add-mask`, // escapes and separators
			`502 Bad Gateway: x\n::set-output`,   // the API's error text in the retry line
		} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("the log lacks %q", want)
			}
		}
		// Three findings: policies/operator.json, with its unknown operator,
		// is a warning that grants nothing.
		if res.outputs["findings"] != "3" || res.outputs["sarif-id"] != "6c8b"+hostile {
			t.Errorf("outputs %q", res.outputs)
		}
		for _, bad := range []string{"<img", "](https://evil", "@octocat", "https://evil", "www.evil", "\n::", "\x1b"} {
			if strings.Contains(res.summary, bad) {
				t.Errorf("the summary holds %q", bad)
			}
		}
		if !strings.Contains(res.summary, "exemption") || !strings.Contains(res.summary, "@&#8203;octocat") {
			t.Errorf("summary:\n%s", res.summary)
		}
	})
	t.Run("a config error", func(t *testing.T) {
		files := map[string]string{"policies/a.json": criticalPolicy,
			".ssm-guardrails.yml": "exemptions:\n  - files: [a]\n    reason: r\n    expires: " + h + "\n"}
		res := runCase(t, actionCase{files: files}, new(testkit.FakeGitHub))
		if res.code != exitError {
			t.Fatalf("exit %d", res.code)
		}
		checkOnlyOwnCommands(t, res)
		if msg := errorAnnotation(res, "ssm-guardrails could not scan"); !strings.Contains(msg, `.ssm-guardrails.yml:4: expires "x\n::set-output`) {
			t.Errorf("config error %q", msg)
		}
	})
}
