// Package report writes a scan's findings for people and programs: text
// for terminals, JSON, workflow annotations and the job summary.
package report

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Failing counts the findings at or above failOn.
func Failing(rep *scan.Report, failOn rules.Severity) int {
	n := 0
	for _, f := range rep.Findings {
		if f.Severity >= failOn {
			n++
		}
	}
	return n
}

// Counts is the number of findings at each severity.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Note     int `json:"note"`
}

// Count tallies findings by severity.
func Count(fs []rules.Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case rules.SeverityCritical:
			c.Critical++
		case rules.SeverityHigh:
			c.High++
		case rules.SeverityMedium:
			c.Medium++
		case rules.SeverityLow:
			c.Low++
		default:
			c.Note++
		}
	}
	return c
}
