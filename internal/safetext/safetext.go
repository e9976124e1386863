// Package safetext neutralises text that comes from the scanned
// repository (file names, Sids, logical IDs, values, reasons) before it is
// shown. A pull request controls that text. In the workflow log the runner
// acts on a line that starts with "::" (after white space) and on "##["
// anywhere in a line, and it splits lines at CR as well as LF; a terminal
// acts on ANSI escapes. In the job summary Markdown would turn the text
// into links, pings and layout.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Log returns s as it may appear in a line of the workflow log or on a
// terminal: control characters (CR, LF, ESC and the rest, line and
// paragraph separators, bidirectional overrides) and invalid UTF-8 are
// written as Go escapes (\n, \x1b, \u2028), "##[" becomes "##\[", and a
// leading "::" becomes "\::". Text that needs none of this is returned as
// it is.
func Log(s string) string {
	s = escapeControls(s)
	s = strings.ReplaceAll(s, "##[", `##\[`)
	if trimmed := strings.TrimLeftFunc(s, unicode.IsSpace); strings.HasPrefix(trimmed, "::") {
		s = s[:len(s)-len(trimmed)] + `\` + trimmed
	}
	return s
}

// Markdown returns s as literal text for a GitHub-flavoured Markdown
// document, inside a table cell or a list item: control characters are
// escaped as Log escapes them, every character Markdown or HTML could
// read as markup is escaped, and a zero-width space breaks what GitHub
// would turn into a link or a notification (bare URLs, www. names, e-mail
// addresses, @mentions).
func Markdown(s string) string {
	s = markdownEscaper.Replace(escapeControls(s))
	s = breakAutolinks(s)
	return s
}

// zeroWidthSpace is written as an entity, so that the Markdown source
// shows where it is.
const zeroWidthSpace = "&#8203;"

var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "~", `\~`, "$", `\$`,
	"[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "&", "&amp;",
	// An @ followed by a zero-width space is neither a mention nor part of
	// an e-mail address; the same space after "://" and "www" breaks URLs.
	"@", "@"+zeroWidthSpace, "://", ":"+zeroWidthSpace+"//",
)

// breakAutolinks breaks "www." in any case, which GFM links without a
// scheme.
func breakAutolinks(s string) string {
	lower := strings.ToLower(s)
	if !strings.Contains(lower, "www.") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, "www.")
		if i < 0 {
			break
		}
		b.WriteString(s[:i+3] + zeroWidthSpace)
		s, lower = s[i+3:], lower[i+3:]
	}
	b.WriteString(s)
	return b.String()
}

// escapeControls writes every character that a log viewer, a terminal or
// a line-oriented reader could act on as a Go escape.
func escapeControls(s string) string {
	i := strings.IndexFunc(s, needsEscape)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// needsEscape is a control character other than tab (C0, DEL, C1), a line
// or paragraph separator, or a bidirectional control that would make the
// text read differently from how it is stored.
func needsEscape(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	}
	return false
}
