// Package terraform finds the IAM policies, the managed policy
// attachments and the suppression comments of a Terraform module. Its
// .tf files are read by package hclread (.tf.json files here, in
// tfjson.go), and its expressions evaluated by package hcleval, which
// asks the module for what they name (variables.go, policydoc.go, the
// files file() reads); the module and its policies are read here.
package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// Terraform is read a module directory at a time: its .tf and .tf.json
// files, the tfvars Terraform loads by itself, and the files it reads
// through file() and templatefile(). A terragrunt file, or a .tf file
// scanned on its own, is a module of one file.

// ModuleFile is one file of a module directory.
type ModuleFile struct {
	Name string // as every output shows it
	Data []byte
}

// ReadFunc reads a file that a module reads through file() or
// templatefile(); rel is the path the call gives, relative to the module
// directory. It returns the name to show and the contents, or an error
// that says why not (a path that leaves the module, a file too large).
type ReadFunc func(rel string) (name string, data []byte, err error)

// Result is what a module yields.
type Result struct {
	Docs     []extract.Document
	Warnings []source.Warning
	// Comments are the suppression comments of the module's files, used
	// or not.
	Comments []*extract.Comment
}

// Is reports whether a file is read by the Terraform reader, which its
// name alone decides.
func Is(name string) bool {
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// IsModuleFile reports whether a file belongs to the module of
// its directory (rather than being a terragrunt file read on its own).
func IsModuleFile(name string) bool {
	return Is(name) && !strings.HasSuffix(name, ".hcl")
}

// AutoTfvars reports whether Terraform loads a tfvars file by itself.
func AutoTfvars(base string) bool {
	return base == "terraform.tfvars" || base == "terraform.tfvars.json" ||
		strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json")
}

// Extract reads the files of one module directory together.
// read may be nil: file() and templatefile() then cannot be evaluated.
func Extract(files []ModuleFile, read ReadFunc) Result {
	m := &tfModule{
		files:         map[string]*hcleval.File{},
		read:          read,
		variables:     map[string]*tfVariable{},
		tfvars:        map[string]*hcleval.Value{},
		locals:        map[string]*tfLocal{},
		docs:          map[string]*tfDoc{},
		reads:         map[*hcleval.File]hcleval.Place{},
		comments:      map[*hcleval.File]map[int][]*extract.Comment{},
		blockComments: map[*hclread.Block][]*extract.Comment{},
	}
	m.ev = hcleval.New(m)
	var tfvars []*hclread.Block
	for _, mf := range files {
		f := m.addFile(mf.Name, mf.Data)
		body := m.parse(f)
		if body == nil {
			continue
		}
		base := path.Base(mf.Name)
		switch {
		case strings.HasSuffix(base, ".tfvars") || strings.HasSuffix(base, ".tfvars.json"):
			if AutoTfvars(base) {
				tfvars = append(tfvars, body)
			} else {
				m.inputs = append(m.inputs, tfInputs{body: body})
			}
		default:
			m.declare(body)
		}
	}
	// Terraform loads terraform.tfvars first, then *.auto.tfvars in order
	// of their names; a later file wins.
	sort.SliceStable(tfvars, func(i, j int) bool {
		return tfvarsRank(m.fileOf(tfvars[i]).Name) < tfvarsRank(m.fileOf(tfvars[j]).Name)
	})
	for _, body := range tfvars {
		for _, a := range body.Attrs {
			m.tfvars[a.Name] = m.ev.Scope().Eval(a.Expr)
		}
	}
	m.extract()
	return Result{Docs: m.out, Warnings: m.warnings, Comments: m.allComments}
}

func tfvarsRank(name string) string {
	base := path.Base(name)
	if strings.HasPrefix(base, "terraform.tfvars") {
		return "0" + base
	}
	return "1" + base
}

// tfModule is one module being read.
type tfModule struct {
	files     map[string]*hcleval.File // by key
	lastFile  *hcleval.File            // the file Place found last: the next range is most often in it too
	read      ReadFunc
	ev        *hcleval.Evaluator // evaluates the module's expressions, asking the module for what they name
	variables map[string]*tfVariable
	tfvars    map[string]*hcleval.Value
	locals    map[string]*tfLocal
	docs      map[string]*tfDoc
	// docObjects finds the document a policy value is the JSON of.
	docObjects map[*hcleval.Value]*tfDoc
	blocks     []*hclread.Block // resources and module calls, in file order
	inputs     []tfInputs       // terragrunt inputs and tfvars Terraform does not load by itself
	warnings   []source.Warning
	// reads is where each file read through file() or templatefile() was
	// read last: the origin of a policy found in it.
	reads    map[*hcleval.File]hcleval.Place
	readsNow map[*hcleval.File]hcleval.Place              // the same, while one policy is evaluated
	comments map[*hcleval.File]map[int][]*extract.Comment // by the line they stand before
	// blockComments are the suppression comments written in a .tf.json
	// block ("//" keys).
	blockComments map[*hclread.Block][]*extract.Comment
	allComments   []*extract.Comment
	out           []extract.Document
	attach        tfAttachments
}

// tfInputs is a map of values that may hold policies: terragrunt's inputs,
// or a tfvars file.
type tfInputs struct {
	body *hclread.Block
	expr hclsyntax.Expression // terragrunt's inputs = {...}
}

func (m *tfModule) addFile(name string, data []byte) *hcleval.File {
	f := &hcleval.File{Key: name, Name: name, Src: source.NewSource(data), Data: data}
	m.files[f.Key] = f
	return f
}

// addView adds a decoded string of file f (a string of a .tf.json file)
// as a text of its own whose positions map back into f.
func (m *tfModule) addView(f *hcleval.File, text string, offs source.OffsetMap) *hcleval.File {
	v := &hcleval.File{Key: fmt.Sprintf("%s#%d", f.Key, offs.Map(0)), Name: f.Name, Src: f.Src, Data: []byte(text), Offs: offs}
	m.files[v.Key] = v
	return v
}

// Place is the place of an hcl range, in the file it names.
func (m *tfModule) Place(r hcl.Range) hcleval.Place {
	f := m.lastFile
	if f == nil || f.Key != r.Filename {
		f = m.files[r.Filename]
		if f == nil {
			return hcleval.Place{}
		}
		m.lastFile = f
	}
	return hcleval.Place{File: f, Start: r.Start.Byte, End: r.End.Byte}
}

// Warn records a warning at a place of the module.
func (m *tfModule) Warn(at hcleval.Place, msg string) {
	if !at.Valid() {
		m.warnings = append(m.warnings, source.Warning{Message: msg})
		return
	}
	pos := at.File.Src.Pos(at.File.FileOffset(at.Start))
	m.warnings = append(m.warnings, source.Warning{File: at.File.Name, Line: pos.Line, Col: pos.Col, Message: msg})
}

// parse reads a file into a block; what cannot be read is a warning.
func (m *tfModule) parse(f *hcleval.File) *hclread.Block {
	if strings.HasSuffix(f.Name, ".json") {
		return m.parseJSON(f)
	}
	top, err := hclread.Read(f.Key, f.Data)
	var syntaxErr *hclread.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		m.Warn(hcleval.Place{File: f, Start: syntaxErr.Offset}, "cannot parse: "+syntaxErr.Error())
	case err != nil:
		m.Warn(hcleval.Place{File: f}, err.Error())
	}
	if top == nil {
		return nil
	}
	m.readComments(f)
	return top
}

