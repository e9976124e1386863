// Package hcleval evaluates the HCL expressions of a Terraform module,
// as far as that can be done without Terraform, into values that keep
// what they cannot see as unknowns and remember where they are written
// (value.go). What the expressions refer to (variables, locals, policy
// documents, the files file() reads) is the module's, which package
// terraform holds; the evaluator asks for it through Module.
package hcleval

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Module is what the evaluator needs of the module it evaluates in.
type Module interface {
	// Variable is the value of var.name.
	Variable(name string) *Value
	// Local is the value of local.name, referred to at at.
	Local(name string, at Place) *Value
	// PolicyDocument is the value of data.aws_iam_policy_document.name,
	// nil when the module has none of that name.
	PolicyDocument(name string) *Value
	// ReadFile reads a file of the module for file(), fileexists() and
	// templatefile(), called at at; with warn set, a file that cannot be
	// read is a warning.
	ReadFile(rel string, at Place, warn bool) (*File, error)
	// Place is the place of an hcl range, in the file it names; nowhere
	// when the module has no such file.
	Place(r hcl.Range) Place
	// Warn records a warning at a place of the module.
	Warn(at Place, msg string)
}

// Evaluator evaluates the expressions of one module, within the limits
// of eval.go, which bound the work of the whole module.
type Evaluator struct {
	module  Module
	steps   int
	limited bool // the warning that a limit was reached is given
}

// New is the evaluator of module m.
func New(m Module) *Evaluator {
	return &Evaluator{module: m}
}

// Scope is what names mean where an expression is evaluated.
type Scope struct {
	ev     *Evaluator
	names  map[string]*Value // each, count, for variables, iterators, template variables
	anon   map[*hclsyntax.AnonSymbolExpr]*Value
	parent *Scope
	// template is set inside templatefile(): only the template's variables
	// are in scope, and templatefile() may not be called again.
	template bool
	// unseen is the variables of a template when they cannot be seen.
	unseen *Value
}

// Scope is the scope of the module itself: the names it declares.
func (ev *Evaluator) Scope() *Scope {
	return &Scope{ev: ev}
}

// With is s with names added (each, count, iterators).
func (s *Scope) With(names map[string]*Value) *Scope {
	return &Scope{ev: s.ev, names: names, parent: s, template: s.template}
}

// Eval evaluates an expression in s.
func (s *Scope) Eval(e hclsyntax.Expression) *Value {
	return s.eval(e, 0)
}

func (s *Scope) lookup(name string) *Value {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.names[name]; ok {
			return v
		}
	}
	return nil
}

func (s *Scope) anonValue(e *hclsyntax.AnonSymbolExpr) *Value {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.anon[e]; ok {
			return v
		}
	}
	return nil
}
