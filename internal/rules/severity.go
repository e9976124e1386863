package rules

import (
	"fmt"
	"strings"
)

// Severity orders findings; a higher value is more severe.
type Severity int

const (
	SeverityNote Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
	// SeverityNone is above every severity: with --fail-on none nothing
	// fails the run.
	SeverityNone
)

var severityNames = [...]string{"note", "low", "medium", "high", "critical", "none"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// Level is how a finding of this severity is shown where there are only
// three levels (SARIF's level, a workflow annotation's type): "error" for
// critical and high, "warning" for medium and low, "note" for notes.
func (s Severity) Level() string {
	switch {
	case s >= SeverityHigh:
		return "error"
	case s >= SeverityLow:
		return "warning"
	default:
		return "note"
	}
}

// ParseFailOn reads a --fail-on level: critical, high, medium, low or none.
func ParseFailOn(name string) (Severity, error) {
	for i, n := range severityNames {
		if Severity(i) != SeverityNote && strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q: use critical, high, medium, low or none", name)
}
