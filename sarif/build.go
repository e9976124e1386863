// Package sarif writes a scan's findings as a SARIF 2.1.0 log that GitHub
// code scanning accepts, places on the statement that causes each finding,
// and tracks across commits (partialFingerprints).
package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Options says how to describe the run.
type Options struct {
	Version string // the tool's version, e.g. "1.4.0" (semanticVersion when it is one)
	// Category makes runAutomationDetails.id Category + "/". Empty writes
	// no runAutomationDetails, so that upload-sarif's own category input
	// applies to the log.
	Category string
	// Suppressed adds the exempted findings as results with suppressions.
	// Off by default: GitHub code scanning ignores suppressions and would
	// open alerts for them.
	Suppressed bool
}

const (
	toolName       = "ssm-guardrails"
	informationURI = "https://github.com/ssm-guardrails/ssm-guardrails"
	// schemaURI is the final SARIF 2.1.0 schema (OASIS, with errata 01).
	// go-sarif's Version210 points at a branch of the spec repository
	// instead, which Microsoft's validator does not accept as final.
	schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// srcRoot is the uriBaseId of every artifact: the directory the scan
	// ran in, which is the repository root in the GitHub Action.
	srcRoot = "%SRCROOT%"
)

// Build turns a scan report into a SARIF log with one run.
func Build(rep *scan.Report, opts Options) (*gosarif.Report, error) {
	out, _, err := build(rep, opts, githubLimits)
	return out, err
}

// Write writes the SARIF log of rep as indented JSON ending in a newline;
// the same report and options always give the same bytes.
func Write(w io.Writer, rep *scan.Report, opts Options) error {
	_, data, err := build(rep, opts, githubLimits)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// build makes the log and its encoding; the encoding is needed anyway to
// check the upload size limit.
func build(rep *scan.Report, opts Options, lim limits) (*gosarif.Report, []byte, error) {
	if rep == nil {
		return nil, nil, errors.New("sarif: no report")
	}
	index := ruleIndexes(rep.Rules)
	run := newRun(opts, rep.Rules)
	inv := run.Invocations[0]
	for _, w := range rep.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, warningNotification(w))
	}
	// Notes are never results, and GitHub takes at most maxResults: see
	// selectFindings.
	candidates := make([]candidate, 0, len(rep.Findings))
	for i := range rep.Findings {
		candidates = append(candidates, candidate{finding: &rep.Findings[i]})
	}
	if opts.Suppressed {
		for i := range rep.Exempted {
			candidates = append(candidates, candidate{finding: &rep.Exempted[i].Finding, exemption: &rep.Exempted[i].Exemption})
		}
	}
	kept, dropped := selectFindings(candidates, lim.maxResults)
	for _, c := range kept {
		res, err := c.result(index)
		if err != nil {
			return nil, nil, err
		}
		run.Results = append(run.Results, res)
	}
	if dropped > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, droppedNotification(lim.maxResults, dropped))
	}
	out := &gosarif.Report{Version: string(gosarif.Version210), Schema: schemaURI, Runs: []*gosarif.Run{run}}
	data, err := encode(out)
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) <= lim.maxGzipBytes/2 {
		return out, data, nil // gzip adds at most a few percent to any data (TestGzipNeverDoubles)
	}
	if size, err := gzipSize(data); err != nil {
		return nil, nil, err
	} else if size > lim.maxGzipBytes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, tooLargeNotification(size, lim.maxGzipBytes))
		if data, err = encode(out); err != nil {
			return nil, nil, err
		}
	}
	return out, data, nil
}

// candidate is a finding that may become a result: open, or with the
// exemption that accepts it.
type candidate struct {
	finding   *rules.Finding
	exemption *exempt.Exemption // nil for an open finding
}

func (c candidate) result(index map[string]uint) (*gosarif.Result, error) {
	if c.exemption != nil {
		return suppressedResult(c.finding, c.exemption, index)
	}
	return result(c.finding, index)
}

// newRun is a run with the tool, every rule and an empty result list.
func newRun(opts Options, rules []*rules.Rule) *gosarif.Run {
	success := true
	run := &gosarif.Run{
		Tool:    gosarif.Tool{Driver: driver(opts.Version, rules)},
		Results: []*gosarif.Result{},
		// GitHub counts columns in UTF-16 code units, as source.Pos does.
		ColumnKind: "utf16CodeUnits",
		OriginalUriBaseIDs: map[string]*gosarif.ArtifactLocation{
			// No uri: the root is wherever the log is read (the checkout),
			// and an absolute path here would make the log depend on the
			// machine that wrote it.
			srcRoot: gosarif.NewArtifactLocation().WithDescriptionText(
				"The directory the scan ran in (the repository root in the GitHub Action). Every result URI is relative to it."),
		},
		Invocations: []*gosarif.Invocation{{ExecutionSuccessful: &success}},
	}
	if category := strings.TrimRight(opts.Category, "/"); category != "" {
		run.AutomationDetails = gosarif.NewRunAutomationDetails().WithID(category + "/")
	}
	return run
}

// encode writes the log the way Write does: two-space indents, no HTML
// escaping (policies are full of "<", ">" and "&" in conditions), a final
// newline. Maps (properties, originalUriBaseIds) are written in key order.
// The encoder writes compact JSON, which appendIndented indents.
func encode(out *gosarif.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return appendIndented(make([]byte, 0, buf.Len()*2), buf.Bytes()), nil
}
