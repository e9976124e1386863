package main

import (
	"strings"
	"testing"
	"unicode"
)

// This file reads a step's output as the GitHub Actions runner does
// (actions/runner: ProcessInvoker reads each stream with .NET's
// StreamReader.ReadLine; OutputManager.OnDataReceived hands a line with
// "##[" or "::" to ActionCommandManager.TryProcessCommand, which tries
// ActionCommand.TryParseV2, "::name props::data" after leading white
// space, then the legacy ActionCommand.TryParse, "##[name props]data"
// anywhere in the line; stop-commands turns processing off until its
// token comes back). The tests use it to see which commands would run.

// runnerCommand is a workflow command as the runner parsed it.
type runnerCommand struct {
	Name   string
	Props  map[string]string
	Data   string
	Line   string
	Stderr bool
}

// runnerRegistered are the commands the runner has extensions for
// (ActionCommandManager.cs), plus stop-commands; names match in any case.
var runnerRegistered = []string{"stop-commands", "set-env", "set-output", "save-state", "add-mask", "add-path",
	"add-matcher", "remove-matcher", "debug", "warning", "error", "notice", "group", "endgroup", "echo"}

// runnerLines splits a stream as StreamReader.ReadLine does: at "\n",
// "\r" and "\r\n".
func runnerLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

// dotnetSpace is char.IsWhiteSpace, what String.TrimStart trims.
func dotnetSpace(r rune) bool {
	return unicode.IsSpace(r) // the same set: Zs, Zl, Zp, \t-\r, U+0085, U+00A0
}

