package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// statementDefaults names the inputs a statement's values were read with
// as their defaults, each once.
func statementDefaults(st *iam.Statement) []string {
	var names []string
	add := func(vs iam.Values) {
		for _, v := range vs {
			for _, name := range v.Defaults {
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
		}
	}
	add(st.Action)
	add(st.NotAction)
	add(st.Resource)
	add(st.NotResource)
	for _, c := range st.Conditions {
		add(c.Values)
	}
	return names
}

// defaultsNote says that a finding rests on inputs read as their
// defaults: it holds where they keep them.
func defaultsNote(names []string) string {
	if len(names) == 0 {
		return ""
	}
	if len(names) == 1 {
		return fmt.Sprintf("; this reads %s as its default, one value a deployment may have", names[0])
	}
	return fmt.Sprintf("; this reads %s as their defaults, values a deployment may have", strings.Join(names, " and "))
}
