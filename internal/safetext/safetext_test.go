package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestLog(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"policies/deploy.json", "policies/deploy.json"},
		{"RunAnything", "RunAnything"},
		{"tab\tkept", "tab\tkept"},
		{"x\n::error file=README.md::injected", `x\n::error file=README.md::injected`},
		{"x\r::warning::cr is a line break for the runner", `x\r::warning::cr is a line break for the runner`},
		{"::set-output name=findings::0", `\::set-output name=findings::0`},
		{" \u00a0::add-mask::x", " \u00a0\\::add-mask::x"},
		{`expires "##[set-output name=findings;]0"`, `expires "##\[set-output name=findings;]0"`},
		{"###[x] ##[##[", `###\[x] ##\[##\[`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"##\x1b[", `##\x1b[`},
		{"nul\x00 del\x7f c1\u0085", `nul\x00 del\x7f c1\x85`},
		{"line\u2028sep", `line\u2028sep`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"bad \xff utf-8", `bad \xff utf-8`},
		{"ünïcødé ✓", "ünïcødé ✓"},
	} {
		if got := Log(tt.in); got != tt.want {
			t.Errorf("Log(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Run_All", `Run\_All`},
		{"<b>|x|</b> *now*", `&lt;b&gt;\|x\|&lt;/b&gt; \*now\*`},
		{"[link](https://evil.example)", `\[link\](https:&#8203;//evil.example)`},
		{"see https://evil.example/x", "see https:&#8203;//evil.example/x"},
		{"WWW.evil.example and www.x.y", "WWW&#8203;.evil.example and www&#8203;.x.y"},
		{"cc @octocat and @org/team", "cc @&#8203;octocat and @&#8203;org/team"},
		{"mail root@example.com", "mail root@&#8203;example.com"},
		{"~~gone~~ $x$ `code`", "\\~\\~gone\\~\\~ \\$x\\$ \\`code\\`"},
		{"a & b", "a &amp; b"},
		{"two\nlines\r", `two\\nlines\\r`},
		{"\x1b[31m", `\\x1b\[31m`},
	} {
		if got := Markdown(tt.in); got != tt.want {
			t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzLog: whatever the input, the result is one line the runner cannot
// read as a command, with no escape a terminal acts on.
func FuzzLog(f *testing.F) {
	for _, s := range []string{"::error::x", "a\n::b::c", "##[set-output name=x;]y", "\u2003::x::", "\x1b[2J", "#\n#[", "\xff::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Log(s)
		if strings.ContainsAny(got, "\r\n\x1b\x00\u2028\u2029") || strings.Contains(got, "##[") || !utf8.ValidString(got) {
			t.Fatalf("Log(%q) = %q", s, got)
		}
		if strings.HasPrefix(strings.TrimLeftFunc(got, unicode.IsSpace), "::") {
			t.Fatalf("Log(%q) = %q starts with ::", s, got)
		}
		if needs := strings.IndexFunc(s, needsEscape) >= 0 || strings.Contains(s, "##[") || !utf8.ValidString(s) ||
			strings.HasPrefix(strings.TrimLeftFunc(s, unicode.IsSpace), "::"); !needs && got != s {
			t.Fatalf("Log changed plain text %q to %q", s, got)
		}
	})
}

// FuzzMarkdown: the result has no raw markup character, no line break and
// nothing GitHub links or pings.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"@x", "http://x", "www.x", "<script>", "a|b", "x\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Markdown(s)
		if strings.ContainsAny(got, "<>\r\n") || strings.Contains(got, "://") || strings.Contains(strings.ToLower(got), "www.") {
			t.Fatalf("Markdown(%q) = %q", s, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] == '@' && !strings.HasPrefix(got[i+1:], zeroWidthSpace) {
				t.Fatalf("Markdown(%q) = %q: a bare @", s, got)
			}
		}
	})
}
