// Command managedgen writes the table of AWS managed policies that the rules
// flag (package managed), from a dataset of AWS's published managed
// policies: a JSON list of objects with name, arn, updated, deprecated
// and document. It judges every document with the rules' own checks, so
// the table says exactly what a scan of the document would say.
//
// It sits above the rules it runs, apart from the packages it writes for
// (go generate ./internal/iam/managed runs it):
//
//	go run ../../managedgen -dataset ../../../../shared/data/aws-managed-policies.json -o table.go
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

func main() {
	dataset := flag.String("dataset", "", "the managed policy dataset (JSON)")
	out := flag.String("o", "table.go", "the Go file to write")
	flag.Parse()
	if *dataset == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -dataset FILE [-o table.go]")
		os.Exit(2)
	}
	data, err := os.ReadFile(*dataset)
	if err == nil {
		data, err = generate(data)
	}
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %s: %v\n", *dataset, err)
		os.Exit(1)
	}
}

// entry is one policy of the dataset.
type entry struct {
	Name       string          `json:"name"`
	ARN        *string         `json:"arn"`
	Updated    *string         `json:"updated"`
	Deprecated bool            `json:"deprecated"`
	Document   json.RawMessage `json:"document"`
}

// row is one policy of the table.
type row struct {
	name, path string
	grants     []grant
}

type grant struct {
	rule      string
	statement int
	sid, what string
}

// serviceLinkedPath holds the policies of service-linked roles: only AWS
// services attach them.
const serviceLinkedPath = "/aws-service-role/"

// generate returns the Go source of the table for a dataset.
func generate(data []byte) ([]byte, error) {
	var entries []entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("no policies")
	}
	var (
		rows                    []row
		serviceLinked, unplaced []string
		newest                  time.Time
	)
	for _, e := range entries {
		if e.Updated != nil {
			updated, err := time.Parse(time.RFC3339, *e.Updated)
			if err != nil {
				return nil, fmt.Errorf("policy %s: updated: %v", e.Name, err)
			}
			if updated.After(newest) {
				newest = updated
			}
		}
		grants, err := judge(e.Document)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %v", e.Name, err)
		}
		if len(grants) == 0 {
			continue
		}
		path, err := policyPath(e)
		switch {
		case err != nil:
			return nil, fmt.Errorf("policy %s: %v", e.Name, err)
		case e.ARN == nil:
			name := e.Name
			if e.Deprecated {
				name += " (deprecated)"
			}
			unplaced = append(unplaced, name)
		case path == serviceLinkedPath:
			serviceLinked = append(serviceLinked, e.Name)
		default:
			rows = append(rows, row{name: e.Name, path: path, grants: grants})
		}
	}
	if newest.IsZero() {
		return nil, errors.New("no policy has an updated date")
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(rows); i++ {
		if rows[i].name == rows[i-1].name {
			return nil, fmt.Errorf("policy %s is in the dataset twice", rows[i].name)
		}
	}
	slices.Sort(serviceLinked)
	slices.Sort(unplaced)
	src := render(rows, serviceLinked, unplaced, newest.UTC().Format(time.DateOnly), len(entries))
	return format.Source(src)
}

// policyPath returns the IAM path of an entry's ARN,
// arn:aws:iam::aws:policy/PATH/NAME, or "" for an entry without one.
func policyPath(e entry) (string, error) {
	if e.ARN == nil {
		return "", nil
	}
	_, pathName, ok := strings.Cut(*e.ARN, ":iam::aws:policy/")
	if !ok || !strings.HasSuffix(pathName, "/"+e.Name) && pathName != e.Name {
		return "", fmt.Errorf("ARN %q is not an AWS managed policy named %s", *e.ARN, e.Name)
	}
	return "/" + strings.TrimSuffix(pathName, e.Name), nil
}

// judge runs every rule's check over a policy document, as a scan of the
// document would, and returns the statements they flag; notes (a grant
// that hangs on something unknown, or that grants nothing) are not
// grants.
func judge(document []byte) ([]grant, error) {
	src := source.NewSource(document)
	roots, diags, err := syntax.Parse(src)
	if err != nil {
		return nil, err
	}
	docs, more := extract.Extract(src, roots)
	if diags = append(diags, more...); len(diags) > 0 {
		return nil, fmt.Errorf("%s", src.Warning("document", diags[0]))
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("%d policy documents, want 1", len(docs))
	}
	policy := &docs[0].Policy
	var grants []grant
	for _, r := range rules.All {
		var found []rules.Finding
		r.Check(&rules.Pass{Rule: r, File: "document", Policy: policy, Report: func(f rules.Finding) { found = append(found, f) }})
		for _, f := range found {
			if f.Severity != r.Severity {
				continue
			}
			what, ok := strings.CutPrefix(f.Message, "Allow grants ")
			if !ok {
				return nil, fmt.Errorf("%s reports %q, not a grant", r.ID, f.Message)
			}
			i := slices.IndexFunc(policy.Statements, func(st iam.Statement) bool { return st.Span == f.Span })
			grants = append(grants, grant{rule: r.ID, statement: i, sid: f.Sid, what: what})
		}
	}
	return grants, nil
}

func render(rows []row, serviceLinked, unplaced []string, date string, count int) []byte {
	var b bytes.Buffer
	granting := len(rows) + len(serviceLinked) + len(unplaced)
	fmt.Fprintf(&b, "// Code generated by \"go run ./internal/managedgen\"; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// From a dataset of %d AWS managed policies, the newest updated on %s:\n", count, date)
	fmt.Fprintf(&b, "// %d of them grant what a rule flags. The table holds the %d that a\n", granting, len(rows))
	fmt.Fprintf(&b, "// customer can attach. Not in it:\n")
	fmt.Fprintf(&b, "//\n//   - on the aws-service-role/ path, attached by AWS services only:\n")
	writeNames(&b, serviceLinked)
	fmt.Fprintf(&b, "//   - with no ARN in the dataset, so no path to match an attachment with:\n")
	writeNames(&b, unplaced)
	fmt.Fprintf(&b, "\npackage managed\n\n")
	fmt.Fprintf(&b, "// The dataset the table is generated from: the date of its newest\n// policy version, and how many policies it holds.\n")
	fmt.Fprintf(&b, "const (\n\tDatasetDate = %q\n\tDatasetPolicies = %d\n)\n\n", date, count)
	fmt.Fprintf(&b, "var table = []Policy{\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "\t{\n\t\tName: %q,\n\t\tPath: %q,\n\t\tGrants: []Grant{\n", r.name, r.path)
		for _, g := range r.grants {
			fmt.Fprintf(&b, "\t\t\t{Rule: %q, Statement: %d, Sid: %q,\n\t\t\t\tWhat: %q},\n", g.rule, g.statement, g.sid, g.what)
		}
		fmt.Fprintf(&b, "\t\t},\n\t},\n")
	}
	fmt.Fprintf(&b, "}\n")
	return b.Bytes()
}

// writeNames writes names as comment lines of a list item.
func writeNames(b *bytes.Buffer, names []string) {
	if len(names) == 0 {
		b.WriteString("//     none.\n")
		return
	}
	line := "//    "
	for i, name := range names {
		word := " " + name
		if i < len(names)-1 {
			word += ","
		} else {
			word += "."
		}
		if len(line)+len(word) > 76 {
			b.WriteString(line + "\n")
			line = "//    "
		}
		line += word
	}
	b.WriteString(line + "\n")
}
