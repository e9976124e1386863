package report

import (
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// ForLog returns a copy of rep whose text from the scanned repository
// (paths, messages, Sids, origins, reasons, warnings) is neutralised for a
// workflow log or a terminal with safetext.Log. The action prints its text
// report from it; the SARIF, which needs the paths as they are, is made
// from rep.
func ForLog(rep *scan.Report) *scan.Report {
	out := *rep
	out.Findings = slices.Clone(rep.Findings)
	for i := range out.Findings {
		out.Findings[i] = findingForLog(out.Findings[i])
	}
	out.Exempted = slices.Clone(rep.Exempted)
	for i := range out.Exempted {
		e := &out.Exempted[i]
		e.Finding = findingForLog(e.Finding)
		e.Exemption.Reason, e.Exemption.File = safetext.Log(e.Exemption.Reason), safetext.Log(e.Exemption.File)
	}
	out.Warnings = slices.Clone(rep.Warnings)
	for i := range out.Warnings {
		out.Warnings[i] = warningForLog(out.Warnings[i])
	}
	out.Config = safetext.Log(rep.Config)
	out.Unselected = slices.Clone(rep.Unselected)
	for i := range out.Unselected {
		out.Unselected[i] = safetext.Log(out.Unselected[i])
	}
	return &out
}

func findingForLog(f rules.Finding) rules.Finding {
	f.File, f.Message, f.Sid = safetext.Log(f.File), safetext.Log(f.Message), safetext.Log(f.Sid)
	o := &f.Origin
	for _, s := range []*string{&o.Resource, &o.ResourceType, &o.PolicyName, &o.CDKPath, &o.Identity, &o.Path, &o.Via} {
		*s = safetext.Log(*s)
	}
	f.Related = slices.Clone(f.Related)
	for i := range f.Related {
		r := &f.Related[i]
		r.File, r.Message = safetext.Log(r.File), safetext.Log(r.Message)
	}
	return f
}

func warningForLog(w source.Warning) source.Warning {
	w.File, w.Message = safetext.Log(w.File), safetext.Log(w.Message)
	return w
}