// fileOf is the file a block is written in.
func (m *tfModule) fileOf(b *hclread.Block) *hcleval.File {
	return m.files[b.Range.Filename]
}

// declare records what a file declares.
func (m *tfModule) declare(top *hclread.Block) {
	for _, b := range top.Blocks {
		switch {
		case b.Type == "variable" && len(b.Labels) == 1:
			m.variables[b.Labels[0]] = &tfVariable{def: b.Attr("default")}
		case b.Type == "locals":
			for _, a := range b.Attrs {
				m.locals[a.Name] = &tfLocal{expr: a.Expr}
			}
		case b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy_document":
			m.docs[b.Labels[1]] = &tfDoc{block: b}
		case b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy":
			m.declarePolicyData(b)
		case (b.Type == "resource" && len(b.Labels) == 2) || (b.Type == "module" && len(b.Labels) == 1):
			m.blocks = append(m.blocks, b)
		}
	}
	// terragrunt: inputs and locals at the top of the file.
	for _, a := range top.Attrs {
		if a.Name == "inputs" {
			m.inputs = append(m.inputs, tfInputs{expr: a.Expr})
		}
	}
}

// statementInputs are inputs of widely used modules (terraform-aws-modules
// lambda and iam) that take policy statements as objects.
var statementInputs = map[string]bool{"policy_statements": true, "inline_policy_statements": true}

