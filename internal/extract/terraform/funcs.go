package terraform

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// Terraform's functions. Those that carry policies and their positions
// (jsonencode, jsondecode, file, templatefile, concat, merge, flatten, ...)
// are evaluated here on our values; the rest are go-cty's stdlib functions,
// called when every argument is known. A function that is not here, or
// that fails, gives a value that could not be evaluated.

// ctyFunctions are Terraform's functions that go-cty's stdlib implements.
// Functions whose result can grow without bound from a small input
// (setproduct) are left out.
var ctyFunctions = map[string]function.Function{
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
	"chunklist": stdlib.ChunklistFunc, "contains": stdlib.ContainsFunc, "csvdecode": stdlib.CSVDecodeFunc,
	"floor": stdlib.FloorFunc, "format": stdlib.FormatFunc, "formatdate": stdlib.FormatDateFunc,
	"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc, "join": stdlib.JoinFunc,
	"keys": stdlib.KeysFunc, "length": stdlib.LengthFunc, "log": stdlib.LogFunc,
	"lower": stdlib.LowerFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
	"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "range": stdlib.RangeFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "reverse": stdlib.ReverseListFunc,
	"setintersection": stdlib.SetIntersectionFunc, "setsubtract": stdlib.SetSubtractFunc,
	"setunion": stdlib.SetUnionFunc, "signum": stdlib.SignumFunc, "slice": stdlib.SliceFunc,
	"sort": stdlib.SortFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
	"substr": stdlib.SubstrFunc, "timeadd": stdlib.TimeAddFunc, "title": stdlib.TitleFunc,
	"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc,
	"trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc,
	"zipmap": stdlib.ZipmapFunc, "distinct": stdlib.DistinctFunc, "compact": stdlib.CompactFunc,
	"coalescelist": stdlib.CoalesceListFunc, "element": stdlib.ElementFunc, "lookup": stdlib.LookupFunc,
	"contains_key": stdlib.HasIndexFunc,
}

// ctyConversions are the to* conversions.
var ctyConversions = map[string]cty.Type{
	"tostring": cty.String, "tonumber": cty.Number, "tobool": cty.Bool,
}

// failed is the value of an expression that Terraform would reject: try()
// moves on from it, can() is false for it.
func failed(at place) *value {
	v := unknownValue(at.text(), iam.UnknownAny, at)
	v.hole.failed = true
	return v
}

func isFailed(v *value) bool { return v.kind == kindUnknown && v.hole.failed }

