package exempt

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// matches reports whether every selector the entry gives matches f;
// relative turns a path as the findings show it into one relative to the
// config's directory.
func (e *Entry) matches(f *rules.Finding, relative func(string) string) bool {
	if len(e.Rules) > 0 && !slices.Contains(e.Rules, f.RuleID) {
		return false
	}
	if len(e.Files) > 0 && !matchesFile(e.Files, f, relative) {
		return false
	}
	for _, sel := range []struct {
		globs []string
		value string
	}{{e.Resources, f.Origin.Resource}, {e.CDKPaths, f.Origin.CDKPath}, {e.Policies, f.Origin.PolicyName}} {
		if len(sel.globs) > 0 && (sel.value == "" || !matchAny(sel.globs, sel.value)) {
			return false
		}
	}
	return true
}

// matchesFile reports whether a files selector names the finding's file
// or the file of one of its related locations: a CDK finding shown at
// its app source line may be exempted by the app file or by the template.
func matchesFile(globs []string, f *rules.Finding, relative func(string) string) bool {
	if matchFiles(globs, relative(f.File)) {
		return true
	}
	for _, r := range f.Related {
		if matchFiles(globs, relative(r.File)) {
			return true
		}
	}
	return false
}

// matchFiles matches a path relative to the config's directory. A file
// outside that directory ("../stacks/ops.yaml") is selected only by a
// glob that leaves it too, so "**" means every file under the config.
func matchFiles(globs []string, file string) bool {
	outside := strings.HasPrefix(file, "../")
	for _, g := range globs {
		if strings.HasPrefix(g, "../") == outside {
			if ok, _ := doublestar.Match(g, file); ok {
				return true
			}
		}
	}
	return false
}

// relative is a finding's path as the files globs see it: relative to
// the config's directory, so that an entry means the same files wherever
// the scan runs from.
func (c *Config) relative(file string) string {
	if c.Dir == "" || c.Base == "" {
		return file
	}
	path := filepath.FromSlash(file)
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.Base, path)
	}
	rel, err := filepath.Rel(c.Dir, path)
	if err != nil {
		return path // another volume: no glob is relative to it
	}
	return filepath.ToSlash(rel)
}

func matchAny(globs []string, s string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, s); ok {
			return true
		}
	}
	return false
}

// Apply splits findings into those that stay open and those the config's
// entries exempt, in the order given. An entry past its expiry date
// exempts nothing and the run says so; an entry that selects nothing is
// reported as unused, since a stale break-glass exemption is worth
// knowing about. A nil config exempts nothing.
func (c *Config) Apply(findings []rules.Finding, now time.Time) (open []rules.Finding, exempted []Exempted, warnings []source.Warning) {
	if c == nil {
		return findings, nil, nil
	}
	today := now.UTC().Truncate(24 * time.Hour)
	expired := func(e *Entry) bool { return !e.Expires.IsZero() && today.After(e.Expires) }
	used := make([]bool, len(c.Entries))
	open = make([]rules.Finding, 0, len(findings))
	for _, f := range findings {
		i := slices.IndexFunc(c.Entries, func(e Entry) bool { return !expired(&e) && e.matches(&f, c.relative) })
		if i < 0 {
			open = append(open, f)
			continue
		}
		e := &c.Entries[i]
		used[i] = true
		ex := Exempted{Finding: f, Exemption: Exemption{Reason: e.Reason, File: c.Path, Line: e.Line}}
		if !e.Expires.IsZero() {
			ex.Exemption.Expires = e.Expires.Format(time.DateOnly)
		}
		exempted = append(exempted, ex)
	}
	for i := range c.Entries {
		e := &c.Entries[i]
		switch {
		case expired(e):
			warnings = append(warnings, source.Warning{File: c.Path, Line: e.Line,
				Message: fmt.Sprintf("exemption expired on %s and no longer applies (%s)", e.Expires.Format(time.DateOnly), e.Reason)})
		case !used[i]:
			warnings = append(warnings, source.Warning{File: c.Path, Line: e.Line,
				Message: fmt.Sprintf("exemption matched no finding; remove it if the role is gone (%s)", e.Reason)})
		}
	}
	return open, exempted, warnings
}
