package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
)

// runRules lists the rules, one line each: id, name, severity, summary.
func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return usageError(stderr, errors.New("rules takes no arguments"))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, r := range rules.All {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Severity, r.Short)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(stderr, "ssm-guardrails:", err)
		return exitError
	}
	return exitClean
}

// runExplain prints a rule's help, the same text SARIF carries, named by
// its id or its name in any case.
func runExplain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, fmt.Errorf("explain takes one rule: %s", rules.IDs()))
	}
	r, err := ruleNamed(args[0])
	if err != nil {
		return usageError(stderr, err)
	}
	if _, err := fmt.Fprintln(stdout, r.Help()); err != nil {
		fmt.Fprintln(stderr, "ssm-guardrails:", err)
		return exitError
	}
	return exitClean
}

func ruleNamed(name string) (*rules.Rule, error) {
	var known []string
	for _, r := range rules.All {
		if strings.EqualFold(name, r.ID) || strings.EqualFold(name, r.Name) {
			return r, nil
		}
		known = append(known, r.ID, r.Name)
	}
	if s := suggest(name, known); s != "" {
		return nil, fmt.Errorf("unknown rule %q: did you mean %s?", name, s)
	}
	return nil, fmt.Errorf("unknown rule %q: use %s", name, rules.IDs())
}
