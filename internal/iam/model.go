// Package iam is the IAM semantics the guardrails rely on: a policy model
// and pure functions that decide whether an Allow grants an action on
// every instance with nothing that pins the instance, and say why. It
// does no I/O.
package iam

import "github.com/ssm-guardrails/ssm-guardrails/internal/source"

// Value is one string of a policy element (an action, a resource, a
// condition value) as the evaluator matches it.
//
// Text is the literal text. What the scanner cannot see (a CloudFormation
// pseudo parameter, a Ref, a Fn::GetAtt) is not in Text: it is an Unknown
// at its place in Text, so that no byte of the file can pose as one.
// Source is the value as the file spells it, for messages.
//
// Defaults names the inputs read as their default (a template
// parameter's Default): one value a deployment may have, not the only
// one. A finding that rests on such a value says so.
type Value struct {
	Text     string
	Unknowns []Unknown // in order of At
	Source   string
	Defaults []string // e.g. "parameter TargetArn"
}

// Unknown is a part of a value that the scanner cannot see.
type Unknown struct {
	At   int    // the byte offset in Value.Text where it stands
	Name string // how the file names it: "AWS::Region", "BucketArn", "Fn::GetAtt"
	Kind UnknownKind
}

// UnknownKind says what an unknown may stand for.
type UnknownKind uint8

const (
	// UnknownPlace is a value that differs from deployment to deployment
	// but is the same for all of one (a pseudo parameter such as
	// ${AWS::Region}): for instance coverage, any value.
	UnknownPlace UnknownKind = iota
	// UnknownSpecific is one specific value the scanner cannot see (a Ref
	// to a parameter, an attribute of another resource): never a wildcard.
	UnknownSpecific
	// UnknownAny is a value that could not be evaluated at all (a variable
	// without a value, an unsupported function): it may be anything, a
	// wildcard included. A verdict that hangs on it is not a finding but a
	// note that names it.
	UnknownAny
)

// Literal is a value with no unknown part.
func Literal(s string) Value { return Value{Text: s, Source: s} }

// IsLiteral reports whether v has no unknown part.
func (v Value) IsLiteral() bool { return len(v.Unknowns) == 0 }

// Values is a policy element that may be a string or a list of strings.
// A nil Values means the element is absent.
type Values []Value

// Condition is one operator/key pair of a statement's Condition block.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLike"
	Key      string // as written, e.g. "ssm:resourceTag/env"
	Values   Values
	// At is the byte offset of the operator in the file, where a warning
	// about it is shown.
	At int
}

// Statement is one IAM policy statement.
type Statement struct {
	Sid         string
	Effect      string
	Action      Values
	NotAction   Values
	Resource    Values
	NotResource Values
	// HasPrincipal is set when the statement names Principal or
	// NotPrincipal: a trust or resource policy, not an identity grant.
	HasPrincipal bool
	Conditions   []Condition
	Span         source.Span
	// Anchor is where the statement is written when it is used through a
	// YAML alias: Span is then the alias, where it is used.
	Anchor  *source.Span
	Reading Reading
}

// Reading places a statement among the ways one place in the file can be
// read: the branches of CloudFormation Fn::If conditions, of which each
// deployment takes one, and the values of duplicate keys, of which IAM's
// parser takes one. An Allow grants what any reading grants; a Deny takes
// back only what every reading of its place takes back.
type Reading struct {
	// Place is shared by the readings of one place in the file; 0 marks a
	// statement read one way only.
	Place int
	// Sometimes marks a place that some deployments leave out (an
	// AWS::NoValue branch) or that could not be split into its readings: a
	// Deny there takes nothing back.
	Sometimes bool
	// Duplicate names the duplicate keys this reading takes, for messages:
	// `"Resource" on line 7`. Empty when the statement has none.
	Duplicate string
}

// Policy is one policy document: the statements the evaluator judges
// together (a Deny in the same document can take back an Allow).
type Policy struct {
	Statements []Statement
}

// Origin says where a policy document sits: what holds it and its place
// in the file.
type Origin struct {
	Resource     string // CloudFormation logical ID, or Terraform address
	ResourceType string // e.g. AWS::IAM::Role
	PolicyName   string // PolicyName or ManagedPolicyName
	CDKPath      string // the resource's aws:cdk:path
	Identity     string // the role, user or group of an AWS CLI export
	Path         string // the document's place in the file, e.g. Resources.Ops.Properties.PolicyDocument
	// Via is where a policy read from another file is read, as PATH:LINE:
	// the Terraform file() or templatefile() call.
	Via string
}
