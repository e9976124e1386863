package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// Exemption says why a finding is accepted and who said so.
type Exemption struct {
	Reason string `json:"reason"`
	// File and Line are where the exemption is written: the config entry
	// or the template's Metadata.
	File string `json:"file"`
	Line int    `json:"line"`
	// InSource tells template Metadata (true) from a config entry.
	InSource bool   `json:"inSource"`
	Expires  string `json:"expires,omitempty"`
}

// Source is where the exemption is written, as PATH:LINE.
func (e *Exemption) Source() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// DefaultConfigFile is read from the working directory when no config is
// named.
const DefaultConfigFile = ".ssm-guardrails.yml"

// Config is a parsed .ssm-guardrails.yml.
type Config struct {
	Path       string
	Exemptions []ExemptionRule
}

// ExemptionRule is one entry of the config's exemptions list. Every
// selector it gives must match a finding for the entry to exempt it.
type ExemptionRule struct {
	Files     []string
	Resources []string
	CDKPaths  []string
	Policies  []string
	Rules     []string // rule ids; empty means every rule
	Reason    string
	Expires   time.Time // zero when the entry does not expire
	Line      int
}

// ConfigError is a config that cannot be used; the run stops on it.
type ConfigError struct {
	Path string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// LoadConfig reads the config at path. With required unset, a missing
// file is no config rather than an error.
func LoadConfig(path string, required bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if !required && os.IsNotExist(err) {
			return nil, nil
		}
		return nil, &ConfigError{Path: path, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	return ParseConfig(filepath.ToSlash(path), data)
}

var exemptionKeys = []string{"files", "resources", "cdk-paths", "policies", "rules", "reason", "expires"}

// ParseConfig reads a config strictly: an unknown key, an entry without
// a reason or a selector, a bad date, a bad glob or an unknown rule id is
// an error, since a typo in an exemption must not silently widen or void it.
func ParseConfig(path string, data []byte) (*Config, error) {
	src := NewSource(data)
	fail := func(n *Node, format string, args ...any) error {
		e := &ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)}
		if n != nil {
			e.Line = src.Pos(n.Start).Line
		}
		return e
	}
	docs, _, err := parseYAML(src)
	if err != nil {
		se, _ := err.(*SyntaxError)
		return nil, &ConfigError{Path: path, Line: src.Pos(se.Offset).Line, Msg: "not valid YAML: " + se.Msg}
	}
	cfg := &Config{Path: path}
	if len(docs) == 0 || docs[0].Kind == KindNull {
		return cfg, nil
	}
	root := docs[0]
	if root.Kind != KindMap {
		return nil, fail(root, "the config must be a map with an \"exemptions\" list")
	}
	for _, f := range root.Fields {
		if f.Key.Text != "exemptions" {
			return nil, fail(f.Key, "unknown key %q: the config has only \"exemptions\"", f.Key.Text)
		}
	}
	list := root.Get("exemptions")
	if list == nil || list.Kind == KindNull {
		return cfg, nil
	}
	if list.Kind != KindList {
		return nil, fail(list, "\"exemptions\" must be a list of entries")
	}
	for _, item := range list.Items {
		rule, err := parseExemption(item, src, fail)
		if err != nil {
			return nil, err
		}
		cfg.Exemptions = append(cfg.Exemptions, rule)
	}
	return cfg, nil
}

