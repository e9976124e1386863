package scan

import (
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// FuzzScanFile checks what must hold for any input: no panic, every
// position inside the file, and no file that yields a finding skipped by
// the pre-filter.
//
//	go test ./scan -run '^$' -fuzz FuzzScanFile -fuzztime 60s
//
// Inputs the fuzzer found worth keeping are under testdata/fuzz/.

// FuzzScanFile runs the whole pipeline (parse, extract with policies in
// strings, evaluate, suppressions) and checks every reported place, and
// that the pre-filter would have let through every file that yields a
// finding or a policy.
func FuzzScanFile(f *testing.F) {
	testkit.FuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		res := ScanFile("f.json", data)
		text, _, _ := source.Decode(data)
		lines := source.NewSource(text).LineCount()
		for _, fd := range res.Findings {
			s := fd.Span
			if s.Start.Line < 1 || s.End.Line > lines || s.Start.Col < 1 || s.End.Col < 1 ||
				s.Start.Line > s.End.Line || s.Start.Line == s.End.Line && s.Start.Col > s.End.Col {
				t.Fatalf("finding span %+v in a file of %d lines", s, lines)
			}
		}
		for _, w := range res.Warnings {
			if w.Line < 0 || w.Line > lines || w.Line > 0 && w.Col < 1 {
				t.Fatalf("warning at %d:%d in a file of %d lines: %s", w.Line, w.Col, lines, w.Message)
			}
		}
		if len(res.Findings)+len(res.Exempted) > 0 && !extract.MayHoldPolicy(data) {
			t.Fatalf("the pre-filter would skip a file that holds a policy: %q", data)
		}
	})
}
