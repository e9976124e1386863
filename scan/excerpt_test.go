package scan

import (
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("a", 100) + "X" + strings.Repeat("b", 100)
	tests := []struct {
		name      string
		data      string
		line, col int
		text      string
		caret     int // -1: no excerpt
	}{
		{"first line", "{\n  \"Effect\": 1\n}", 1, 1, "{", 0},
		{"indented", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"}\n  ]\n}\n", 3, 5, `    {"Effect": "Allow"}`, 4},
		{"CRLF", "a\r\n  b\r\nc", 2, 3, "  b", 2},
		{"lone CR", "a\r  b\rc", 2, 3, "  b", 2},
		{"last line without a break", "a\n  b", 2, 3, "  b", 2},
		{"byte-order mark", "\ufeff  {}\n", 1, 3, "  {}", 2},
		{"columns count UTF-16 units", "é😀 {}\n", 1, 5, "é😀 {}", 7},
		{"a column past the line's end", "ab\n", 1, 9, "ab", 2},
		{"a long line is cut around the column", long, 1, 101,
			"…" + strings.Repeat("a", excerptBefore) + "X" + strings.Repeat("b", excerptAfter-1) + "…", len("…") + excerptBefore},
		{"no such line", "a\n", 5, 1, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := []rules.Finding{{File: "f.json", Span: source.Span{Start: source.Pos{Line: tt.line, Col: tt.col}}}, {File: "elsewhere.ts"}}
			addExcerpts([]byte(tt.data), "f.json", fs)
			ex := fs[0].Excerpt
			switch {
			case tt.caret < 0 && ex != nil:
				t.Errorf("excerpt %+v, want none", ex)
			case tt.caret >= 0 && (ex == nil || ex.Text != tt.text || ex.Caret != tt.caret):
				t.Errorf("excerpt %+v, want %q caret %d", ex, tt.text, tt.caret)
			}
			if fs[1].Excerpt != nil {
				t.Error("a finding shown in another file got an excerpt of this one")
			}
		})
	}
}

// TestRunExcerpts: Run keeps the excerpts only when asked for them.
func TestRunExcerpts(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{"p.json": "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\n]}\n"})
	for _, want := range []bool{true, false} {
		rep, err := Run(Options{Paths: []string{dir}, Excerpts: want})
		if err != nil || len(rep.Findings) != 1 {
			t.Fatalf("%v %+v", err, rep)
		}
		ex := rep.Findings[0].Excerpt
		if got := ex != nil; got != want || want && (ex.Text != `  {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}` || ex.Caret != 2) {
			t.Errorf("Excerpts %v: excerpt %+v", want, ex)
		}
	}
}
