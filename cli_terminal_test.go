//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// onTerminal runs the CLI with its standard output on a pseudo-terminal,
// as a user at a terminal runs it, and returns what the terminal shows
// (with the terminal's CRLF line ends read back as LF).
func (p process) onTerminal(t *testing.T, args ...string) (shown, stderr string, code int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	cmd := p.command(t, args...)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = tty, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // the child has its own; reading ends when it exits
	out, err := io.ReadAll(ptmx)
	if err != nil && !errors.Is(err, syscall.EIO) { // Linux reports the closed terminal as EIO
		t.Fatal(err)
	}
	cmd.Wait()
	return strings.ReplaceAll(string(out), "\r\n", "\n"), errb.String(), cmd.ProcessState.ExitCode()
}

// TestTerminalOutput runs the CLI on a terminal and through a pipe: on a
// terminal the text output has colour and source excerpts, unless
// NO_COLOR, TERM=dumb or --color never turn the colour off; piped it has
// neither, unless --color always; other formats are the same everywhere.
func TestTerminalOutput(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{
		"p.json": "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\n  ]\n}\n",
	})
	const (
		line           = `p.json:3:5: critical IAM-SSM-1 Allow grants ssm:SendCommand on all EC2 and managed instances (Action "ssm:SendCommand", Resource "*"): no Condition` + "\n"
		excerpt        = "  |\n3 |     {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\n  |     ^\n"
		summary        = "1 finding (1 critical) in 1 file; 1 at or above high\n"
		colored        = "\x1b[1mp.json:3:5:\x1b[0m \x1b[1;31mcritical\x1b[0m \x1b[1mIAM-SSM-1\x1b[0m Allow grants ssm:SendCommand on all EC2 and managed instances (Action \"ssm:SendCommand\", Resource \"*\"): no Condition\n"
		coloredExcerpt = "\x1b[1;34m  |\x1b[0m\n\x1b[1;34m3 |\x1b[0m     {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\n\x1b[1;34m  |\x1b[0m     \x1b[1;31m^\x1b[0m\n"
		coloredSummary = "\x1b[1;31m" + "1 finding (1 critical) in 1 file; 1 at or above high" + "\x1b[0m\n"
	)
	base := []string{"TERM=xterm-256color", "NO_COLOR="}
	tests := []struct {
		name     string
		terminal bool
		env      []string
		args     []string
		want     string
	}{
		{"terminal", true, nil, nil, colored + coloredExcerpt + coloredSummary},
		{"terminal with NO_COLOR", true, []string{"NO_COLOR=1"}, nil, line + excerpt + summary},
		{"terminal with TERM=dumb", true, []string{"TERM=dumb"}, nil, line + excerpt + summary},
		{"terminal with --color never", true, nil, []string{"--color", "never"}, line + excerpt + summary},
		{"terminal with --color always and NO_COLOR", true, []string{"NO_COLOR=1"}, []string{"--color=always"}, colored + coloredExcerpt + coloredSummary},
		{"terminal, --quiet", true, []string{"NO_COLOR=1"}, []string{"--quiet"}, line + excerpt},
		{"terminal, --output to a file", true, nil, []string{"--output", "out.txt"}, ""},
		{"pipe", false, nil, nil, line + summary},
		{"pipe with --color always", false, nil, []string{"--color", "always"}, colored + coloredSummary},
		{"pipe, --quiet", false, nil, []string{"--quiet"}, line},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := process{dir: dir, env: append(append([]string{}, base...), tt.env...)}
			args := append(append([]string{}, tt.args...), "p.json")
			var out, stderr string
			var code int
			if tt.terminal {
				out, stderr, code = p.onTerminal(t, args...)
			} else {
				out, stderr, code = p.run(t, args...)
			}
			if code != exitFindings || stderr != "" || out != tt.want {
				t.Errorf("exit %d, stderr %q\noutput:\n%q\nwant:\n%q", code, stderr, out, tt.want)
			}
		})
	}
	if written, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(written) != line+summary {
		t.Errorf("--output on a terminal wrote %q (%v), want plain text", written, err)
	}
	for _, format := range []string{"json", "sarif", "github"} {
		p := process{dir: dir, env: base}
		onTerminal, _, _ := p.onTerminal(t, "--format", format, "p.json")
		piped, _, _ := p.run(t, "--format", format, "p.json")
		if onTerminal != strings.ReplaceAll(piped, "\r\n", "\n") {
			t.Errorf("--format %s differs on a terminal:\n%s\npiped:\n%s", format, onTerminal, piped)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	tests := []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"a pseudo-terminal", tty, true},
		{"the null device, a character device too", null, false},
		{"a regular file", file, false},
		{"a pipe", w, false},
		{"not a file", &bytes.Buffer{}, false},
	}
	for _, tt := range tests {
		if got := isTerminal(tt.w); got != tt.want {
			t.Errorf("%s: isTerminal = %v, want %v", tt.name, got, tt.want)
		}
	}
}
