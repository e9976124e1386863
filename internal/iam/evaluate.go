package iam

// This file is the IAM question both guardrails ask: does an Allow grant
// an action on every instance with nothing that pins the instance?
// action.go matches actions, resource.go decides which instance families
// a statement covers, condition.go whether its conditions pin the
// instance, and unknown.go what a value that could not be evaluated does
// to the verdict.

// Exposure is an Allow statement that grants an action on every instance
// of at least one family with no condition that pins the instance.
type Exposure struct {
	Statement int // index into Policy.Statements
	// Ineffective marks a note, not a finding: the statement grants
	// nothing because it is conditioned on ec2:ResourceTag with a positive
	// operator, which SSM never evaluates.
	Ineffective bool
	Action      string // how the action is granted, e.g. `Action "ssm:*"` or `NotAction "ec2:*"`
	Resource    string // how all instances are covered, e.g. `Resource "*"` or `NotResource "arn:aws:ec2:*:*:instance/*"`
	Families    Family // families left open, after the credit of Deny statements
	// Why says why nothing pins the instance: "no Condition", or the
	// condition that fails to, e.g. "StringLike value '*' on
	// ssm:resourceTag/env only requires the tag key to exist".
	Why string
	// Unresolved names the values that could not be evaluated (unknowns
	// of kind UnknownAny) when the exposure hangs on them: it holds if they
	// are as broad as they could be, and not if they are as narrow. Such an
	// exposure is a note, not a finding.
	Unresolved []string
}

// Evaluate returns the statements of p that grant action (such as
// "ssm:SendCommand") on every instance of some family without a condition
// that pins the instance, in statement order.
//
// Statements with Principal or NotPrincipal are not identity grants and
// are ignored. A Deny never produces an Exposure, but one in the same
// policy takes families back from every Allow when it covers the action,
// every instance of the family in every region and account, and has no
// condition other than negated tag tests on concrete values (see
// carvesOutTagged): what it leaves is at most the tagged instances.
//
// Where the policy holds values that could not be evaluated at all
// (UnknownAny), it is judged twice, with each such value as broad and as
// narrow as it could be; see unknown.go.
func Evaluate(p *Policy, action string) []Exposure {
	if p == nil {
		return nil
	}
	if !hasAnyUnknown(p) {
		return evaluate(p, action)
	}
	return evaluateBothWays(p, action)
}

func evaluate(p *Policy, action string) []Exposure {
	var denied Family
	for i := range p.Statements {
		denied |= denyCredit(&p.Statements[i], action)
	}
	var out []Exposure
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || st.HasPrincipal {
			continue
		}
		how, ok := allowsAction(st, action)
		if !ok {
			continue
		}
		reach, describe := allowReach(st)
		open := reach &^ denied
		if open == 0 {
			continue
		}
		pinned, never, why := judgeConditions(st.Conditions)
		if pinned {
			continue
		}
		out = append(out, Exposure{
			Statement:   i,
			Ineffective: never,
			Action:      how,
			Resource:    describe(open),
			Families:    open,
			Why:         why,
		})
	}
	return out
}

// denyCredit returns the families a statement takes back from every Allow
// of action in its policy: those a Deny without Principal covers entirely,
// for action, with at most a carve-out of tagged instances.
func denyCredit(st *Statement, action string) Family {
	if st.Effect != "Deny" || st.HasPrincipal || !deniesAction(st, action) || !carvesOutTagged(st.Conditions) {
		return 0
	}
	return denyReach(st)
}
