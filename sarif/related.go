package sarif

import (
	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// relatedLocations are the places that explain a finding, such as the
// statement in the synthesized template of a CDK finding shown at the
// app line that created it. Each has an id, unique in its result, that a
// message may link to.
func relatedLocations(f *rules.Finding) ([]*gosarif.Location, error) {
	var out []*gosarif.Location
	for i, r := range f.Related {
		loc, err := physicalLocation(r.File, r.Span, f.RuleID)
		if err != nil {
			return nil, err
		}
		loc.Id = ptr(uint(i + 1))
		loc.Message = gosarif.NewTextMessage(sentence(r.Message))
		out = append(out, loc)
	}
	return out, nil
}
