package sarif

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// semver is Semantic Versioning 2.0.0 (semver.org's pattern), compiled
// when a SARIF log is first written rather than at every start (it was
// the largest package initialisation of our own).
var semver = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
		`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
})

// driver describes the tool and declares every rule, not only those that
// fired: GitHub closes the alerts of a rule that is declared and has no
// result, and leaves alone those of rules it does not see.
func driver(version string, rs []*rules.Rule) *gosarif.ToolComponent {
	d := &gosarif.ToolComponent{
		Name:           toolName,
		InformationURI: ptr(informationURI),
		Rules:          make([]*gosarif.ReportingDescriptor, 0, len(rs)),
	}
	// Release tags are "v1.2.3"; semanticVersion is "1.2.3". A build
	// without a semantic version (a commit hash) still says which it is.
	switch {
	case semver().MatchString(version):
		d.SemanticVersion = ptr(version)
	case strings.HasPrefix(version, "v") && semver().MatchString(version[1:]):
		d.SemanticVersion = ptr(version[1:])
	case version != "":
		d.Version = ptr(version)
	}
	for _, r := range rs {
		d.Rules = append(d.Rules, rule(r))
	}
	return d
}

// rule is the reportingDescriptor of one guardrail.
func rule(r *rules.Rule) *gosarif.ReportingDescriptor {
	tags := slices.Clone(r.Tags)
	if tags == nil {
		tags = []string{} // never null
	}
	return &gosarif.ReportingDescriptor{
		ID:               r.ID,
		Name:             ptr(r.Name),
		ShortDescription: gosarif.NewMultiformatMessageString(r.Short),
		FullDescription:  gosarif.NewMultiformatMessageString(r.Full),
		Help:             gosarif.NewMultiformatMessageString(r.Help()).WithMarkdown(r.HelpMarkdown()),
		HelpURI:          ptr(r.HelpURI()),
		DefaultConfiguration: &gosarif.ReportingConfiguration{
			Level: r.Severity.Level(),
		},
		Properties: gosarif.Properties{
			"tags":      tags,
			"precision": r.Precision,
			// GitHub ranks security alerts by this score (a string: "9.1"
			// is critical, "8.1" high), not by level.
			"security-severity": r.SecuritySeverity,
		},
	}
}

// ruleIndexes maps each rule id to its place in the driver's rules.
func ruleIndexes(rs []*rules.Rule) map[string]uint {
	m := make(map[string]uint, len(rs))
	for i, r := range rs {
		m[r.ID] = uint(i)
	}
	return m
}

func ptr[T any](v T) *T { return &v }
