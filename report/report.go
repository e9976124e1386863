// Package report writes a scan's findings for people and programs: text
// for terminals, JSON, workflow annotations and the job summary.
package report

import (
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Failing counts the findings at or above failOn.
func Failing(rep *scan.Report, failOn scan.Severity) int {
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
func Count(fs []scan.Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case scan.SeverityCritical:
			c.Critical++
		case scan.SeverityHigh:
			c.High++
		case scan.SeverityMedium:
			c.Medium++
		case scan.SeverityLow:
			c.Low++
		default:
			c.Note++
		}
	}
	return c
}
