package hcleval

import (
	"fmt"
	"strings"
	"testing"
)

// TestDecodeJSONStrings: a JSON string is its decoded text, split where
// a hole stands inside it, whether it ends in the text it starts in or
// goes on across parts.
func TestDecodeJSONStrings(t *testing.T) {
	h := &Hole{Name: "var.x"}
	text := func(s string) StringPart { return StringPart{Text: s} }
	tests := []struct {
		name  string
		parts []StringPart
		want  string
	}{
		{"plain", []StringPart{text(`["ab c", ""]`)}, `["ab c" ""]`},
		{"escapes", []StringPart{text(`["a\"b\\c\/d\n\t\u00e9\ud83d\ude00"]`)}, "[\"a\\\"b\\\\c/d\\n\\t\u00e9\U0001F600\"]"},
		{"a hole inside", []StringPart{text(`["arn:`), {Hole: h}, text(`:x"]`)}, `["arn:" ${var.x} ":x"]`},
		{"a hole first", []StringPart{text(`["`), {Hole: h}, text(`"]`)}, `[${var.x}]`},
		{"across parts", []StringPart{text(`["ab`), text(`cd"]`)}, `["abcd"]`},
		{"bytes that are not UTF-8", []StringPart{text("[\"a\xffb\"]")}, "[\"a\\xffb\"]"},
	}
	for _, tt := range tests {
		v, err := DecodeJSON(tt.parts)
		if err != nil {
			t.Errorf("%s: %s", tt.name, err.Msg)
			continue
		}
		var got []string
		for _, it := range v.Items {
			var pieces []string
			for _, p := range it.Parts {
				if p.Hole != nil {
					pieces = append(pieces, "${"+p.Hole.Name+"}")
					continue
				}
				pieces = append(pieces, fmt.Sprintf("%q", p.Text))
			}
			got = append(got, strings.Join(pieces, " "))
		}
		if g := "[" + strings.Join(got, " ") + "]"; g != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, g, tt.want)
		}
	}
}