// extract finds the policies of the module.
func (m *tfModule) extract() {
	for _, b := range m.blocks {
		for _, inst := range m.instances(b) {
			switch b.Type {
			case "resource":
				m.resource(b, inst)
			case "module":
				m.moduleCall(b, inst)
			}
		}
	}
	for _, in := range m.inputs {
		m.inputValues(in)
	}
	names := make([]string, 0, len(m.docs))
	for name := range m.docs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := m.docs[name]
		if !d.used {
			v := m.PolicyDocument(name)
			origin := iam.Origin{Resource: "data.aws_iam_policy_document." + name, ResourceType: "aws_iam_policy_document"}
			m.document(v, m.Place(d.block.Range), origin, d.block, nil)
		}
	}
}

// instance is one instance of a block with count or for_each.
type instance struct {
	scope  *hcleval.Scope
	suffix string // [0], ["key"]
}

// maxInstances bounds how many instances of one block are read.
const maxInstances = 64

func (m *tfModule) instances(b *hclread.Block) []instance {
	base := m.ev.Scope()
	if a := b.Attr("for_each"); a != nil {
		coll := base.Eval(a.Expr)
		var out []instance
		add := func(k, v *hcleval.Value) {
			key, _ := k.Str()
			out = append(out, instance{scope: base.With(map[string]*hcleval.Value{"each": {Kind: hcleval.KindObject, Keys: []string{"key", "value"}, Fields: []*hcleval.Value{k, v}}}), suffix: fmt.Sprintf("[%q]", key)})
		}
		switch coll.Kind {
		case hcleval.KindObject:
			for _, i := range coll.KeyOrder() {
				add(hcleval.StringValue(coll.Keys[i], hcleval.Place{}), coll.Fields[i])
			}
		case hcleval.KindList:
			for _, it := range coll.Items {
				add(it, it)
			}
		default:
			h := coll.FirstHole()
			if h == nil {
				return nil
			}
			u := &hcleval.Value{Kind: hcleval.KindUnknown, Hole: h, At: coll.At}
			return []instance{{scope: base.With(map[string]*hcleval.Value{"each": {Kind: hcleval.KindObject, Keys: []string{"key", "value"}, Fields: []*hcleval.Value{u, u}}})}}
		}
		if len(out) > maxInstances {
			m.Warn(m.Place(a.Range), fmt.Sprintf("only the first %d instances of %s are read", maxInstances, strings.Join(b.Labels, ".")))
			out = out[:maxInstances]
		}
		return out
	}
	if a := b.Attr("count"); a != nil {
		n := base.Eval(a.Expr)
		text, ok := n.Str()
		var count int
		if _, err := fmt.Sscan(text, &count); !ok || n.Kind != hcleval.KindNumber || err != nil {
			h := n.FirstHole()
			if h == nil {
				h = &hcleval.Hole{Name: hcleval.TruncateName(m.Place(a.Range).Text()), Kind: iam.UnknownAny}
			}
			u := &hcleval.Value{Kind: hcleval.KindUnknown, Hole: h}
			return []instance{{scope: base.With(map[string]*hcleval.Value{"count": {Kind: hcleval.KindObject, Keys: []string{"index"}, Fields: []*hcleval.Value{u}}})}}
		}
		var out []instance
		for i := range min(count, maxInstances) {
			idx := &hcleval.Value{Kind: hcleval.KindNumber, Text: fmt.Sprint(i)}
			out = append(out, instance{scope: base.With(map[string]*hcleval.Value{"count": {Kind: hcleval.KindObject, Keys: []string{"index"}, Fields: []*hcleval.Value{idx}}}), suffix: fmt.Sprintf("[%d]", i)})
		}
		return out
	}
	return []instance{{scope: base}}
}