func registered(name string, extra []string) bool {
	for _, n := range append(runnerRegistered, extra...) {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// parseRunnerV2 is ActionCommand.TryParseV2.
func parseRunnerV2(line string, extra []string) (runnerCommand, bool) {
	msg := strings.TrimLeftFunc(line, dotnetSpace)
	if !strings.HasPrefix(msg, "::") {
		return runnerCommand{}, false
	}
	end := strings.Index(msg[2:], "::")
	if end < 0 {
		return runnerCommand{}, false
	}
	info := msg[2 : 2+end]
	name, props, hasProps := strings.Cut(info, " ")
	if !registered(name, extra) {
		return runnerCommand{}, false
	}
	cmd := runnerCommand{Name: name, Props: map[string]string{}, Line: line}
	if hasProps && name != "" {
		for _, p := range strings.Split(strings.TrimSpace(props), ",") {
			k, v, ok := strings.Cut(p, "=")
			if p == "" || !ok || k == "" || v == "" {
				continue
			}
			cmd.Props[k] = unescapeRunner(v, "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")
		}
	}
	cmd.Data = unescapeRunner(msg[2+end+2:], "%0D", "\r", "%0A", "\n", "%25", "%")
	return cmd, true
}

// parseRunnerLegacy is ActionCommand.TryParse: "##[" anywhere.
func parseRunnerLegacy(line string, extra []string) (runnerCommand, bool) {
	start := strings.Index(line, "##[")
	if start < 0 {
		return runnerCommand{}, false
	}
	rb := strings.Index(line[start:], "]")
	if rb < 0 {
		return runnerCommand{}, false
	}
	info := line[start+3 : start+rb]
	name, props, hasProps := strings.Cut(info, " ")
	if !registered(name, extra) {
		return runnerCommand{}, false
	}
	legacy := []string{"%3B", ";", "%0D", "\r", "%0A", "\n", "%5D", "]", "%25", "%"}
	cmd := runnerCommand{Name: name, Props: map[string]string{}, Line: line}
	if hasProps && name != "" {
		for _, p := range strings.Split(props, ";") {
			k, v, ok := strings.Cut(p, "=")
			if p == "" || !ok || k == "" || v == "" {
				continue
			}
			cmd.Props[k] = unescapeRunner(v, legacy...)
		}
	}
	cmd.Data = unescapeRunner(line[start+rb+1:], legacy...)
	return cmd, true
}

// unescapeRunner replaces each escape with its character, in the order
// given, as the runner's Unescape loops do.
func unescapeRunner(s string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

// runnerState is ActionCommandManager's: whether commands are stopped,
// and by which token.
type runnerState struct{ token string }

// process is TryProcessCommand: the command the line runs, if any.
func (st *runnerState) process(line string, stderr bool) (runnerCommand, bool) {
	if !strings.Contains(line, "##[") && !strings.Contains(line, "::") {
		return runnerCommand{}, false
	}
	var extra []string
	if st.token != "" {
		extra = []string{st.token}
	}
	cmd, ok := parseRunnerV2(line, extra)
	if !ok {
		cmd, ok = parseRunnerLegacy(line, extra)
	}
	if !ok {
		return runnerCommand{}, false
	}
	cmd.Stderr = stderr
	switch {
	case st.token != "":
		if !strings.EqualFold(cmd.Name, st.token) {
			return runnerCommand{}, false
		}
		st.token = "" // resumed
	case strings.EqualFold(cmd.Name, "stop-commands"):
		if cmd.Data == "" || registered(cmd.Data, nil) || strings.EqualFold(cmd.Data, "pause-logging") {
			return runnerCommand{}, false // the runner refuses the token
		}
		st.token = cmd.Data
	}
	return cmd, true
}

// runnerCommands returns the commands the runner would run for a step
// that wrote stdout and stderr. The runner reads the two streams
// concurrently, and in each batch hands it stderr's lines before stdout's,
// so a stderr line may be processed between any two stdout lines, while
// commands are stopped or not. A stderr line that parses as a command
// (with any stop token stdout used) therefore runs, or changes what runs,
// in some interleaving: such lines are returned as violations. Without
// them stderr changes nothing, and the commands are stdout's, in order.
func runnerCommands(stdout, stderr string) (cmds, violations []runnerCommand) {
	var st runnerState
	var tokens []string
	for _, line := range runnerLines(stdout) {
		if cmd, ok := st.process(line, false); ok {
			cmds = append(cmds, cmd)
			if strings.EqualFold(cmd.Name, "stop-commands") {
				tokens = append(tokens, cmd.Data)
			}
		}
	}
	for _, line := range runnerLines(stderr) {
		if !strings.Contains(line, "##[") && !strings.Contains(line, "::") {
			continue
		}
		cmd, ok := parseRunnerV2(line, tokens)
		if !ok {
			cmd, ok = parseRunnerLegacy(line, tokens)
		}
		if ok {
			cmd.Stderr = true
			violations = append(violations, cmd)
		}
	}
	return cmds, violations
}

// TestRunnerParser holds the parser to cases from the runner's own tests
// (ActionCommandL0.cs, ActionCommandManagerL0.cs) and to what the issue
// saw: a legacy command inside a line on stderr.
func TestRunnerParser(t *testing.T) {
	for _, tt := range []struct {
		line, name, data string
		props            map[string]string
	}{
		{"::warning::msg", "warning", "msg", nil},
		{"  ::error file=a%2Cb.json,line=3::x%0Ay%25", "error", "x\ny%", map[string]string{"file": "a,b.json", "line": "3"}},
		{"\u00a0\t::add-mask::s", "add-mask", "s", nil},
		{"::SET-OUTPUT name=x::1", "SET-OUTPUT", "1", map[string]string{"name": "x"}},
		{`expires "##[set-output name=findings;]0"`, "set-output", `0"`, map[string]string{"name": "findings"}},
		{"text ##[add-path]/tmp%3Bx", "add-path", "/tmp;x", nil},
		{"::not-a-command::##[debug]legacy after a failed v2", "debug", "legacy after a failed v2", nil},
	} {
		var st runnerState
		cmd, ok := st.process(tt.line, false)
		if !ok || cmd.Name != tt.name || cmd.Data != tt.data || len(cmd.Props) != len(tt.props) {
			t.Errorf("%q: %+v, %v; want %s %q %v", tt.line, cmd, ok, tt.name, tt.data, tt.props)
		}
		for k, v := range tt.props {
			if cmd.Props[k] != v {
				t.Errorf("%q: property %s = %q, want %q", tt.line, k, cmd.Props[k], v)
			}
		}
	}
	for _, line := range []string{"plain", "::nope::x", "x ::error::not at the start", "##[nope]x", "::error no end", `\::error::x`, `##\[error]x`} {
		var st runnerState
		if cmd, ok := st.process(line, false); ok {
			t.Errorf("%q parsed as %+v", line, cmd)
		}
	}
	if got := runnerLines("a\r::b\r\nc\n\nd"); strings.Join(got, "|") != "a|::b|c||d" {
		t.Errorf("lines %q", got)
	}

	stdout := "::stop-commands::tok123456\n::error::stopped\n::TOK123456::\n::warning::runs\n"
	stderr := "ssm-guardrails: x ##[set-output name=findings;]0\n::tok123456::\nfine\n"
	cmds, violations := runnerCommands(stdout, stderr)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "stop-commands,TOK123456,warning" {
		t.Errorf("stdout commands %q", names)
	}
	if len(violations) != 2 || violations[0].Name != "set-output" || violations[1].Name != "tok123456" {
		t.Errorf("stderr violations %+v", violations)
	}
}
