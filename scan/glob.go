package scan

import (
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// glob is an include or exclude pattern with the literal text that every
// path it matches contains. Discovery matches every file and directory
// against every pattern, and most pairs are told apart by that text alone,
// without running the matcher.
type glob struct {
	pattern string
	// literals are the runs of pattern between its wildcards and slashes,
	// for a pattern of only literal text, "*", "**" and "/". In such a
	// pattern every other character matches only itself, so each run
	// stands whole in every match. A slash is left out: "**/" can match
	// nothing. A pattern with other syntax ("?", "[...]", "{...}", "\")
	// has no literals, and may match anything; so has one that is not
	// UTF-8 or holds U+FFFD, since the matcher reads every byte that is
	// not UTF-8 as U+FFFD.
	literals []string
}

func compileGlobs(patterns []string) []glob {
	globs := make([]glob, len(patterns))
	for i, p := range patterns {
		globs[i] = glob{pattern: p}
		if strings.ContainsAny(p, `?[]{}\`) || !utf8.ValidString(p) || strings.ContainsRune(p, utf8.RuneError) {
			continue
		}
		for _, run := range strings.FieldsFunc(p, func(r rune) bool { return r == '*' || r == '/' }) {
			globs[i].literals = append(globs[i].literals, run)
		}
	}
	return globs
}

// mayMatch is false when path cannot match g: it lacks a literal of g.
func (g glob) mayMatch(path string) bool {
	for _, lit := range g.literals {
		if !strings.Contains(path, lit) {
			return false
		}
	}
	return true
}

func (g glob) match(path string) bool {
	if !g.mayMatch(path) {
		return false
	}
	ok, _ := doublestar.Match(g.pattern, path)
	return ok
}

func matchAny(globs []glob, rel string) bool {
	for _, g := range globs {
		if g.match(rel) {
			return true
		}
	}
	return false
}
