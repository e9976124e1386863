package sarif

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// exemptedReport scans testdata/exempted with a config that exempts the
// break-glass policy; the template's Metadata exempts its sessions.
func exemptedReport(t *testing.T) *scan.Report {
	t.Helper()
	cfg, err := exempt.ParseConfig(".ssm-guardrails.yml", []byte("exemptions:\n  - files: [admin-*.json]\n    reason: break-glass, SEC-101\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "exempted")
	rep, err := scan.Run(scan.Options{Paths: []string{dir}, BaseDir: dir, LineHashes: LineHashes, Config: cfg,
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || len(rep.Exempted) != 2 {
		t.Fatalf("open %d, exempted %d; want 1 and 2", len(rep.Findings), len(rep.Exempted))
	}
	return rep
}

func TestSuppressedResults(t *testing.T) {
	rep := exemptedReport(t)
	sch := testkit.SARIFSchema(t)
	tests := []struct {
		name string
		opts Options
		want []string // ruleId file kind justification ("" when open)
	}{
		{"default: open findings only", Options{}, []string{"IAM-SSM-1 stack.yaml  "}},
		{"--sarif-suppressed adds the exempted with suppressions", Options{Suppressed: true}, []string{
			"IAM-SSM-1 stack.yaml  ",
			"IAM-SSM-1 admin-breakglass.json external break-glass, SEC-101 .ssm-guardrails.yml:2",
			"IAM-SSM-2 stack.yaml inSource support desk sessions, SEC-606 stack.yaml:7",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := writeLog(t, rep, tt.opts)
			if err := testkit.ValidateSARIF(sch, data); err != nil {
				t.Fatalf("schema: %v", err)
			}
			if p, err := findNull(data); err != nil || p != "" {
				t.Fatalf("null at %q (%v)", p, err)
			}
			var log gosarif.Report
			if err := json.Unmarshal(data, &log); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range log.Runs[0].Results {
				line := deref(r.RuleID) + " " + deref(r.Locations[0].PhysicalLocation.ArtifactLocation.URI) + " "
				if len(r.Suppressions) == 1 {
					s := r.Suppressions[0]
					loc := s.Location.PhysicalLocation
					line += s.Kind + " " + deref(s.Justification) + " " + deref(loc.ArtifactLocation.URI) + ":" + strconv.Itoa(deref(loc.Region.StartLine))
					if deref(s.Status) != "accepted" || len(deref(s.Guid)) != 36 {
						t.Errorf("suppression status %q guid %q", deref(s.Status), deref(s.Guid))
					}
				} else {
					line += " "
				}
				got = append(got, line)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("results %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("result %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestStableGUID(t *testing.T) {
	a, b := stableGUID("IAM-SSM-1", "a.json", "1 1", "c:2"), stableGUID("IAM-SSM-1", "a.json", "1 1", "c:2")
	if a != b || a == stableGUID("IAM-SSM-2", "a.json", "1 1", "c:2") {
		t.Errorf("guids %s %s", a, b)
	}
	if a[14] != '5' {
		t.Errorf("guid %s is not version 5", a)
	}
}
