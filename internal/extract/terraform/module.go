package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
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
		files:         map[string]*tfFile{},
		read:          read,
		variables:     map[string]*tfVariable{},
		tfvars:        map[string]*value{},
		locals:        map[string]*tfLocal{},
		docs:          map[string]*tfDoc{},
		reads:         map[*tfFile]place{},
		comments:      map[*tfFile]map[int][]*extract.Comment{},
		blockComments: map[*hclread.Block][]*extract.Comment{},
	}
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
		return tfvarsRank(m.fileOf(tfvars[i]).name) < tfvarsRank(m.fileOf(tfvars[j]).name)
	})
	for _, body := range tfvars {
		for _, a := range body.Attrs {
			m.tfvars[a.Name] = (&tfScope{m: m}).eval(a.Expr, 0)
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
	files     map[string]*tfFile // by key
	lastFile  *tfFile            // the file rangePlace found last: the next range is most often in it too
	read      ReadFunc
	variables map[string]*tfVariable
	tfvars    map[string]*value
	locals    map[string]*tfLocal
	docs      map[string]*tfDoc
	// docObjects finds the document a policy value is the JSON of.
	docObjects map[*value]*tfDoc
	blocks     []*hclread.Block // resources and module calls, in file order
	inputs     []tfInputs       // terragrunt inputs and tfvars Terraform does not load by itself
	warnings   []source.Warning
	steps      int
	limited    bool
	// reads is where each file read through file() or templatefile() was
	// read last: the origin of a policy found in it.
	reads    map[*tfFile]place
	readsNow map[*tfFile]place                      // the same, while one policy is evaluated
	comments map[*tfFile]map[int][]*extract.Comment // by the line they stand before
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

func (m *tfModule) addFile(name string, data []byte) *tfFile {
	f := &tfFile{key: name, name: name, src: source.NewSource(data), data: data}
	m.files[f.key] = f
	return f
}

// addView adds a decoded string of file f (a string of a .tf.json file)
// as a text of its own whose positions map back into f.
func (m *tfModule) addView(f *tfFile, text string, offs source.OffsetMap) *tfFile {
	v := &tfFile{key: fmt.Sprintf("%s#%d", f.key, offs.Map(0)), name: f.name, src: f.src, data: []byte(text), offs: offs}
	m.files[v.key] = v
	return v
}

// warnAt records a warning at a place of the module.
func (m *tfModule) warnAt(at place, msg string) {
	if !at.valid() {
		m.warnings = append(m.warnings, source.Warning{Message: msg})
		return
	}
	pos := at.file.src.Pos(at.file.fileOffset(at.start))
	m.warnings = append(m.warnings, source.Warning{File: at.file.name, Line: pos.Line, Col: pos.Col, Message: msg})
}

// parse reads a file into a block; what cannot be read is a warning.
func (m *tfModule) parse(f *tfFile) *hclread.Block {
	if strings.HasSuffix(f.name, ".json") {
		return m.parseJSON(f)
	}
	top, err := hclread.Read(f.key, f.data)
	var syntaxErr *hclread.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		m.warnAt(place{file: f, start: syntaxErr.Offset}, "cannot parse: "+syntaxErr.Error())
	case err != nil:
		m.warnAt(place{file: f}, err.Error())
	}
	if top == nil {
		return nil
	}
	m.readComments(f)
	return top
}

// fileOf is the file a block is written in.
func (m *tfModule) fileOf(b *hclread.Block) *tfFile {
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
			v := m.policyDocument(name)
			origin := iam.Origin{Resource: "data.aws_iam_policy_document." + name, ResourceType: "aws_iam_policy_document"}
			m.document(v, m.rangePlace(d.block.Range), origin, d.block, nil)
		}
	}
}

// instance is one instance of a block with count or for_each.
type instance struct {
	scope  *tfScope
	suffix string // [0], ["key"]
}

// maxInstances bounds how many instances of one block are read.
const maxInstances = 64

