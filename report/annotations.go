package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// AnnotationLimits is how many annotations GitHub displays. It drops the
// rest without a word, so Annotations stops at the limits and says so.
type AnnotationLimits struct {
	Error, Warning, Notice int // per type, per step
	Total                  int // per job, all steps and types together
}

// GitHubLimits are GitHub's: 10 of each type per step, 50 per job.
var GitHubLimits = AnnotationLimits{Error: 10, Warning: 10, Notice: 10, Total: 50}

// Annotations writes a workflow command per finding, placed on the
// statement, with the repository's text in its message neutralised
// (safetext.Log): ::error for critical and high, ::warning for medium and low,
// ::notice for notes (statements that grant nothing on instances, worth
// knowing but not an exposure). Each of the report's warnings (a file
// that could not be read, an exemption that expired) gets a ::warning.
// Exempted findings get none. Errors come first, then warnings, then
// notices, each most severe first; past the limits, one ::notice counts
// what was left out and points to the job summary. That notice's slot is
// always kept free, so it is never itself the one GitHub drops.
func Annotations(w io.Writer, rep *scan.Report, limits AnnotationLimits) error {
	var errs, warns, notes []*githubactions.Command
	for _, f := range rep.Findings {
		cmd := findingCommand(f)
		switch cmd.Name {
		case "error":
			errs = append(errs, cmd)
		case "warning":
			warns = append(warns, cmd)
		default:
			notes = append(notes, cmd)
		}
	}
	// Findings outrank the report's warnings for the warning slots.
	findingWarnings := len(warns)
	for _, wn := range rep.Warnings {
		warns = append(warns, warningCommand(wn))
	}

	b := bufio.NewWriter(w)
	total := limits.Total - 1
	var skippedFindings, skippedWarnings int
	emit := func(cmds []*githubactions.Command, limit, findings int) {
		for i, cmd := range cmds {
			if i < limit && total > 0 {
				fmt.Fprintln(b, cmd.String())
				total--
			} else if i < findings {
				skippedFindings++
			} else {
				skippedWarnings++
			}
		}
	}
	emit(errs, limits.Error, len(errs))
	emit(warns, limits.Warning, findingWarnings)
	emit(notes, limits.Notice-1, len(notes))
	if skippedFindings+skippedWarnings > 0 {
		fmt.Fprintln(b, overflowCommand(skippedFindings, skippedWarnings).String())
	}
	return b.Flush()
}

func findingCommand(f rules.Finding) *githubactions.Command {
	name := "notice"
	switch {
	case f.Severity >= rules.SeverityHigh:
		name = "error"
	case f.Severity >= rules.SeverityLow:
		name = "warning"
	}
	msg := f.Message
	if o := describePlace(f); o != "" {
		msg += " [" + o + "]"
	}
	// The file stays as it is, or the annotation would not find it; the
	// command's own escaping keeps it in its property.
	props := spanProperties(f.File, f.Span)
	props["title"] = safetext.Log(ruleTitle(f))
	return &githubactions.Command{Name: name, Message: safetext.Log(msg), Properties: props}
}

// ruleTitle is the rule's id and name, "IAM-SSM-1 UnscopedSendCommand".
func ruleTitle(f rules.Finding) string {
	if f.Rule == nil {
		return f.RuleID
	}
	return f.RuleID + " " + f.Rule.Name
}

// spanProperties places an annotation. The runner rejects, and so drops,
// an annotation with col or endColumn whose line and endLine differ, so a
// statement over several lines gets lines only. GitHub's endColumn is the
// last column of the region; Span's End.Col is one past it.
func spanProperties(file string, sp source.Span) githubactions.CommandProperties {
	props := githubactions.CommandProperties{"file": file}
	if sp.Start.Line < 1 {
		return props
	}
	props["line"] = strconv.Itoa(sp.Start.Line)
	props["endLine"] = strconv.Itoa(max(sp.End.Line, sp.Start.Line))
	if sp.End.Line == sp.Start.Line && sp.Start.Col >= 1 {
		props["col"] = strconv.Itoa(sp.Start.Col)
		props["endColumn"] = strconv.Itoa(max(sp.End.Col-1, sp.Start.Col))
	}
	return props
}

func warningCommand(wn source.Warning) *githubactions.Command {
	props := githubactions.CommandProperties{"file": wn.File, "title": "ssm-guardrails warning"}
	if wn.Line >= 1 {
		props["line"] = strconv.Itoa(wn.Line)
		if wn.Col >= 1 {
			props["col"] = strconv.Itoa(wn.Col)
		}
	}
	return &githubactions.Command{Name: "warning", Message: safetext.Log(wn.Message), Properties: props}
}

func overflowCommand(findings, warnings int) *githubactions.Command {
	var parts []string
	if findings > 0 {
		parts = append(parts, plural(findings, "more finding"))
	}
	if warnings > 0 {
		parts = append(parts, plural(warnings, "more warning"))
	}
	return &githubactions.Command{
		Name:       "notice",
		Properties: githubactions.CommandProperties{"title": "ssm-guardrails: more results than annotations"},
		Message: fmt.Sprintf("%s not annotated: GitHub shows at most 10 errors, 10 warnings and 10 notices per step "+
			"and 50 annotations per job. The job summary and the SARIF file list every finding.",
			strings.Join(parts, " and ")),
	}
}
