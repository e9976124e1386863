package sarif

import (
	"compress/gzip"
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// limits are what GitHub code scanning accepts; tests shrink them.
type limits struct {
	maxResults   int   // results in one run; GitHub rejects a log with more
	maxGzipBytes int64 // the gzipped log; GitHub rejects a larger upload
}

// githubLimits are GitHub's documented limits. "10 MB" is read as
// 10,000,000 bytes, so the warning comes no later than the rejection.
var githubLimits = limits{maxResults: 25_000, maxGzipBytes: 10_000_000}

// selectFindings picks the findings that become results, most severe
// first, at most max of them, and says how many were left out over max.
//
// Notes (rules.SeverityNote: a condition key such as ec2:ResourceTag that
// makes a statement grant nothing) are never results. They are not
// alerts, and GitHub would rank them by their rule's security-severity,
// showing "statement grants nothing" as a critical alert. The text and
// JSON outputs list them.
func selectFindings(cs []candidate, max int) (kept []candidate, dropped int) {
	kept = make([]candidate, 0, min(len(cs), max))
	for _, c := range cs {
		if c.finding.Severity > rules.SeverityNote {
			kept = append(kept, c)
		}
	}
	// The scan sorts most severe first; sort again (stably) so that the
	// cut keeps the most severe whatever the caller passed.
	slices.SortStableFunc(kept, func(a, b candidate) int { return int(b.finding.Severity - a.finding.Severity) })
	if len(kept) > max {
		return kept[:max], len(kept) - max
	}
	return kept, 0
}

// gzipSize is the size of data once gzipped, as upload-sarif sends it.
func gzipSize(data []byte) (int64, error) {
	var n countingWriter
	zw := gzip.NewWriter(&n)
	if _, err := zw.Write(data); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(n), nil
}

// countingWriter counts the bytes written to it and keeps none.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
