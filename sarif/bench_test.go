package sarif

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// benchReport is a report of files × perFile findings, each with its line
// hash, as a scan of a large repository with many findings gives it.
func benchReport(files, perFile int) *scan.Report {
	var policy bytes.Buffer
	policy.WriteString("{\n  \"Statement\": [\n")
	for i := range perFile {
		sep := ","
		if i == perFile-1 {
			sep = ""
		}
		action := []string{"ssm:SendCommand", "ssm:StartSession"}[i%2]
		fmt.Fprintf(&policy, "    {\"Sid\": \"S%d\", \"Effect\": \"Allow\", \"Action\": %q, \"Resource\": \"*\"}%s\n", i, action, sep)
	}
	policy.WriteString("  ]\n}\n")
	data := policy.Bytes()
	rep := &scan.Report{Rules: rules.All, Findings: []rules.Finding{}, Warnings: []source.Warning{}, Files: files}
	for f := range files {
		res := scan.ScanFile(fmt.Sprintf("services/svc-%03d/policy.json", f), data)
		for i := range res.Findings {
			res.Findings[i].LineHash = LineHashes(data, []int{res.Findings[i].Span.Start.Line})[0]
		}
		rep.Findings = append(rep.Findings, res.Findings...)
	}
	rules.SortFindings(rep.Findings)
	return rep
}

// BenchmarkWrite writes the SARIF log of 10,000 findings; MB/s is over
// the log written.
func BenchmarkWrite(b *testing.B) {
	rep := benchReport(100, 100)
	var out bytes.Buffer
	if err := Write(&out, rep, Options{Version: "1.0.0"}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(out.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, rep, Options{Version: "1.0.0"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rep.Findings)), "findings")
}
