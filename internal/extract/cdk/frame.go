package cdk

import (
	"net/url"
	"strconv"
	"strings"
)

// Frame is one place in a CDK creation stack trace: where the app's code
// called into the CDK. Path is as the trace spells it, normally an
// absolute path on the machine that ran synth.
type Frame struct {
	Path string
	Line int
	Col  int // 0 when the trace gives none (jsii host frames at column 0, ES module top level)
}

// maxTraceFrames bounds how many lines of one trace are read: a user
// frame sits near the top, and the trace comes from an untrusted file.
const maxTraceFrames = 64

// UserFrames returns the frames of a creation stack trace that may be the
// app's own code, innermost first. It drops the lines that stand for
// hidden frames ("...new Role2 in aws-cdk-lib...", "(no user code in 10
// frames, ...)") and frames in node's internals or in node_modules: the
// raw traces of `cdk synth --debug` keep both, and a construct library's
// code is not where the app made the grant.
func UserFrames(trace []string) []Frame {
	var frames []Frame
	for i, line := range trace {
		if i == maxTraceFrames {
			break
		}
		if f, ok := ParseFrame(line); ok && !isLibraryPath(f.Path) {
			frames = append(frames, f)
		}
	}
	return frames
}

// ParseFrame reads one line of a trace: "FUNCTION (PATH:LINE:COL)", a
// bare "PATH:LINE:COL", either with LINE alone, or with V8's "at " in
// front. A file:// URL is turned into its path. Line and column are split
// off the right-hand end, so a Windows drive ("C:\app\x.js:3:7") stays in
// the path.
func ParseFrame(line string) (Frame, bool) {
	s := strings.TrimPrefix(strings.TrimSpace(line), "at ")
	if s == "" || strings.HasPrefix(s, "...") || strings.HasPrefix(s, "(") {
		return Frame{}, false
	}
	if strings.HasSuffix(s, ")") {
		// The place is in the parentheses after the function's name; the
		// first " (" whose rest reads as one wins, since a directory may
		// have " (" in its name ("app (copy)").
		for i := 0; ; {
			j := strings.Index(s[i:], " (")
			if j < 0 {
				break
			}
			i += j + 2
			if f, ok := parseLocation(s[i : len(s)-1]); ok {
				return f, true
			}
		}
		// An ES module's top level comes out of the CDK's parser as
		// "file:///app/bin/app.mjs:10 (:)": the place is before the
		// parenthesis.
		if i := strings.LastIndex(s, " ("); i >= 0 {
			s = s[:i]
		}
	}
	return parseLocation(s)
}

// parseLocation reads PATH:LINE[:COL].
func parseLocation(s string) (Frame, bool) {
	path, last, ok := cutNumber(s)
	if !ok {
		return Frame{}, false
	}
	f := Frame{Line: last}
	switch p, line, ok := cutNumber(path); {
	case ok:
		path, f.Line, f.Col = p, line, last
	case looksNumeric(path):
		return Frame{}, false // "PATH:-1:3", "PATH::3": not a place
	}
	if strings.HasPrefix(path, "file://") {
		p, err := url.PathUnescape(strings.TrimPrefix(path, "file://"))
		if err != nil {
			return Frame{}, false
		}
		path = p
	}
	if path == "" || f.Line < 1 || strings.ContainsRune(path, 0) {
		return Frame{}, false
	}
	f.Path = path
	return f, true
}

// cutNumber splits "REST:N" into REST and N, for N of at most 9 digits.
func cutNumber(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 || len(s)-i-1 > 9 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 0 || strings.ContainsAny(s[i+1:], "+-") {
		return "", 0, false
	}
	return s[:i], n, true
}

// looksNumeric reports whether s ends in ":" and a tail of digits and
// signs that cutNumber refused.
func looksNumeric(s string) bool {
	i := strings.LastIndexByte(s, ':')
	return i >= 0 && strings.Trim(s[i+1:], "0123456789+-") == ""
}

// isLibraryPath reports whether a frame's path is node's own code
// ("node:internal/...", or "internal/..." in node before 16) or lies in
// node_modules.
func isLibraryPath(path string) bool {
	if strings.HasPrefix(path, "node:") || strings.HasPrefix(path, "internal/") {
		return true
	}
	for _, seg := range strings.FieldsFunc(path, isPathSeparator) {
		if seg == "node_modules" {
			return true
		}
	}
	return false
}

// isPathSeparator splits frame paths from any machine: synth may have run
// on Windows.
func isPathSeparator(r rune) bool { return r == '/' || r == '\\' }

// PathComponents splits a frame's path into its names, dropping empty
// ones and ".", so "C:\app\lib\x.js" gives [C: app lib x.js] and
// "/app/lib/x.js" gives [app lib x.js].
func PathComponents(path string) []string {
	var out []string
	for _, seg := range strings.FieldsFunc(path, isPathSeparator) {
		if seg != "." {
			out = append(out, seg)
		}
	}
	return out
}
