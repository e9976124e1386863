package hclread

import "testing"

// TestNestingDepth: the bound counts open brackets, conditionals chained
// at a level, and runs of unary operators; white space and separators
// are what they are to the parser.
func TestNestingDepth(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{`a = "x"`, 0},
		{`a = [[1], {b = (2)}]`, 3},
		{`a = f(x,` + "\n" + `y)`, 1},
		{`a = c ? d : e ? f : g`, 2},
		{`a = [c ? d : e, f ? g : h]`, 2},
		{`a = ! ! - x`, 3},
		{`a = !!x ? -y : z`, 2},
		{"a = [\n  [\n    1\n  ]\n]", 2},
		{`# ((((`, 4},
	} {
		if got := nestingDepth([]byte(tt.text)); got != tt.want {
			t.Errorf("nestingDepth(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