func parseExemption(n *Node, src *Source, fail func(*Node, string, ...any) error) (ExemptionRule, error) {
	rule := ExemptionRule{Line: src.Pos(n.Start).Line}
	if n.Kind != KindMap {
		return rule, fail(n, "an exemption must be a map with selectors and a reason")
	}
	for _, f := range n.Fields {
		if !slices.Contains(exemptionKeys, f.Key.Text) {
			return rule, fail(f.Key, "unknown key %q in exemption: use %s", f.Key.Text, strings.Join(exemptionKeys, ", "))
		}
	}
	var err error
	lists := []struct {
		key  string
		dest *[]string
	}{{"files", &rule.Files}, {"resources", &rule.Resources}, {"cdk-paths", &rule.CDKPaths}, {"policies", &rule.Policies}, {"rules", &rule.Rules}}
	for _, l := range lists {
		if *l.dest, err = stringList(n.Get(l.key), l.key, fail); err != nil {
			return rule, err
		}
		for _, g := range *l.dest {
			if l.key != "rules" && !doublestar.ValidatePattern(g) {
				return rule, fail(n.Get(l.key), "invalid glob %q in %s", g, l.key)
			}
			if l.key == "rules" && RuleByID(g) == nil {
				return rule, fail(n.Get(l.key), "unknown rule %q: use %s", g, ruleIDs())
			}
		}
	}
	if len(rule.Files)+len(rule.Resources)+len(rule.CDKPaths)+len(rule.Policies) == 0 {
		return rule, fail(n, "exemption has no selector: give files, resources, cdk-paths or policies")
	}
	reason := n.Get("reason")
	if reason == nil || !reason.IsScalar() || strings.TrimSpace(reason.Text) == "" {
		return rule, fail(n, "exemption has no reason: say why this wildcard is accepted")
	}
	rule.Reason = strings.TrimSpace(reason.Text)
	if exp := n.Get("expires"); exp != nil {
		if rule.Expires, err = time.Parse(time.DateOnly, exp.Text); err != nil || !exp.IsScalar() {
			return rule, fail(exp, "expires %q is not a date of the form YYYY-MM-DD", exp.Text)
		}
	}
	return rule, nil
}

func stringList(n *Node, key string, fail func(*Node, string, ...any) error) ([]string, error) {
	if n == nil {
		return nil, nil
	}
	var out []string
	for _, item := range n.List() {
		if item.Kind != KindString {
			return nil, fail(item, "%s must be a string or a list of strings", key)
		}
		out = append(out, item.Text)
	}
	return out, nil
}

func ruleIDs() string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// matches reports whether every selector the entry gives matches f.
func (r *ExemptionRule) matches(f *Finding) bool {
	if len(r.Rules) > 0 && !slices.Contains(r.Rules, f.RuleID) {
		return false
	}
	for _, sel := range []struct {
		globs []string
		value string
	}{{r.Files, f.File}, {r.Resources, f.Origin.Resource}, {r.CDKPaths, f.Origin.CDKPath}, {r.Policies, f.Origin.PolicyName}} {
		if len(sel.globs) > 0 && (sel.value == "" || !matchAny(sel.globs, sel.value)) {
			return false
		}
	}
	return true
}

// Apply exempts the findings the config's entries select: they move from
// rep.Findings to rep.Exempted with their reason. An entry past its
// expiry date exempts nothing and the run says so; an entry that selects
// nothing is reported as unused, since a stale break-glass exemption is
// worth knowing about.
func (c *Config) Apply(rep *Report, now time.Time) {
	if c == nil {
		return
	}
	today := now.UTC().Truncate(24 * time.Hour)
	used := make([]bool, len(c.Exemptions))
	open := rep.Findings[:0]
	for _, f := range rep.Findings {
		for i := range c.Exemptions {
			r := &c.Exemptions[i]
			if (!r.Expires.IsZero() && today.After(r.Expires)) || !r.matches(&f) {
				continue
			}
			used[i] = true
			f.Exemption = &Exemption{Reason: r.Reason, File: c.Path, Line: r.Line}
			if !r.Expires.IsZero() {
				f.Exemption.Expires = r.Expires.Format(time.DateOnly)
			}
			break
		}
		if f.Exemption != nil {
			rep.Exempted = append(rep.Exempted, f)
		} else {
			open = append(open, f)
		}
	}
	rep.Findings = open
	for i, r := range c.Exemptions {
		switch {
		case !r.Expires.IsZero() && today.After(r.Expires):
			rep.Warnings = append(rep.Warnings, Warning{File: c.Path, Line: r.Line,
				Message: fmt.Sprintf("exemption expired on %s and no longer applies (%s)", r.Expires.Format(time.DateOnly), r.Reason)})
		case !used[i]:
			rep.Warnings = append(rep.Warnings, Warning{File: c.Path, Line: r.Line,
				Message: fmt.Sprintf("exemption matched no finding; remove it if the role is gone (%s)", r.Reason)})
		}
	}
	SortFindings(rep.Exempted)
	SortWarnings(rep.Warnings)
}
