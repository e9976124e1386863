package scan

// Pos is a 1-based line and a 1-based column counted in UTF-16 code units,
// the way SARIF and GitHub count.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"column"`
}

// Span is a region of a file; End.Col is exclusive.
type Span struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Value is one string of a policy element (an action, a resource, a
// condition value) as the evaluator matches it.
//
// Text is the matchable form: CloudFormation pseudo parameters
// (${AWS::Region}, ...) are already replaced by "*", and references to
// anything else (Ref, ${Param}, Fn::GetAtt) by an opaque token that
// starts and ends with Opaque, so it matches only a wildcard.
// Source is the value as the file spells it, for messages.
type Value struct {
	Text   string
	Source string
}

// Opaque brackets a reference whose value is unknown when scanning.
const Opaque = "\x00"

// Values is a policy element that may be a string or a list of strings.
// A nil Values means the element is absent.
type Values []Value

// Condition is one operator/key pair of a statement's Condition block.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLike"
	Key      string // as written, e.g. "ssm:resourceTag/env"
	Values   Values
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
	Span         Span
}

// Policy is one policy document: the statements the evaluator judges
// together (a Deny in the same document can take back an Allow).
type Policy struct {
	Statements []Statement
}
