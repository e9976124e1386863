// Package cdk reads what a CDK cloud assembly (cdk.out) says beyond its
// CloudFormation templates, which package extract reads like any other:
// the stacks of manifest.json with their construct metadata, the nested
// stacks a template points at, the creation stack traces that say where
// the app made each resource, and the tree.json the driver passes over.
// The driver uses it to move a finding from the synthesized template to
// the line of the app that made the grant.
package cdk

import (
	"path"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// A CDK cloud assembly (cdk.out, and each Stage's assembly-NAME folder)
// has a manifest.json that lists its stacks. Each stack's metadata maps
// construct paths ("/Ops/RunCommandRole/DefaultPolicy/Resource") to
// entries; the ones read here say which CloudFormation resource a
// construct is (aws:cdk:logicalId), where the app created it
// (aws:cdk:creationStack, or the trace of the logicalId entry that
// `cdk synth --debug` writes in older versions), and which template holds
// the constructs below a path (aws:cdk:templateFile, for nested stacks).
// The metadata sits in the manifest under the stack's "metadata", in the
// file its "additionalMetadataFile" names (aws-cdk-lib 2.242.0 on), or
// both.

// Metadata entry types.
const (
	cdkLogicalID     = "aws:cdk:logicalId"
	cdkCreationStack = "aws:cdk:creationStack"
	cdkTemplateFile  = "aws:cdk:templateFile"
)

// AssemblyStack is a CloudFormation stack of a cloud assembly.
type AssemblyStack struct {
	TemplateFile string // relative to the assembly's directory
	MetadataFile string // additionalMetadataFile, relative to the assembly's directory; "" when none
	Constructs   Constructs
}

// Constructs is a stack's metadata by construct path.
type Constructs map[string]*Construct

// Construct is what the metadata says about one construct.
type Construct struct {
	Path         string // "/Ops/RunCommandRole/DefaultPolicy/Resource"
	LogicalID    string
	Trace        []string // creation stack, innermost first
	TemplateFile string   // the template of this construct and those below it
}

// ParseManifest reads the stacks of a cloud assembly's manifest.json.
// Paths that would leave the assembly's directory are dropped: a manifest
// names files beside it.
func ParseManifest(src *source.Source) ([]AssemblyStack, error) {
	root, err := parseJSONFile(src)
	if err != nil {
		return nil, err
	}
	var stacks []AssemblyStack
	for _, f := range mapFields(root.Get("artifacts")) {
		a := f.Value
		if a.Get("type").ScalarText() != "aws:cloudformation:stack" {
			continue
		}
		s := AssemblyStack{
			TemplateFile: localPath(a.Get("properties").Get("templateFile").ScalarText()),
			MetadataFile: localPath(a.Get("additionalMetadataFile").ScalarText()),
			Constructs:   Constructs{},
		}
		if s.TemplateFile == "" {
			continue
		}
		s.Constructs.add(a.Get("metadata"))
		stacks = append(stacks, s)
	}
	return stacks, nil
}

// ParseMetadata reads a stack's additionalMetadataFile into its
// constructs; the file has the shape of the manifest's "metadata".
func (c Constructs) ParseMetadata(src *source.Source) error {
	root, err := parseJSONFile(src)
	if err != nil {
		return err
	}
	c.add(root)
	return nil
}

func parseJSONFile(src *source.Source) (*syntax.Node, error) {
	root, _, err := syntax.ParseJSON(src)
	return root, err
}

// mapFields are the entries of a map node; nil for anything else, so
// that optional maps read without a check at every step.
func mapFields(n *syntax.Node) []syntax.Field {
	if n == nil || n.Kind != syntax.KindMap {
		return nil
	}
	return n.Fields
}

// add merges the entries of a metadata object into c.
func (c Constructs) add(md *syntax.Node) {
	for _, f := range mapFields(md) {
		p := f.Key.Text
		con := c[p]
		if con == nil {
			con = &Construct{Path: p}
		}
		for _, e := range f.Value.List() {
			data := e.Get("data")
			switch e.Get("type").ScalarText() {
			case cdkLogicalID:
				con.LogicalID = data.ScalarText()
				if con.Trace == nil {
					con.Trace = stringList(e.Get("trace"))
				}
			case cdkCreationStack:
				con.Trace = stringList(data)
			case cdkTemplateFile:
				con.TemplateFile = localPath(data.ScalarText())
			}
		}
		c[p] = con
	}
}

// stringList is the strings of a list node, in order; other items are
// skipped. Reading stops at maxTraceFrames: only the first frames matter.
func stringList(n *syntax.Node) []string {
	if n == nil || n.Kind != syntax.KindList {
		return nil
	}
	out := make([]string, 0, min(len(n.Items), maxTraceFrames))
	for _, it := range n.Items {
		if len(out) == maxTraceFrames {
			break
		}
		if it.Kind == syntax.KindString {
			out = append(out, it.Text)
		}
	}
	return out
}

// localPath is p cleaned, when it names a file inside the directory it is
// relative to; "" otherwise.
func localPath(p string) string {
	if p == "" || strings.ContainsRune(p, '\\') || strings.ContainsRune(p, 0) {
		return ""
	}
	p = path.Clean(p)
	if path.IsAbs(p) || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return ""
	}
	return p
}

