package sarif

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// suppressedResult is the result of an exempted finding, for SARIF
// consumers other than GitHub code scanning (which ignores suppressions
// and would open an alert): the suppression says who accepted it and why.
func suppressedResult(f *rules.Finding, ex *exempt.Exemption, index map[string]uint) (*gosarif.Result, error) {
	res, err := result(f, index)
	if err != nil {
		return nil, err
	}
	kind := "external"
	if ex.InSource {
		kind = "inSource"
	}
	// go-sarif writes every unset field of a suppression as null, so each
	// one is set: the location is where the exemption is written, the
	// guid is derived from what it suppresses, so reruns keep it.
	where, err := exemptionLocation(ex)
	if err != nil {
		return nil, err
	}
	s := gosarif.NewSuppression(kind).
		WithStatus("accepted").
		WithJustifcation(ex.Reason).
		WithGuid(stableGUID(guidParts(f, ex)...)).
		WithLocation(where)
	res.Suppressions = []*gosarif.Suppression{s}
	return res, nil
}

// exemptionLocation places the config entry or template Metadata that
// exempts a finding. A config named by an absolute path outside the
// working directory gets a file URI: it is not part of the repository.
func exemptionLocation(ex *exempt.Exemption) (*gosarif.Location, error) {
	artifact := gosarif.NewSimpleArtifactLocation("file://" + filepath.ToSlash(ex.File))
	if !filepath.IsAbs(ex.File) {
		uri, err := fileURI(ex.File)
		if err != nil {
			return nil, err
		}
		artifact = gosarif.NewSimpleArtifactLocation(uri).WithUriBaseId(srcRoot)
	}
	return gosarif.NewLocationWithPhysicalLocation(&gosarif.PhysicalLocation{
		ArtifactLocation: artifact,
		Region:           &gosarif.Region{StartLine: ptr(max(ex.Line, 1))},
	}), nil
}

// guidParts are what tells one suppression from another: the finding's
// place, and its related places, since CDK findings of one policy share
// their app line.
func guidParts(f *rules.Finding, ex *exempt.Exemption) []string {
	parts := []string{f.RuleID, f.File, fmt.Sprint(f.Span.Start.Line, f.Span.Start.Col), ex.Source()}
	for _, r := range f.Related {
		parts = append(parts, r.File, fmt.Sprint(r.Span.Start.Line, r.Span.Start.Col))
	}
	return parts
}

// stableGUID makes a version-5-style UUID from its parts.
func stableGUID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
