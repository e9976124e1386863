package report

import (
	"encoding/json"
	"io"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// jsonReport is the JSON output; its field names are a public interface.
type jsonReport struct {
	Findings     []scan.Finding `json:"findings"`
	Warnings     []scan.Warning `json:"warnings"`
	FilesScanned int            `json:"filesScanned"`
	Counts       Counts         `json:"counts"`
	FailOn       scan.Severity  `json:"failOn"`
	Failing      int            `json:"failing"`
}

// JSON writes every finding with its rule, severity, file, span, message
// and origin, and the warnings.
func JSON(w io.Writer, rep *scan.Report, failOn scan.Severity) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonReport{
		Findings:     rep.Findings,
		Warnings:     rep.Warnings,
		FilesScanned: rep.Files,
		Counts:       Count(rep.Findings),
		FailOn:       failOn,
		Failing:      Failing(rep, failOn),
	})
}