// NestedStack is a nested stack that a template points at: the construct
// path of the nested stack and its template file.
type NestedStack struct {
	Path         string // "/Ops/Patch"
	TemplateFile string // relative to the assembly's directory
}

// NestedStacks finds the nested stacks a synthesized template points
// at: an AWS::CloudFormation::Stack resource whose Metadata has the
// nested template (aws:asset:path) and the resource's construct path
// (aws:cdk:path "Ops/Patch.NestedStack/Patch.NestedStackResource", whose
// parent without ".NestedStack" is the nested stack, "/Ops/Patch"). It is
// how a template file is found for the constructs of a nested stack when
// the metadata has no aws:cdk:templateFile entries (before aws-cdk-lib
// wrote them).
func NestedStacks(roots []*syntax.Node) []NestedStack {
	var out []NestedStack
	for _, root := range roots {
		for _, f := range mapFields(root.Get("Resources")) {
			res := f.Value
			if res.Get("Type").ScalarText() != "AWS::CloudFormation::Stack" {
				continue
			}
			md := res.Get("Metadata")
			file := localPath(md.Get("aws:asset:path").ScalarText())
			parent, _, ok := strings.Cut(md.Get("aws:cdk:path").ScalarText(), ".NestedStack/")
			if file == "" || !ok || parent == "" {
				continue
			}
			out = append(out, NestedStack{Path: "/" + parent, TemplateFile: file})
		}
	}
	return out
}

// AssemblyIndex finds the construct metadata of a resource of one of an
// assembly's templates. Logical IDs are unique only within a template
// (every stack has a CDKMetadata), so the key is both.
type AssemblyIndex struct {
	resources map[resourceKey]*Construct
}

type resourceKey struct{ template, logicalID string }

// NewAssemblyIndex places every construct with a logical ID in its
// template: the one the nearest aws:cdk:templateFile entry at or above
// its path names, else the nested stack at or above it, else its stack's.
// A logical ID that two constructs claim in one template is left out: the
// metadata cannot say which one the resource is.
func NewAssemblyIndex(stacks []AssemblyStack, nested []NestedStack) *AssemblyIndex {
	templateAt := map[string]string{}
	for _, n := range nested {
		templateAt[n.Path] = n.TemplateFile
	}
	for _, s := range stacks {
		for p, c := range s.Constructs {
			if c.TemplateFile != "" {
				templateAt[p] = c.TemplateFile
			}
		}
	}
	idx := &AssemblyIndex{resources: map[resourceKey]*Construct{}}
	claimed := map[resourceKey]bool{}
	for _, s := range stacks {
		for p, c := range s.Constructs {
			if c.LogicalID == "" {
				continue
			}
			key := resourceKey{templateOf(p, templateAt, s.TemplateFile), c.LogicalID}
			if claimed[key] {
				delete(idx.resources, key)
				continue
			}
			claimed[key] = true
			idx.resources[key] = c
		}
	}
	return idx
}

// templateOf is the template of the nearest path at or above p that names
// one, else def.
func templateOf(p string, templateAt map[string]string, def string) string {
	for {
		if t, ok := templateAt[p]; ok {
			return t
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return def
		}
		p = p[:i]
	}
}

// Lookup returns the construct that is the resource logicalID of the
// template (relative to the assembly's directory).
func (idx *AssemblyIndex) Lookup(template, logicalID string) (*Construct, bool) {
	c, ok := idx.resources[resourceKey{path.Clean(template), logicalID}]
	return c, ok
}
