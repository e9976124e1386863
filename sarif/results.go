package sarif

import (
	"fmt"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// result is the SARIF result of one finding: its rule, level, message,
// exactly one location, the statement that grants the action (or the app
// line that created it, for CDK output), and the related locations.
func result(f *rules.Finding, index map[string]uint) (*gosarif.Result, error) {
	i, ok := index[f.RuleID]
	if !ok {
		return nil, fmt.Errorf("sarif: %s: finding of undeclared rule %q", f.File, f.RuleID)
	}
	loc, err := findingLocation(f)
	if err != nil {
		return nil, err
	}
	res := &gosarif.Result{
		RuleID:    ptr(f.RuleID),
		RuleIndex: ptr(i),
		Level:     ptr(f.Severity.Level()),
		Message:   *gosarif.NewTextMessage(sentence(f.Message)),
		Locations: []*gosarif.Location{loc},
	}
	if f.LineHash != "" {
		res.PartialFingerprints = map[string]any{"primaryLocationLineHash": f.LineHash}
	}
	if res.RelatedLocations, err = relatedLocations(f); err != nil {
		return nil, err
	}
	return res, nil
}

// findingLocation places a finding on its statement, in the file and in
// the template or policy that holds it.
func findingLocation(f *rules.Finding) (*gosarif.Location, error) {
	loc, err := physicalLocation(f.File, f.Span, f.RuleID)
	if err != nil {
		return nil, err
	}
	if ll := logicalLocation(f.Origin); ll != nil {
		loc.LogicalLocations = []*gosarif.LogicalLocation{ll}
	}
	return loc, nil
}

// physicalLocation is a region of a file, for a finding of rule.
func physicalLocation(file string, span source.Span, rule string) (*gosarif.Location, error) {
	uri, err := fileURI(file)
	if err != nil {
		return nil, err
	}
	start, end := span.Start, span.End
	if start.Line < 1 || start.Col < 1 {
		return nil, fmt.Errorf("sarif: %s: %s finding has no position", file, rule)
	}
	region := &gosarif.Region{StartLine: ptr(start.Line), StartColumn: ptr(start.Col)}
	// End.Col is exclusive, as SARIF's endColumn is.
	if end.Line > start.Line || end.Line == start.Line && end.Col > start.Col {
		region.EndLine, region.EndColumn = ptr(end.Line), ptr(end.Col)
	}
	return gosarif.NewLocationWithPhysicalLocation(&gosarif.PhysicalLocation{
		ArtifactLocation: gosarif.NewSimpleArtifactLocation(uri).WithUriBaseId(srcRoot),
		Region:           region,
	}), nil
}

// logicalLocation names what holds the policy, most specific name first:
//
//   - a CloudFormation resource (or the role, user or group of an AWS CLI
//     export): kind "resource", named by its logical ID; its
//     fullyQualifiedName is the aws:cdk:path when the template is CDK
//     output, else the logical ID, followed by "/PolicyName" when the
//     policy has a name;
//   - else a named policy: kind "object", the policy name;
//   - else the document's place in the file (Origin.Path), kind "object".
//
// A bare policy file at the top level has none.
func logicalLocation(o iam.Origin) *gosarif.LogicalLocation {
	holder, qualified := o.Resource, o.Resource
	if o.CDKPath != "" && o.Resource != "" {
		qualified = o.CDKPath
	}
	if holder == "" {
		holder, qualified = o.Identity, o.Identity
	}
	switch {
	case holder != "":
		if o.PolicyName != "" {
			qualified += "/" + o.PolicyName
		}
		return &gosarif.LogicalLocation{Name: ptr(holder), FullyQualifiedName: ptr(qualified), Kind: ptr("resource")}
	case o.PolicyName != "":
		return &gosarif.LogicalLocation{Name: ptr(o.PolicyName), FullyQualifiedName: ptr(o.PolicyName), Kind: ptr("object")}
	case o.Path != "":
		return &gosarif.LogicalLocation{Name: ptr(o.Path), FullyQualifiedName: ptr(o.Path), Kind: ptr("object")}
	}
	return nil
}
