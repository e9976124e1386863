package exempt

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// DefaultConfigFile is read from the working directory when no config is
// named.
const DefaultConfigFile = ".ssm-guardrails.yml"

// ConfigFileNames are the names a config is found by, in order.
var ConfigFileNames = []string{DefaultConfigFile, ".ssm-guardrails.yaml"}

// Config is a parsed .ssm-guardrails.yml.
type Config struct {
	Path    string
	Entries []Entry
	// Dir is the config file's directory, which the entries' files globs
	// are relative to, and Base the directory the findings' paths are
	// relative to; both absolute. With either unset, the globs match the
	// findings' paths as they are.
	Dir, Base string
}

// Entry is one entry of the config's exemptions list. Every
// selector it gives must match a finding for the entry to exempt it.
type Entry struct {
	Files     []string // the finding's file, or a related location's (a CDK finding's template)
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

// LoadConfig reads the config at path, which must be a file inside root
// once links are resolved; "" means anywhere. The action passes its
// workspace, whose files a pull request controls. With required unset, a
// missing file is no config rather than an error.
func LoadConfig(root, path string, required bool) (*Config, error) {
	data, err := readConfig(root, path)
	if err != nil {
		if !required && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &ConfigError{Path: path, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	return ParseConfig(filepath.ToSlash(path), data)
}

var exemptionKeys = []string{"files", "resources", "cdk-paths", "policies", "rules", "reason", "expires"}

// ParseConfig reads a config strictly: an unknown key, an entry without
// a reason or a selector, a bad date, a bad glob or an unknown rule id is
// an error, since a typo in an exemption must not silently widen or void it.
func ParseConfig(path string, data []byte) (*Config, error) {
	src := source.NewSource(data)
	fail := func(n *syntax.Node, format string, args ...any) error {
		e := &ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)}
		if n != nil {
			e.Line = src.Pos(n.Start).Line
		}
		return e
	}
	docs, _, err := syntax.ParseYAML(src)
	var se *syntax.SyntaxError
	if errors.As(err, &se) {
		return nil, &ConfigError{Path: path, Line: src.Pos(se.Offset).Line, Msg: "not valid YAML: " + se.Msg}
	} else if err != nil {
		return nil, &ConfigError{Path: path, Msg: "not valid YAML: " + err.Error()}
	}
	cfg := &Config{Path: path}
	if len(docs) == 0 || docs[0].Kind == syntax.KindNull {
		return cfg, nil
	}
	root := docs[0]
	if root.Kind != syntax.KindMap {
		return nil, fail(root, "the config must be a map with an \"exemptions\" list")
	}
	for _, f := range root.Fields {
		if f.Key.Text != "exemptions" {
			return nil, fail(f.Key, "unknown key %q: the config has only \"exemptions\"", f.Key.Text)
		}
	}
	list := root.Get("exemptions")
	if list == nil || list.Kind == syntax.KindNull {
		return cfg, nil
	}
	if list.Kind != syntax.KindList {
		return nil, fail(list, "\"exemptions\" must be a list of entries")
	}
	for _, item := range list.Items {
		rule, err := parseExemption(item, src, fail)
		if err != nil {
			return nil, err
		}
		cfg.Entries = append(cfg.Entries, rule)
	}
	return cfg, nil
}

func parseExemption(n *syntax.Node, src *source.Source, fail func(*syntax.Node, string, ...any) error) (Entry, error) {
	entry := Entry{Line: src.Pos(n.Start).Line}
	if n.Kind != syntax.KindMap {
		return entry, fail(n, "an exemption must be a map with selectors and a reason")
	}
	for _, f := range n.Fields {
		if !slices.Contains(exemptionKeys, f.Key.Text) {
			return entry, fail(f.Key, "unknown key %q in exemption: use %s", f.Key.Text, strings.Join(exemptionKeys, ", "))
		}
	}
	var err error
	lists := []struct {
		key  string
		dest *[]string
	}{{"files", &entry.Files}, {"resources", &entry.Resources}, {"cdk-paths", &entry.CDKPaths}, {"policies", &entry.Policies}, {"rules", &entry.Rules}}
	for _, l := range lists {
		if *l.dest, err = stringList(n.Get(l.key), l.key, fail); err != nil {
			return entry, err
		}
		for _, g := range *l.dest {
			if l.key != "rules" && !doublestar.ValidatePattern(g) {
				return entry, fail(n.Get(l.key), "invalid glob %q in %s", g, l.key)
			}
			if l.key == "rules" && rules.ByID(g) == nil {
				return entry, fail(n.Get(l.key), "unknown rule %q: use %s", g, rules.IDs())
			}
		}
	}
	if len(entry.Files)+len(entry.Resources)+len(entry.CDKPaths)+len(entry.Policies) == 0 {
		return entry, fail(n, "exemption has no selector: give files, resources, cdk-paths or policies")
	}
	reason := n.Get("reason")
	if reason == nil || !reason.IsScalar() || strings.TrimSpace(reason.Text) == "" {
		return entry, fail(n, "exemption has no reason: say why this wildcard is accepted")
	}
	entry.Reason = strings.TrimSpace(reason.Text)
	if exp := n.Get("expires"); exp != nil {
		if entry.Expires, err = time.Parse(time.DateOnly, exp.Text); err != nil || !exp.IsScalar() {
			return entry, fail(exp, "expires %q is not a date of the form YYYY-MM-DD", exp.Text)
		}
	}
	return entry, nil
}

func stringList(n *syntax.Node, key string, fail func(*syntax.Node, string, ...any) error) ([]string, error) {
	if n == nil {
		return nil, nil
	}
	var out []string
	for _, item := range n.List() {
		if item.Kind != syntax.KindString {
			return nil, fail(item, "%s must be a string or a list of strings", key)
		}
		out = append(out, item.Text)
	}
	return out, nil
}
