package report

import (
	"encoding/json"
	"io"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// The JSON output is a public interface: these structs are its schema,
// apart from the domain types, so that a change inside the scanner cannot
// change it by accident. Where one converts from a domain type field by
// field (jsonOrigin, jsonExemption, jsonWarning, jsonPos), a field added
// there stops the build here until the schema says what to do with it.

type jsonReport struct {
	Findings     []jsonFinding `json:"findings"`
	Exempted     []jsonFinding `json:"exempted"`
	Warnings     []jsonWarning `json:"warnings"`
	FilesScanned int           `json:"filesScanned"`
	Counts       Counts        `json:"counts"`
	FailOn       string        `json:"failOn"`
	Failing      int           `json:"failing"`
}

type jsonFinding struct {
	Rule      string         `json:"rule"`
	Severity  string         `json:"severity"`
	File      string         `json:"file"`
	Span      jsonSpan       `json:"span"`
	Message   string         `json:"message"`
	Sid       string         `json:"sid,omitempty"`
	Origin    jsonOrigin     `json:"origin"`
	Related   []jsonRelated  `json:"related,omitempty"`
	Exemption *jsonExemption `json:"exemption,omitempty"`
}

// jsonRelated is another place that explains a finding: for a CDK
// finding shown at the app line that created it, the statement in the
// synthesized template.
type jsonRelated struct {
	File    string   `json:"file"`
	Span    jsonSpan `json:"span"`
	Message string   `json:"message"`
}

type jsonSpan struct {
	Start jsonPos `json:"start"`
	End   jsonPos `json:"end"`
}

type jsonPos struct {
	Line int `json:"line"`
	Col  int `json:"column"`
}

type jsonOrigin struct {
	Resource     string `json:"resource,omitempty"`     // CloudFormation logical ID or Terraform address
	ResourceType string `json:"resourceType,omitempty"` // e.g. AWS::IAM::Role
	PolicyName   string `json:"policyName,omitempty"`   // PolicyName or ManagedPolicyName
	CDKPath      string `json:"cdkPath,omitempty"`      // the resource's aws:cdk:path
	Identity     string `json:"identity,omitempty"`     // the role, user or group of an AWS CLI export
	Path         string `json:"path"`                   // the document's place in the file
	Via          string `json:"via,omitempty"`          // where a policy read from another file is read (Terraform file())
}

type jsonExemption struct {
	Reason   string `json:"reason"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	InSource bool   `json:"inSource"`
	Expires  string `json:"expires,omitempty"`
}

type jsonWarning struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// JSON writes every finding with its rule, severity, file, span, message
// and origin, the exempted findings with their exemption, and the
// warnings.
func JSON(w io.Writer, rep *scan.Report, failOn rules.Severity) error {
	out := jsonReport{
		Findings:     make([]jsonFinding, 0, len(rep.Findings)),
		Exempted:     make([]jsonFinding, 0, len(rep.Exempted)),
		Warnings:     make([]jsonWarning, 0, len(rep.Warnings)),
		FilesScanned: rep.Files,
		Counts:       Count(rep.Findings),
		FailOn:       failOn.String(),
		Failing:      Failing(rep, failOn),
	}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, toJSONFinding(f))
	}
	for _, e := range rep.Exempted {
		jf := toJSONFinding(e.Finding)
		jf.Exemption = toJSONExemption(e.Exemption)
		out.Exempted = append(out.Exempted, jf)
	}
	for _, w := range rep.Warnings {
		out.Warnings = append(out.Warnings, jsonWarning(w))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func toJSONFinding(f rules.Finding) jsonFinding {
	return jsonFinding{
		Rule:     f.RuleID,
		Severity: f.Severity.String(),
		File:     f.File,
		Span:     toJSONSpan(f.Span),
		Message:  f.Message,
		Sid:      f.Sid,
		Origin:   jsonOrigin(f.Origin),
		Related:  toJSONRelated(f.Related),
	}
}

func toJSONRelated(rs []rules.Related) []jsonRelated {
	var out []jsonRelated
	for _, r := range rs {
		out = append(out, jsonRelated{File: r.File, Span: toJSONSpan(r.Span), Message: r.Message})
	}
	return out
}

func toJSONSpan(s source.Span) jsonSpan {
	return jsonSpan{Start: jsonPos(s.Start), End: jsonPos(s.End)}
}

func toJSONExemption(e exempt.Exemption) *jsonExemption {
	j := jsonExemption(e)
	return &j
}
