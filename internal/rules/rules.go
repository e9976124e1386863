package rules

import "strings"

// All is every guardrail, in id order. A new rule is a file of its own and
// a value here.
var All = []*Rule{SendCommand, StartSession}

// ByID returns the rule with the given id, or nil.
func ByID(id string) *Rule {
	for _, r := range All {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// IDs lists the rule ids for messages: "IAM-SSM-1, IAM-SSM-2".
func IDs() string {
	ids := make([]string, len(All))
	for i, r := range All {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}