// resource reads the identity policies of a resource.
func (m *tfModule) resource(b *hclread.Block, inst instance) {
	m.attachments(b, inst)
	typ, name := b.Labels[0], b.Labels[1]
	origin := iam.Origin{Resource: typ + "." + name + inst.suffix, ResourceType: typ, PolicyName: m.name(b, inst.scope)}
	if attr, ok := extract.TerraformPolicyAttrs[typ]; ok {
		if a := b.Attr(attr); a != nil {
			origin.Path = attr
			m.policyAttr(a, inst.scope, origin, b)
		}
		return
	}
	if typ != "aws_iam_role" {
		return
	}
	for i, ib := range m.expandBlocks(b, "inline_policy", inst.scope) {
		if a := ib.block.Attr("policy"); a != nil {
			o := origin
			o.Path = fmt.Sprintf("inline_policy[%d].policy", i)
			o.PolicyName = m.name(ib.block, ib.scope)
			m.policyAttr(a, ib.scope, o, b)
		}
	}
}

// name is the known name attribute of a block, if any.
func (m *tfModule) name(b *hclread.Block, scope *hcleval.Scope) string {
	if a := b.Attr("name"); a != nil {
		if s, ok := scope.Eval(a.Expr).Str(); ok {
			return s
		}
	}
	return ""
}

// policyAttr reads an attribute that holds a policy.
func (m *tfModule) policyAttr(a *hclread.Attr, scope *hcleval.Scope, origin iam.Origin, holder *hclread.Block) {
	m.readsNow = map[*hcleval.File]hcleval.Place{}
	v := scope.Eval(a.Expr)
	m.document(v, m.Place(a.Range), origin, holder, a)
}

// moduleCall reads the inputs of a module call that hold policies.
func (m *tfModule) moduleCall(b *hclread.Block, inst instance) {
	for _, a := range b.Attrs {
		if !strings.Contains(a.Name, "polic") {
			continue
		}
		m.readsNow = map[*hcleval.File]hcleval.Place{}
		v := inst.scope.Eval(a.Expr)
		origin := iam.Origin{Resource: "module." + b.Labels[0] + inst.suffix, ResourceType: "module", Path: a.Name}
		m.input(a.Name, v, m.Place(a.Range), origin, b, a)
	}
}

// inputValues reads terragrunt inputs and tfvars for policies.
func (m *tfModule) inputValues(in tfInputs) {
	scope := m.ev.Scope()
	if in.expr != nil {
		m.readsNow = map[*hcleval.File]hcleval.Place{}
		v := scope.Eval(in.expr)
		if v.Kind != hcleval.KindObject {
			return
		}
		for i, k := range v.Keys {
			m.input(k, v.Fields[i], v.Fields[i].At, iam.Origin{Path: "inputs." + k}, nil, nil)
		}
		return
	}
	for _, a := range in.body.Attrs {
		m.readsNow = map[*hcleval.File]hcleval.Place{}
		m.input(a.Name, scope.Eval(a.Expr), m.Place(a.Range), iam.Origin{Path: a.Name}, nil, a)
	}
}

// input reads one module input: statement objects for the known
// statement inputs, else anything that is plainly a policy.
func (m *tfModule) input(name string, v *hcleval.Value, at hcleval.Place, origin iam.Origin, holder *hclread.Block, a *hclread.Attr) {
	if statementInputs[name] {
		m.document(&hcleval.Value{Kind: hcleval.KindObject, Keys: []string{"Statement"}, Fields: []*hcleval.Value{moduleStatements(v)}, At: v.At}, at, origin, holder, a)
		return
	}
	if isPolicyValue(v) {
		m.document(v, at, origin, holder, a)
	}
}

