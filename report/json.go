package report

import (
	"encoding/json"
	"io"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// jsonReport is the JSON output; its field names are a public interface.
type jsonReport struct {
	Findings     []scan.Finding `json:"findings"`
	Exempted     []scan.Finding `json:"exempted"`
	Warnings     []scan.Warning `json:"warnings"`
	FilesScanned int            `json:"filesScanned"`
	Counts       Counts         `json:"counts"`
	FailOn       scan.Severity  `json:"failOn"`
	Failing      int            `json:"failing"`
}

// JSON writes every finding with its rule, severity, file, span, message
// and origin, the exempted findings with their exemption, and the
// warnings.
func JSON(w io.Writer, rep *scan.Report, failOn scan.Severity) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonReport{
		Findings:     orEmpty(rep.Findings),
		Exempted:     orEmpty(rep.Exempted),
		Warnings:     orEmpty(rep.Warnings),
		FilesScanned: rep.Files,
		Counts:       Count(rep.Findings),
		FailOn:       failOn,
		Failing:      Failing(rep, failOn),
	})
}

// orEmpty keeps JSON lists lists: a nil slice would be written as null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
