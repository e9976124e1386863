package iam

// This file is the IAM question both guardrails ask: does an Allow grant
// an action on every instance with nothing that pins the instance?
// iam_action.go matches actions, iam_resource.go decides which instance
// families a statement covers, iam_condition.go whether its conditions
// pin the instance.

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
func Evaluate(p *Policy, action string) []Exposure {
	if p == nil {
		return nil
	}
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
