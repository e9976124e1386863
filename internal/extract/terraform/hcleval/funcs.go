package hcleval

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

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
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
func failed(at Place) *Value {
	v := UnknownValue(at.Text(), iam.UnknownAny, at)
	v.Hole.Failed = true
	return v
}

func isFailed(v *Value) bool { return v.Kind == KindUnknown && v.Hole.Failed }

func (s *Scope) call(e *hclsyntax.FunctionCallExpr, at Place, depth int) *Value {
	ev := s.ev
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
			return BoolValue(false)
		}
		if v.Kind == KindUnknown {
			return UnknownValue(v.Hole.Name, v.Hole.Kind, at)
		}
		return BoolValue(true)
	}
	args := make([]*Value, 0, len(e.Args))
	for _, a := range e.Args {
		args = append(args, s.eval(a, depth))
	}
	if e.ExpandFinal && len(args) > 0 {
		last := args[len(args)-1]
		if last.Kind != KindList {
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		args = append(args[:len(args)-1], last.Items...)
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
		return &Value{Kind: KindString, Encodes: args[0], At: at}
	case "jsondecode":
		return ev.jsonDecode(args, at)
	case "file":
		if len(args) != 1 {
			return failed(at)
		}
		return ev.file(args[0], at)
	case "fileexists":
		if len(args) != 1 {
			return failed(at)
		}
		path, ok := args[0].Str()
		if !ok {
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		_, err := ev.module.ReadFile(path, at, false)
		return BoolValue(err == nil)
	case "templatefile":
		if s.template {
			ev.module.Warn(at, "templatefile cannot be called from a template; it is not evaluated")
			return failed(at)
		}
		if len(args) != 2 {
			return failed(at)
		}
		return ev.templateFile(args[0], args[1], at, depth)
	case "sensitive", "nonsensitive":
		if len(args) != 1 {
			return failed(at)
		}
		return args[0]
	case "concat", "flatten":
		v := concatLists(e.Name == "flatten", args, at)
		if v.Kind == KindUnknown {
			ev.module.Warn(at, fmt.Sprintf("a list of more than %d items is not evaluated", maxListItems))
		}
		return v
	case "merge":
		return mergeObjects(args, at)
	case "coalesce":
		for _, a := range args {
			if text, ok := a.Str(); a.Kind != KindNull && (!ok || text != "") {
				return a
			}
		}
		return failed(at)
	case "one":
		if len(args) != 1 {
			return failed(at)
		}
		switch l := args[0]; {
		case l.Kind == KindNull:
			return NullValue
		case l.Kind == KindList && len(l.Items) == 0:
			return NullValue
		case l.Kind == KindList && len(l.Items) == 1:
			return l.Items[0]
		case l.Kind == KindList:
			return failed(at)
		}
	case "tolist", "toset", "tuple":
		if len(args) == 1 && args[0].Kind == KindList {
			return args[0]
		}
	case "tomap", "toobject":
		if len(args) == 1 && args[0].Kind == KindObject {
			return args[0]
		}
	case "startswith", "endswith", "strcontains":
		return stringTest(e.Name, args, at)
	case "alltrue", "anytrue":
		return boolFold(e.Name == "alltrue", args, at)
	case "replace":
		if len(args) == 3 {
			if sub, ok := args[1].Str(); ok && len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
				args[1] = StringValue(sub[1:len(sub)-1], Place{})
				return ev.callStdlib("regexreplace", stdlib.RegexReplaceFunc, args, at)
			}
			return ev.callStdlib(e.Name, stdlib.ReplaceFunc, args, at)
		}
	}
	if ty, ok := ctyConversions[e.Name]; ok && len(args) == 1 {
		if !args[0].IsKnown() {
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
		return ev.callStdlib(e.Name, f, args, at)
	}
	for _, a := range args {
		if h := a.FirstHole(); h != nil {
			return UnknownValue(h.Name, iam.UnknownAny, at)
		}
	}
	return UnknownValue(at.Text(), iam.UnknownAny, at)
}

// callStdlib calls a go-cty function on known arguments.
func (ev *Evaluator) callStdlib(name string, f function.Function, args []*Value, at Place) *Value {
	cargs := make([]cty.Value, len(args))
	for i, a := range args {
		if h := a.FirstHole(); h != nil {
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		c, ok := toCty(a)
		if !ok {
			return failed(at)
		}
		cargs[i] = c
	}
	if !withinBounds(name, args) {
		ev.module.Warn(at, fmt.Sprintf("%s would make a value too large to evaluate", name))
		return UnknownValue(at.Text(), iam.UnknownAny, at)
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
	if v.Kind == KindList && len(v.Items) > maxListItems || v.Kind == KindString && len(v.Parts[0].Text) > maxStringBytes {
		ev.module.Warn(at, fmt.Sprintf("%s makes a value too large to evaluate", name))
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	return v
}

// withinBounds refuses arguments that would make a result far larger than
// the arguments: a long range, a wide format verb, a deep indent.
func withinBounds(name string, args []*Value) bool {
	number := func(i int) float64 {
		if i >= len(args) {
			return 0
		}
		var f float64
		text, _ := args[i].Str()
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
		text, _ := args[0].Str()
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
func concatLists(flatten bool, args []*Value, at Place) *Value {
	out := &Value{Kind: KindList, At: at}
	var add func(v *Value, top bool)
	add = func(v *Value, top bool) {
		switch {
		case v.Kind == KindList && (top || flatten):
			for _, it := range v.Items {
				add(it, false)
			}
		case top && v.Kind == KindNull:
		default:
			out.Items = append(out.Items, v)
		}
	}
	for _, a := range args {
		add(a, true)
	}
	if len(out.Items) > maxListItems {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	return out
}

// mergeObjects merges objects, later keys winning. An argument that cannot
// be seen may set any key, so the result cannot be seen either.
func mergeObjects(args []*Value, at Place) *Value {
	out := &Value{Kind: KindObject, At: at}
	for _, a := range args {
		switch a.Kind {
		case KindNull:
		case KindObject:
			for i, k := range a.Keys {
				out.Keys = append(out.Keys, k)
				out.Fields = append(out.Fields, a.Fields[i])
			}
		default:
			h := a.FirstHole()
			if h == nil {
				return failed(at)
			}
			return UnknownValue(h.Name, iam.UnknownAny, at)
		}
	}
	return out
}

func stringTest(name string, args []*Value, at Place) *Value {
	if len(args) != 2 {
		return failed(at)
	}
	a, ok1 := args[0].Str()
	b, ok2 := args[1].Str()
	if !ok1 || !ok2 {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	switch name {
	case "startswith":
		return BoolValue(strings.HasPrefix(a, b))
	case "endswith":
		return BoolValue(strings.HasSuffix(a, b))
	}
	return BoolValue(strings.Contains(a, b))
}

func boolFold(all bool, args []*Value, at Place) *Value {
	if len(args) != 1 || args[0].Kind != KindList {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	for _, it := range args[0].Items {
		if it.Kind != KindBool {
			return UnknownValue(at.Text(), iam.UnknownAny, at)
		}
		if (it.Text == "true") != all {
			return BoolValue(!all)
		}
	}
	return BoolValue(all)
}

// jsonDecode reads JSON text into values; text made by jsonencode is the
// value it encodes.
func (ev *Evaluator) jsonDecode(args []*Value, at Place) *Value {
	if len(args) != 1 {
		return failed(at)
	}
	s := args[0]
	switch {
	case s.Encodes != nil:
		return s.Encodes
	case s.Kind == KindUnknown:
		return s
	case s.Kind != KindString:
		return failed(at)
	}
	v, err := DecodeJSON(s.StringParts())
	if err != nil {
		ev.module.Warn(err.At.Or(at), "jsondecode: "+err.Msg)
		return failed(at)
	}
	return v
}

// file reads a file of the module as a string whose text keeps its place.
func (ev *Evaluator) file(path *Value, at Place) *Value {
	p, ok := path.Str()
	if !ok {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	f, err := ev.module.ReadFile(p, at, true)
	if err != nil {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	return StringValue(string(f.Data), Place{File: f, Start: 0, End: len(f.Data)})
}

// templateFile renders a template file with vars; its literal text keeps
// its place in the template.
func (ev *Evaluator) templateFile(path, vars *Value, at Place, depth int) *Value {
	p, ok := path.Str()
	if !ok {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	f, err := ev.module.ReadFile(p, at, true)
	if err != nil {
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	if err := hclread.CheckDepth(f.Data); err != nil {
		ev.module.Warn(Place{File: f}, err.Error())
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	expr, diags := hclsyntax.ParseTemplate(f.Data, f.Key, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		off := 0
		if d.Subject != nil {
			off = d.Subject.Start.Byte
		}
		ev.module.Warn(Place{File: f, Start: off, End: off}, "templatefile: cannot parse the template: "+d.Summary)
		return UnknownValue(at.Text(), iam.UnknownAny, at)
	}
	sc := &Scope{ev: ev, template: true, names: map[string]*Value{}}
	switch vars.Kind {
	case KindObject:
		for i, k := range vars.Keys {
			sc.names[k] = vars.Fields[i]
		}
	default:
		sc.unseen = vars
	}
	return sc.eval(expr, depth)
}