func (s *tfScope) call(e *hclsyntax.FunctionCallExpr, at place, depth int) *value {
	m := s.m
	switch e.Name {
	case "try":
		for i, a := range e.Args {
			v := s.eval(a, depth)
			if !isFailed(v) || i == len(e.Args)-1 {
				return v
			}
		}
		return failed(at)
	case "can":
		if len(e.Args) != 1 {
			return failed(at)
		}
		v := s.eval(e.Args[0], depth)
		if isFailed(v) {
			return boolValue(false)
		}
		if v.kind == kindUnknown {
			return unknownValue(v.hole.name, v.hole.kind, at)
		}
		return boolValue(true)
	}
	args := make([]*value, 0, len(e.Args))
	for _, a := range e.Args {
		args = append(args, s.eval(a, depth))
	}
	if e.ExpandFinal && len(args) > 0 {
		last := args[len(args)-1]
		if last.kind != kindList {
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		args = append(args[:len(args)-1], last.items...)
	}
	for _, a := range args {
		if isFailed(a) {
			return a
		}
	}
	switch e.Name {
	case "jsonencode":
		if len(args) != 1 {
			return failed(at)
		}
		return &value{kind: kindString, encodes: args[0], at: at}
	case "jsondecode":
		return m.jsonDecode(args, at)
	case "file":
		if len(args) != 1 {
			return failed(at)
		}
		return m.file(args[0], at)
	case "fileexists":
		if len(args) != 1 {
			return failed(at)
		}
		path, ok := args[0].str()
		if !ok {
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		_, err := m.readFile(path, at, false)
		return boolValue(err == nil)
	case "templatefile":
		if s.template {
			m.warnAt(at, "templatefile cannot be called from a template; it is not evaluated")
			return failed(at)
		}
		if len(args) != 2 {
			return failed(at)
		}
		return m.templateFile(args[0], args[1], at, depth)
	case "sensitive", "nonsensitive":
		if len(args) != 1 {
			return failed(at)
		}
		return args[0]
	case "concat", "flatten":
		v := concatLists(e.Name == "flatten", args, at)
		if v.kind == kindUnknown {
			m.warnAt(at, fmt.Sprintf("a list of more than %d items is not evaluated", maxListItems))
		}
		return v
	case "merge":
		return mergeObjects(args, at)
	case "coalesce":
		for _, a := range args {
			if text, ok := a.str(); a.kind != kindNull && (!ok || text != "") {
				return a
			}
		}
		return failed(at)
	case "one":
		if len(args) != 1 {
			return failed(at)
		}
		switch l := args[0]; {
		case l.kind == kindNull:
			return nullValue
		case l.kind == kindList && len(l.items) == 0:
			return nullValue
		case l.kind == kindList && len(l.items) == 1:
			return l.items[0]
		case l.kind == kindList:
			return failed(at)
		}
	case "tolist", "toset", "tuple":
		if len(args) == 1 && args[0].kind == kindList {
			return args[0]
		}
	case "tomap", "toobject":
		if len(args) == 1 && args[0].kind == kindObject {
			return args[0]
		}
	case "startswith", "endswith", "strcontains":
		return stringTest(e.Name, args, at)
	case "alltrue", "anytrue":
		return boolFold(e.Name == "alltrue", args, at)
	case "replace":
		if len(args) == 3 {
			if sub, ok := args[1].str(); ok && len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
				args[1] = stringValue(sub[1:len(sub)-1], place{})
				return m.callStdlib("regexreplace", stdlib.RegexReplaceFunc, args, at)
			}
			return m.callStdlib(e.Name, stdlib.ReplaceFunc, args, at)
		}
	}
	if ty, ok := ctyConversions[e.Name]; ok && len(args) == 1 {
		if !args[0].isKnown() {
			return args[0]
		}
		c, _ := toCty(args[0])
		res, err := ctyConvert(c, ty)
		if err != nil {
			return failed(at)
		}
		return fromCty(res, at)
	}
	if f, ok := ctyFunctions[e.Name]; ok {
		return m.callStdlib(e.Name, f, args, at)
	}
	for _, a := range args {
		if h := a.firstHole(); h != nil {
			return unknownValue(h.name, iam.UnknownAny, at)
		}
	}
	return unknownValue(at.text(), iam.UnknownAny, at)
}

// callStdlib calls a go-cty function on known arguments.
func (m *tfModule) callStdlib(name string, f function.Function, args []*value, at place) *value {
	cargs := make([]cty.Value, len(args))
	for i, a := range args {
		if h := a.firstHole(); h != nil {
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		c, ok := toCty(a)
		if !ok {
			return failed(at)
		}
		cargs[i] = c
	}
	if !withinBounds(name, args) {
		m.warnAt(at, fmt.Sprintf("%s would make a value too large to evaluate", name))
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	params := f.Params()
	for i := range cargs {
		ty := cty.DynamicPseudoType
		switch {
		case i < len(params):
			ty = params[i].Type
		case f.VarParam() != nil:
			ty = f.VarParam().Type
		}
		c, err := ctyConvert(cargs[i], ty)
		if err != nil {
			return failed(at)
		}
		cargs[i] = c
	}
	res, err := callCty(f, cargs)
	if err != nil {
		return failed(at)
	}
	v := fromCty(res, at)
	if v.kind == kindList && len(v.items) > maxListItems || v.kind == kindString && len(v.parts[0].text) > maxStringBytes {
		m.warnAt(at, fmt.Sprintf("%s makes a value too large to evaluate", name))
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	return v
}

// withinBounds refuses arguments that would make a result far larger than
// the arguments: a long range, a wide format verb, a deep indent.
func withinBounds(name string, args []*value) bool {
	number := func(i int) float64 {
		if i >= len(args) {
			return 0
		}
		var f float64
		text, _ := args[i].str()
		fmt.Sscan(text, &f)
		return f
	}
	switch name {
	case "range":
		lo, hi, step := 0.0, number(0), 1.0
		if len(args) > 1 {
			lo, hi = number(0), number(1)
		}
		if len(args) > 2 {
			step = number(2)
		}
		return step != 0 && (hi-lo)/step <= maxListItems
	case "format", "formatlist":
		if len(args) == 0 {
			return true
		}
		text, _ := args[0].str()
		return !wideVerb.MatchString(text)
	case "indent":
		return number(0) <= 64
	}
	return true
}

var wideVerb = regexp.MustCompile(`%[-+# 0]*[0-9]{4,}|%[-+# 0]*[0-9]*\.[0-9]{4,}`)

// callCty calls f, turning a panic of a function on odd input into an
// error.
func callCty(f function.Function, args []cty.Value) (res cty.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f.Call(args)
}

func ctyConvert(c cty.Value, ty cty.Type) (res cty.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return convert.Convert(c, ty)
}

// concatLists joins lists keeping their elements (and their places). A
// list that cannot be seen adds one element that cannot be seen.
func concatLists(flatten bool, args []*value, at place) *value {
	out := &value{kind: kindList, at: at}
	var add func(v *value, top bool)
	add = func(v *value, top bool) {
		switch {
		case v.kind == kindList && (top || flatten):
			for _, it := range v.items {
				add(it, false)
			}
		case top && v.kind == kindNull:
		default:
			out.items = append(out.items, v)
		}
	}
	for _, a := range args {
		add(a, true)
	}
	if len(out.items) > maxListItems {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	return out
}

// mergeObjects merges objects, later keys winning. An argument that cannot
// be seen may set any key, so the result cannot be seen either.
func mergeObjects(args []*value, at place) *value {
	out := &value{kind: kindObject, at: at}
	for _, a := range args {
		switch a.kind {
		case kindNull:
		case kindObject:
			for i, k := range a.keys {
				out.keys = append(out.keys, k)
				out.fields = append(out.fields, a.fields[i])
			}
		default:
			h := a.firstHole()
			if h == nil {
				return failed(at)
			}
			return unknownValue(h.name, iam.UnknownAny, at)
		}
	}
	return out
}

func stringTest(name string, args []*value, at place) *value {
	if len(args) != 2 {
		return failed(at)
	}
	a, ok1 := args[0].str()
	b, ok2 := args[1].str()
	if !ok1 || !ok2 {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	switch name {
	case "startswith":
		return boolValue(strings.HasPrefix(a, b))
	case "endswith":
		return boolValue(strings.HasSuffix(a, b))
	}
	return boolValue(strings.Contains(a, b))
}

func boolFold(all bool, args []*value, at place) *value {
	if len(args) != 1 || args[0].kind != kindList {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	for _, it := range args[0].items {
		if it.kind != kindBool {
			return unknownValue(at.text(), iam.UnknownAny, at)
		}
		if (it.text == "true") != all {
			return boolValue(!all)
		}
	}
	return boolValue(all)
}

// jsonDecode reads JSON text into values; text made by jsonencode is the
// value it encodes.
func (m *tfModule) jsonDecode(args []*value, at place) *value {
	if len(args) != 1 {
		return failed(at)
	}
	s := args[0]
	switch {
	case s.encodes != nil:
		return s.encodes
	case s.kind == kindUnknown:
		return s
	case s.kind != kindString:
		return failed(at)
	}
	v, err := decodeJSON(s.stringParts())
	if err != nil {
		m.warnAt(cmpPlace(err.at, at), "jsondecode: "+err.msg)
		return failed(at)
	}
	return v
}

// cmpPlace is p if it is somewhere, else fallback.
func cmpPlace(p, fallback place) place {
	if p.valid() {
		return p
	}
	return fallback
}

// file reads a file of the module as a string whose text keeps its place.
func (m *tfModule) file(path *value, at place) *value {
	p, ok := path.str()
	if !ok {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	f, err := m.readFile(p, at, true)
	if err != nil {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	return stringValue(string(f.data), place{file: f, start: 0, end: len(f.data)})
}

// templateFile renders a template file with vars; its literal text keeps
// its place in the template.
func (m *tfModule) templateFile(path, vars *value, at place, depth int) *value {
	p, ok := path.str()
	if !ok {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	f, err := m.readFile(p, at, true)
	if err != nil {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	if m.deepTemplate(f) {
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	expr, diags := hclsyntax.ParseTemplate(f.data, f.key, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		off := 0
		if d.Subject != nil {
			off = d.Subject.Start.Byte
		}
		m.warnAt(place{file: f, start: off, end: off}, "templatefile: cannot parse the template: "+d.Summary)
		return unknownValue(at.text(), iam.UnknownAny, at)
	}
	sc := &tfScope{m: m, template: true, names: map[string]*value{}}
	switch vars.kind {
	case kindObject:
		for i, k := range vars.keys {
			sc.names[k] = vars.fields[i]
		}
	default:
		sc.unseen = vars
	}
	return sc.eval(expr, depth)
}
