// Package managed knows the AWS managed policies that grant what a
// guardrail flags, so that attaching one is a finding at the attachment.
// The table is generated from a dataset of AWS's published managed
// policies by our own rules (go generate; see gen), and checked in: the
// scanner needs no data at run time.
package managed

import (
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

//go:generate go run ../../managedgen -dataset ../../../../shared/data/aws-managed-policies.json -o table.go

// Policy is an AWS managed policy that some rule flags.
type Policy struct {
	Name   string
	Path   string // the IAM path: "/", "/service-role/", "/job-function/"
	Grants []Grant
}

// Grant is one statement of a managed policy that a rule flags, as our
// evaluator explains it.
type Grant struct {
	Rule      string // the rule's ID
	Statement int    // the statement's index in the policy's Statement list
	Sid       string
	// What is what the statement grants and why nothing pins the
	// instance, e.g. `ssm:SendCommand on all EC2 and managed instances
	// (Action "ssm:*", Resource "*"): no Condition`.
	What string
}

// For returns the grants of p that rule flags, in statement order.
func (p *Policy) For(rule string) []Grant {
	var out []Grant
	for _, g := range p.Grants {
		if g.Rule == rule {
			out = append(out, g)
		}
	}
	return out
}

// Granting returns the names of the policies that rule flags, in name
// order.
func Granting(rule string) []string {
	var names []string
	for i := range table {
		if len(table[i].For(rule)) > 0 {
			names = append(names, table[i].Name)
		}
	}
	return names
}

// Find returns the AWS managed policy in the table that v names, or nil.
//
// v is an ARN, arn:PARTITION:iam::aws:policy/PATHNAME, in any partition;
// the partition may be a value the scanner cannot see (AWS::Partition):
// whatever it is, the ARN names the same AWS managed policy. Every other
// part must be known. The path must be the policy's own, so a policy on
// the aws-service-role/ path, which only AWS services can attach, is
// never found, and an account's own policy of the same name
// (arn:aws:iam::123456789012:policy/AmazonSSMFullAccess) is not an AWS
// managed policy. A value that is not an ARN is a bare policy name, as
// SAM's Policies and a Terraform data source by name take it.
func Find(v iam.Value) *Policy {
	rest, isARN := strings.CutPrefix(v.Text, "arn:")
	if !isARN {
		if !v.IsLiteral() || strings.ContainsAny(v.Text, ":/") {
			return nil
		}
		return byName(v.Text)
	}
	colon := strings.IndexByte(rest, ':')
	if colon < 0 || !partitionOK(rest[:colon], v.Unknowns) {
		return nil
	}
	pathName, ok := strings.CutPrefix(rest[colon:], ":iam::aws:policy/")
	if !ok {
		return nil
	}
	slash := strings.LastIndexByte(pathName, '/')
	p := byName(pathName[slash+1:])
	if p == nil || p.Path != "/"+pathName[:slash+1] {
		return nil
	}
	return p
}

// partitionOK reports whether the partition field of an ARN is a
// partition's name, or wholly one value the scanner cannot see, and the
// ARN holds no other unknown.
func partitionOK(field string, unknowns []iam.Unknown) bool {
	const at = len("arn:")
	switch len(unknowns) {
	case 0:
		return field == "aws" || strings.HasPrefix(field, "aws-") && !strings.ContainsAny(field, "/ ")
	case 1:
		return field == "" && unknowns[0].At == at
	}
	return false
}

// byName finds a policy by its exact name; the table is in name order.
func byName(name string) *Policy {
	i, ok := slices.BinarySearchFunc(table, name, func(p Policy, name string) int { return strings.Compare(p.Name, name) })
	if !ok {
		return nil
	}
	return &table[i]
}
