package scan

import (
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

func TestGlobLiterals(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		may           bool
	}{
		{"**/*.json", "a/b/c.json", true},
		{"**/*.json", "a/b/c.yaml", false},
		{"**/node_modules/**", "node_modules/", true},
		{"**/node_modules/**", "src/app.json", false},
		{"**/*.tfstate*", "x/terraform.tfstate.backup", true},
		{"**/*.{json,yaml}", "a.txt", true}, // braces: not looked into
		{"**/?.json", "a.txt", true},
	} {
		g := compileGlobs([]string{c.pattern})[0]
		if got := g.mayMatch(c.path); got != c.may {
			t.Errorf("%q may match %q: %v, want %v", c.pattern, c.path, got, c.may)
		}
	}
}

// FuzzGlobLiterals holds the literals to what they promise: a path that
// lacks one never matches.
func FuzzGlobLiterals(f *testing.F) {
	for _, p := range append(append([]string{"a*b/**/c", "**", "*", "a/**", "**/x**y/*z"}, DefaultInclude...), DefaultExclude...) {
		f.Add(p, "a/node_modules/b.json")
		f.Add(p, ".terraform/")
		f.Add(p, "x.tfstate")
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if !doublestar.ValidatePattern(pattern) {
			return
		}
		g := compileGlobs([]string{pattern})[0]
		if ok, _ := doublestar.Match(pattern, path); ok && !g.mayMatch(path) {
			t.Fatalf("%q matches %q, but its literals %q say it cannot", pattern, path, g.literals)
		}
		if ok, _ := doublestar.Match(pattern, path); ok != g.match(path) {
			t.Fatalf("%q on %q: match %v, doublestar %v", pattern, path, g.match(path), ok)
		}
	})
}
