package terraform

import (
	"fmt"
	"strings"
	"testing"
)

// TestDecodeJSONStrings: a JSON string is its decoded text, split where
// a hole stands inside it, whether it ends in the text it starts in or
// goes on across parts.
func TestDecodeJSONStrings(t *testing.T) {
	h := &hole{name: "var.x"}
	text := func(s string) strPart { return strPart{text: s} }
	tests := []struct {
		name  string
		parts []strPart
		want  string
	}{
		{"plain", []strPart{text(`["ab c", ""]`)}, `["ab c" ""]`},
		{"escapes", []strPart{text(`["a\"b\\c\/d\n\t\u00e9\ud83d\ude00"]`)}, "[\"a\\\"b\\\\c/d\\n\\t\u00e9\U0001F600\"]"},
		{"a hole inside", []strPart{text(`["arn:`), {hole: h}, text(`:x"]`)}, `["arn:" ${var.x} ":x"]`},
		{"a hole first", []strPart{text(`["`), {hole: h}, text(`"]`)}, `[${var.x}]`},
		{"across parts", []strPart{text(`["ab`), text(`cd"]`)}, `["abcd"]`},
		{"bytes that are not UTF-8", []strPart{text("[\"a\xffb\"]")}, "[\"a\\xffb\"]"},
	}
	for _, tt := range tests {
		v, err := decodeJSON(tt.parts)
		if err != nil {
			t.Errorf("%s: %s", tt.name, err.msg)
			continue
		}
		var got []string
		for _, it := range v.items {
			var pieces []string
			for _, p := range it.parts {
				if p.hole != nil {
					pieces = append(pieces, "${"+p.hole.name+"}")
					continue
				}
				pieces = append(pieces, fmt.Sprintf("%q", p.text))
			}
			got = append(got, strings.Join(pieces, " "))
		}
		if g := "[" + strings.Join(got, " ") + "]"; g != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, g, tt.want)
		}
	}
}