// isPolicyValue reports whether a known value is plainly a policy: an
// object with a Statement, or a string that is one.
func isPolicyValue(v *hcleval.Value) bool {
	switch v.Kind {
	case hcleval.KindObject:
		return v.Get("Statement") != nil
	case hcleval.KindString:
		if v.Encodes != nil {
			return isPolicyValue(v.Encodes)
		}
		parts := v.StringParts()
		if len(parts) == 0 || parts[0].Hole != nil {
			return false
		}
		text := strings.TrimSpace(parts[0].Text)
		return strings.HasPrefix(text, "{") && strings.Contains(text, "Statement")
	}
	return false
}

// document records the policy v, read at place at (the attribute).
func (m *tfModule) document(v *hcleval.Value, at hcleval.Place, origin iam.Origin, holder *hclread.Block, a *hclread.Attr) {
	stmts := m.policyStatements(v, at, 0)
	if len(stmts) == 0 {
		return
	}
	doc := extract.Document{Origin: origin}
	var sups []extract.Suppression
	if holder != nil {
		sups = append(sups, m.suppressionsAt(m.fileOf(holder), holder.Range.Start.Byte, m.blockComments[holder])...)
	}
	if a != nil {
		sups = append(sups, m.suppressionsAt(m.files[a.Range.Filename], a.Range.Start.Byte, nil)...)
	}
	doc.Policy.Statements = make([]iam.Statement, 0, len(stmts))
	doc.Files = make([]string, 0, len(stmts))
	for _, st := range stmts {
		if st.at.File != nil && st.at.File != at.File && doc.Origin.Via == "" {
			if r, ok := m.readsNow[st.at.File]; ok {
				doc.Origin.Via = describePlace(r)
			} else if r, ok := m.reads[st.at.File]; ok {
				doc.Origin.Via = describePlace(r)
			}
		}
		doc.Policy.Statements = append(doc.Policy.Statements, st.st)
		file := ""
		if st.at.Valid() {
			file = st.at.File.Name
			for _, c := range m.suppressionsAt(st.at.File, st.at.Start, nil) {
				span := st.st.Span
				c.Span = &span
				sups = append(sups, c)
			}
		}
		doc.Files = append(doc.Files, file)
	}
	doc.Suppressions = sups
	m.out = append(m.out, doc)
}

// describePlace is FILE:LINE.
func describePlace(p hcleval.Place) string {
	return fmt.Sprintf("%s:%d", p.File.Name, p.Span().Start.Line)
}

// ReadFile reads a file for file() and templatefile(), once.
func (m *tfModule) ReadFile(rel string, at hcleval.Place, warn bool) (*hcleval.File, error) {
	if m.read == nil {
		err := fmt.Errorf("files are not read when a .tf file is scanned on its own")
		return nil, err
	}
	name, data, err := m.read(rel)
	if err != nil {
		if warn {
			m.Warn(at, fmt.Sprintf("%s is not read: %v", hcleval.TruncateName(rel), err))
		}
		return nil, err
	}
	f := m.files[name]
	if f == nil {
		f = m.addFile(name, data)
	}
	m.reads[f] = at
	if m.readsNow != nil {
		m.readsNow[f] = at
	}
	return f, nil
}

// deepTemplate reports, with a warning, a text nested too deeply for the
// HCL parser, which recurses once per level.
func (m *tfModule) deepTemplate(f *hcleval.File) bool {
	if err := hclread.CheckDepth(f.Data); err != nil {
		m.Warn(hcleval.Place{File: f}, err.Error())
		return true
	}
	return false
}

// hasSuppressionMarker is the cheap test before a file's comments are read.
func hasSuppressionMarker(data []byte) bool {
	return bytes.Contains(data, []byte(suppressionMarker))
}

const suppressionMarker = "ssm-guardrails:"