func (m *tfModule) instances(b *hclread.Block) []instance {
	base := &tfScope{m: m}
	if a := b.Attr("for_each"); a != nil {
		coll := base.eval(a.Expr, 0)
		var out []instance
		add := func(k, v *value) {
			key, _ := k.str()
			out = append(out, instance{scope: base.with(map[string]*value{"each": {kind: kindObject, keys: []string{"key", "value"}, fields: []*value{k, v}}}), suffix: fmt.Sprintf("[%q]", key)})
		}
		switch coll.kind {
		case kindObject:
			for _, i := range coll.keyOrder() {
				add(stringValue(coll.keys[i], place{}), coll.fields[i])
			}
		case kindList:
			for _, it := range coll.items {
				add(it, it)
			}
		default:
			h := coll.firstHole()
			if h == nil {
				return nil
			}
			u := &value{kind: kindUnknown, hole: h, at: coll.at}
			return []instance{{scope: base.with(map[string]*value{"each": {kind: kindObject, keys: []string{"key", "value"}, fields: []*value{u, u}}})}}
		}
		if len(out) > maxInstances {
			m.warnAt(m.rangePlace(a.Range), fmt.Sprintf("only the first %d instances of %s are read", maxInstances, strings.Join(b.Labels, ".")))
			out = out[:maxInstances]
		}
		return out
	}
	if a := b.Attr("count"); a != nil {
		n := base.eval(a.Expr, 0)
		text, ok := n.str()
		var count int
		if _, err := fmt.Sscan(text, &count); !ok || n.kind != kindNumber || err != nil {
			h := n.firstHole()
			if h == nil {
				h = &hole{name: truncateName(m.rangePlace(a.Range).text()), kind: iam.UnknownAny}
			}
			u := &value{kind: kindUnknown, hole: h}
			return []instance{{scope: base.with(map[string]*value{"count": {kind: kindObject, keys: []string{"index"}, fields: []*value{u}}})}}
		}
		var out []instance
		for i := range min(count, maxInstances) {
			idx := &value{kind: kindNumber, text: fmt.Sprint(i)}
			out = append(out, instance{scope: base.with(map[string]*value{"count": {kind: kindObject, keys: []string{"index"}, fields: []*value{idx}}}), suffix: fmt.Sprintf("[%d]", i)})
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
func (m *tfModule) name(b *hclread.Block, scope *tfScope) string {
	if a := b.Attr("name"); a != nil {
		if s, ok := scope.eval(a.Expr, 0).str(); ok {
			return s
		}
	}
	return ""
}

// policyAttr reads an attribute that holds a policy.
func (m *tfModule) policyAttr(a *hclread.Attr, scope *tfScope, origin iam.Origin, holder *hclread.Block) {
	m.readsNow = map[*tfFile]place{}
	v := scope.eval(a.Expr, 0)
	m.document(v, m.rangePlace(a.Range), origin, holder, a)
}

// moduleCall reads the inputs of a module call that hold policies.
func (m *tfModule) moduleCall(b *hclread.Block, inst instance) {
	for _, a := range b.Attrs {
		if !strings.Contains(a.Name, "polic") {
			continue
		}
		m.readsNow = map[*tfFile]place{}
		v := inst.scope.eval(a.Expr, 0)
		origin := iam.Origin{Resource: "module." + b.Labels[0] + inst.suffix, ResourceType: "module", Path: a.Name}
		m.input(a.Name, v, m.rangePlace(a.Range), origin, b, a)
	}
}

// inputValues reads terragrunt inputs and tfvars for policies.
func (m *tfModule) inputValues(in tfInputs) {
	scope := &tfScope{m: m}
	if in.expr != nil {
		m.readsNow = map[*tfFile]place{}
		v := scope.eval(in.expr, 0)
		if v.kind != kindObject {
			return
		}
		for i, k := range v.keys {
			m.input(k, v.fields[i], v.fields[i].at, iam.Origin{Path: "inputs." + k}, nil, nil)
		}
		return
	}
	for _, a := range in.body.Attrs {
		m.readsNow = map[*tfFile]place{}
		m.input(a.Name, scope.eval(a.Expr, 0), m.rangePlace(a.Range), iam.Origin{Path: a.Name}, nil, a)
	}
}

// input reads one module input: statement objects for the known
// statement inputs, else anything that is plainly a policy.
func (m *tfModule) input(name string, v *value, at place, origin iam.Origin, holder *hclread.Block, a *hclread.Attr) {
	if statementInputs[name] {
		m.document(&value{kind: kindObject, keys: []string{"Statement"}, fields: []*value{moduleStatements(v)}, at: v.at}, at, origin, holder, a)
		return
	}
	if isPolicyValue(v) {
		m.document(v, at, origin, holder, a)
	}
}

// isPolicyValue reports whether a known value is plainly a policy: an
// object with a Statement, or a string that is one.
func isPolicyValue(v *value) bool {
	switch v.kind {
	case kindObject:
		return v.get("Statement") != nil
	case kindString:
		if v.encodes != nil {
			return isPolicyValue(v.encodes)
		}
		parts := v.stringParts()
		if len(parts) == 0 || parts[0].hole != nil {
			return false
		}
		text := strings.TrimSpace(parts[0].text)
		return strings.HasPrefix(text, "{") && strings.Contains(text, "Statement")
	}
	return false
}

// document records the policy v, read at place at (the attribute).
func (m *tfModule) document(v *value, at place, origin iam.Origin, holder *hclread.Block, a *hclread.Attr) {
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
		if st.at.file != nil && st.at.file != at.file && doc.Origin.Via == "" {
			if r, ok := m.readsNow[st.at.file]; ok {
				doc.Origin.Via = describePlace(r)
			} else if r, ok := m.reads[st.at.file]; ok {
				doc.Origin.Via = describePlace(r)
			}
		}
		doc.Policy.Statements = append(doc.Policy.Statements, st.st)
		file := ""
		if st.at.valid() {
			file = st.at.file.name
			for _, c := range m.suppressionsAt(st.at.file, st.at.start, nil) {
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
func describePlace(p place) string {
	return fmt.Sprintf("%s:%d", p.file.name, p.span().Start.Line)
}

// readFile reads a file for file() and templatefile(), once.
func (m *tfModule) readFile(rel string, at place, warn bool) (*tfFile, error) {
	if m.read == nil {
		err := fmt.Errorf("files are not read when a .tf file is scanned on its own")
		return nil, err
	}
	name, data, err := m.read(rel)
	if err != nil {
		if warn {
			m.warnAt(at, fmt.Sprintf("%s is not read: %v", truncateName(rel), err))
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
func (m *tfModule) deepTemplate(f *tfFile) bool {
	if err := hclread.CheckDepth(f.data); err != nil {
		m.warnAt(place{file: f}, err.Error())
		return true
	}
	return false
}

// hasSuppressionMarker is the cheap test before a file's comments are read.
func hasSuppressionMarker(data []byte) bool {
	return bytes.Contains(data, []byte(suppressionMarker))
}

const suppressionMarker = "ssm-guardrails:"
