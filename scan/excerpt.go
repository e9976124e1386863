package scan

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// An excerpt keeps this many characters of its line before the column and
// after it: enough to see the statement, and a minified file's one line
// does not flood the terminal.
const excerptBefore, excerptAfter = 40, 80

// addExcerpts gives each finding in fs the line it starts on, from data,
// the file it was found in, while that is in memory: only the lines with
// findings are kept.
func addExcerpts(data []byte, name string, fs []rules.Finding) {
	var src *source.Source
	for i := range fs {
		if fs[i].File != name {
			continue // shown in another file than the one scanned
		}
		if src == nil {
			src = source.NewSource(data)
		}
		fs[i].Excerpt = excerpt(src, fs[i].Span.Start)
	}
}

// excerpt returns the line at p with the byte offset of p's column (which
// counts UTF-16 code units), cut to the characters around it.
func excerpt(src *source.Source, p source.Pos) *rules.Excerpt {
	if p.Line < 1 || p.Line > src.LineCount() {
		return nil
	}
	end := len(src.Data)
	if p.Line < src.LineCount() {
		end = src.Offset(p.Line+1, 1)
	}
	line := bytes.TrimRight(src.Data[src.Offset(p.Line, 1):end], "\r\n")
	caret := 0
	for col := 1; col < p.Col && caret < len(line); {
		r, w := utf8.DecodeRune(line[caret:])
		col += max(utf16.RuneLen(r), 1)
		caret += w
	}
	start, stop := caret, caret
	for n := 0; n < excerptBefore && start > 0; n++ {
		_, w := utf8.DecodeLastRune(line[:start])
		start -= w
	}
	for n := 0; n < excerptAfter && stop < len(line); n++ {
		_, w := utf8.DecodeRune(line[stop:])
		stop += w
	}
	var text []byte
	if start > 0 {
		text = append(text, "…"...)
	}
	ex := &rules.Excerpt{Caret: len(text) + caret - start}
	text = append(text, line[start:stop]...)
	if stop < len(line) {
		text = append(text, "…"...)
	}
	ex.Text = string(text)
	return ex
}
