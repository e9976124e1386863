package extract

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// maxAlternatives bounds how many values one element may resolve to
// through nested Fn::If, Fn::Join and Fn::FindInMap, so hostile templates
// stay linear. Past it, the last alternative stands for all the rest as
// a value that could not be evaluated (tooMany): never a silent pass.
const maxAlternatives = 64

// tooMany stands for the alternatives past maxAlternatives.
var tooMany = unknown("more than 64 alternatives", "${...}", iam.UnknownAny)

// pseudoParameters are the CloudFormation values that differ from stack to
// stack: for instance coverage they match anything.
var pseudoParameters = map[string]bool{
	"AWS::Region": true, "AWS::AccountId": true, "AWS::Partition": true,
	"AWS::URLSuffix": true, "AWS::StackName": true, "AWS::StackId": true,
	"AWS::NotificationARNs": true,
}

// resolver turns a policy element (a string, a list, or CloudFormation
// intrinsics) into the values the evaluator matches. Fn::If yields the
// values of every branch; Ref AWS::NoValue yields nothing; a pseudo
// parameter is a place unknown. What CloudFormation resolves without
// deploying is resolved: Fn::FindInMap over the template's Mappings,
// Fn::Select, Fn::Split and Fn::Join; where widening is set, a parameter
// with a Default is read as it. A reference to anything else is a
// specific unknown.
type resolver struct {
	// sub is set inside a policy that is the template of a Fn::Sub: every
	// string in it is itself a template.
	sub *substitution
	// stack is the template's parameters and mappings; nil outside one.
	stack *stack
	// widening is set where a broader value grants more (an Allow's
	// Action, Resource and Condition, an attachment): there a value that
	// only some deployments have (a parameter's Default, every entry a
	// mapping key that is not known may pick) is one to judge. Elsewhere
	// (a Deny, NotAction, NotResource) it would narrow the grant, and only
	// what every deployment has may do that, so such a value stays opaque.
	widening bool
	// from is set while reading a policy that is a parameter's Default:
	// every value of it is read with that default.
	from string
}

// stack is what a CloudFormation template lets the resolver see without
// deploying it.
type stack struct {
	parameters *syntax.Node // the Parameters map
	mappings   *syntax.Node // the Mappings map
}

// elementResolver resolves one element (Action, Resource, Condition, ...)
// of a statement with the given effect; see resolver.widening.
func (e *extractor) elementResolver(effect, element string) resolver {
	r := e.resolver()
	r.widening = effect == "Allow" && (element == "Action" || element == "Resource" || element == "Condition")
	return r
}

// substitution is a Fn::Sub whose template is a whole policy.
type substitution struct {
	vars *syntax.Node // the variables map of Fn::Sub [template, vars], or nil
}

// values resolves every item of an element; nil when none has a value.
func (r resolver) values(n *syntax.Node) iam.Values {
	items := n.List()
	var out iam.Values
	for _, item := range items {
		if out == nil {
			out = make(iam.Values, 0, len(items)) // most items are one value each
		}
		if item.IsScalar() && (item.Kind != syntax.KindString || r.sub == nil) {
			// What resolve gives for it, without a list of one.
			out = append(out, r.value(literal(item.Text)))
			continue
		}
		for _, v := range r.resolve(item) {
			out = append(out, r.value(v))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// value is v as the evaluator sees it.
func (r resolver) value(v textValue) iam.Value {
	defaults := v.defaults
	if r.from != "" {
		defaults = mergeNames([]string{r.from}, defaults)
	}
	return iam.Value{Text: v.text, Unknowns: v.unknowns, Source: v.source, Defaults: defaults}
}

// textValue is one resolved alternative: what to match and how to show it.
type textValue struct {
	text     string
	unknowns []iam.Unknown
	source   string
	defaults []string // the parameters read as their Default, as "parameter Name"
}

// literal is text as it is written.
func literal(s string) textValue { return textValue{text: s, source: s} }

// unknown is a value the scanner cannot see, shown as source.
func unknown(name, source string, kind iam.UnknownKind) textValue {
	return textValue{unknowns: []iam.Unknown{{Name: name, Kind: kind}}, source: source}
}

// opaque is a reference to something other than a pseudo parameter.
func opaque(name string) textValue { return unknown(name, "${"+name+"}", iam.UnknownSpecific) }

// pseudo is a pseudo parameter. Templates are full of them, so each one's
// unknown list is made once and shared (concat never changes a list).
func pseudo(name, source string) textValue {
	return textValue{unknowns: pseudoUnknowns[name], source: source}
}

var pseudoUnknowns = func() map[string][]iam.Unknown {
	m := make(map[string][]iam.Unknown, len(pseudoParameters))
	for name := range pseudoParameters {
		m[name] = []iam.Unknown{{Name: name, Kind: iam.UnknownPlace}}
	}
	return m
}()

// is reports whether v is exactly the literal word.
func (v textValue) is(word string) bool { return len(v.unknowns) == 0 && v.text == word }

// defaulted is a parameter's Default, read as the parameter's value.
func defaulted(text, parameter string) textValue {
	return textValue{text: text, source: text, defaults: []string{"parameter " + parameter}}
}

// concat is a followed by sep and b. Unknown lists are never changed in
// place, so a result may share its operands' lists.
func concat(a textValue, sep string, b textValue) textValue {
	out := textValue{text: a.text + sep + b.text, source: a.source + sep + b.source, unknowns: a.unknowns,
		defaults: mergeNames(a.defaults, b.defaults)}
	shift := len(a.text) + len(sep)
	switch {
	case len(b.unknowns) == 0:
	case len(a.unknowns) == 0 && shift == 0:
		out.unknowns = b.unknowns
	default:
		out.unknowns = append(make([]iam.Unknown, 0, len(a.unknowns)+len(b.unknowns)), a.unknowns...)
		for _, u := range b.unknowns {
			u.At += shift
			out.unknowns = append(out.unknowns, u)
		}
	}
	return out
}

// intrinsic returns the function name and argument of a one-key map such
// as {"Fn::Sub": ...} or {"Ref": ...}.
func intrinsic(n *syntax.Node) (string, *syntax.Node, bool) {
	if n == nil || n.Kind != syntax.KindMap || len(n.Fields) != 1 {
		return "", nil, false
	}
	name := n.Fields[0].Key.Text
	if name == "Ref" || name == "Condition" || strings.HasPrefix(name, "Fn::") {
		return name, n.Fields[0].Value, true
	}
	return "", nil, false
}

func (r resolver) resolve(n *syntax.Node) []textValue {
	switch {
	case n == nil || n.Kind == syntax.KindNull:
		return nil
	case n.Kind == syntax.KindString && r.sub != nil:
		return r.template(n.Text, r.sub.vars)
	case n.IsScalar():
		return []textValue{literal(n.Text)}
	case n.Kind == syntax.KindList:
		var out []textValue
		for _, item := range n.Items {
			out = appendBounded(out, r.resolve(item)...)
		}
		return out
	}
	name, arg, ok := intrinsic(n)
	if !ok {
		return []textValue{opaque("object")}
	}
	switch name {
	case "Ref":
		return r.ref(arg)
	case "Fn::Sub":
		return r.fnSub(arg)
	case "Fn::Join":
		return r.join(arg)
	case "Fn::FindInMap":
		return r.findInMap(arg)
	case "Fn::Select":
		return r.selectItem(arg)
	case "Fn::Split":
		items, ok := r.items(n)
		if !ok {
			return []textValue{opaque(name)}
		}
		var out []textValue
		for _, alts := range items {
			out = append(out, alts...)
		}
		return out
	case "Fn::If":
		if arg.Kind != syntax.KindList || len(arg.Items) != 3 {
			return []textValue{opaque(name)}
		}
		return appendBounded(r.resolve(arg.Items[1]), r.resolve(arg.Items[2])...)
	default:
		return []textValue{opaque(name)}
	}
}

func (r resolver) ref(arg *syntax.Node) []textValue {
	if arg == nil || !arg.IsScalar() {
		return []textValue{opaque("Ref")}
	}
	switch {
	case arg.Text == "AWS::NoValue":
		return nil
	case pseudoParameters[arg.Text]:
		return []textValue{pseudo(arg.Text, "${"+arg.Text+"}")}
	}
	if vs, ok := r.parameter(arg.Text); ok {
		return vs
	}
	return []textValue{opaque(arg.Text)}
}

// parameter reads a template parameter as its Default, where the
// resolver widens: one value the stack may be deployed with. A list
// parameter's Default is its items. The Default of an SSM parameter type
// is the name of the SSM parameter, not its value.
func (r resolver) parameter(name string) ([]textValue, bool) {
	if !r.widening || r.stack == nil {
		return nil, false
	}
	p := r.stack.parameters.Get(name)
	def := p.Get("Default")
	typ := p.Get("Type").ScalarText()
	if !def.IsScalar() || strings.HasPrefix(typ, "AWS::SSM::Parameter::") {
		return nil, false
	}
	if typ != "CommaDelimitedList" && !strings.HasPrefix(typ, "List<") {
		return []textValue{defaulted(def.Text, name)}, true
	}
	var out []textValue
	for _, item := range strings.Split(def.Text, ",") {
		out = append(out, defaulted(strings.TrimSpace(item), name))
	}
	return out, true
}

// fnSub substitutes ${Name} references in a Fn::Sub template:
// pseudo parameters become "*", variables given in the second argument
// their values, ${!Literal} the literal "${Literal}", and anything else an
// opaque value.
func (r resolver) fnSub(arg *syntax.Node) []textValue {
	template, vars := arg, (*syntax.Node)(nil)
	if arg.Kind == syntax.KindList && len(arg.Items) == 2 {
		template, vars = arg.Items[0], arg.Items[1]
	}
	if template == nil || template.Kind != syntax.KindString {
		return []textValue{opaque("Fn::Sub")}
	}
	return r.template(template.Text, vars)
}

// template substitutes the references of one Fn::Sub template string.
// The text between two references that take alternatives (variables and
// parameters) is the same in every alternative: it is gathered into one
// run and appended once, its source being the template's own text.
func (r resolver) template(s string, vars *syntax.Node) []textValue {
	results := []textValue{{}}
	var buf [128]byte
	run := templateRun{template: s, text: buf[:0], verbatim: true}
	for at := 0; at < len(s); {
		i := strings.Index(s[at:], "${")
		if i < 0 {
			run.add(s[at:])
			break
		}
		i += at
		run.add(s[at:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			run.add(s[i:])
			break
		}
		name := s[i+2 : i+j]
		at = i + j + 1
		switch {
		case strings.HasPrefix(name, "!"):
			run.text = append(append(append(run.text, "${"...), name[1:]...), '}')
			run.verbatim = false
		case pseudoParameters[name]:
			run.unknown(name, iam.UnknownPlace)
		case vars.Get(name) != nil:
			results = product(run.flush(results, i, at), r.resolve(vars.Get(name)), "")
		default:
			if vs, ok := r.parameter(name); ok {
				results = product(run.flush(results, i, at), vs, "")
			} else {
				run.unknown(name, iam.UnknownSpecific)
			}
		}
	}
	return run.flush(results, len(s), len(s))
}

// templateRun is the text of a Fn::Sub template since the last reference
// that takes alternatives: template[start:] up to where it is read, as
// text with its unknowns.
type templateRun struct {
	template string
	start    int
	text     []byte
	unknowns []iam.Unknown
	// verbatim is set while text is the template's own text.
	verbatim bool
}

func (t *templateRun) add(literal string) { t.text = append(t.text, literal...) }

// unknown adds a reference to what the scanner cannot see.
func (t *templateRun) unknown(name string, kind iam.UnknownKind) {
	if t.unknowns == nil {
		// Room for every reference left: an ARN has several.
		t.unknowns = make([]iam.Unknown, 0, strings.Count(t.template[t.start:], "${"))
	}
	t.unknowns = append(t.unknowns, iam.Unknown{At: len(t.text), Name: name, Kind: kind})
	t.verbatim = false
}

// flush appends the run, which ends at end, to every alternative, and
// starts the next run at next.
func (t *templateRun) flush(alts []textValue, end, next int) []textValue {
	if t.start < end {
		v := textValue{source: t.template[t.start:end], unknowns: t.unknowns}
		if t.verbatim {
			v.text = v.source
		} else {
			v.text = string(t.text)
		}
		alts = appendAll(alts, v)
	}
	t.start, t.text, t.unknowns, t.verbatim = next, t.text[:0], nil, true
	return alts
}

// join joins the resolved items of Fn::Join [delimiter, list].
func (r resolver) join(arg *syntax.Node) []textValue {
	if arg.Kind != syntax.KindList || len(arg.Items) != 2 || arg.Items[0].Kind != syntax.KindString {
		return []textValue{opaque("Fn::Join")}
	}
	items, ok := r.items(arg.Items[1])
	if !ok {
		return []textValue{opaque("Fn::Join")}
	}
	delim := arg.Items[0].Text
	results := []textValue{{}}
	for i, alts := range items {
		sep := delim
		if i == 0 {
			sep = ""
		}
		results = product(results, alts, sep)
	}
	return results
}

// items resolves a list-valued expression (a list, Fn::Split, a Ref to a
// list parameter, a Fn::FindInMap of a list) into its items, each with
// its alternatives. It reports false for a list it cannot see.
func (r resolver) items(n *syntax.Node) ([][]textValue, bool) {
	if n != nil && n.Kind == syntax.KindList {
		items := make([][]textValue, len(n.Items))
		for i, item := range n.Items {
			items[i] = r.resolve(item)
		}
		return items, true
	}
	name, arg, _ := intrinsic(n)
	var list []textValue
	switch name {
	case "Fn::Split":
		if arg.Kind != syntax.KindList || len(arg.Items) != 2 || arg.Items[0].Kind != syntax.KindString || arg.Items[0].Text == "" {
			return nil, false
		}
		whole := r.resolve(arg.Items[1])
		if len(whole) != 1 {
			return nil, false
		}
		list = split(whole[0], arg.Items[0].Text)
	case "Ref":
		var ok bool
		if list, ok = r.parameter(arg.ScalarText()); !ok {
			return nil, false
		}
	case "Fn::FindInMap":
		found := r.mapEntries(arg)
		if len(found) != 1 || found[0].Kind != syntax.KindList {
			return nil, false
		}
		return r.items(found[0])
	default:
		return nil, false
	}
	items := make([][]textValue, len(list))
	for i, v := range list {
		items[i] = []textValue{v}
	}
	return items, true
}

// split cuts v at every delim, as Fn::Split does. An unknown goes with
// the piece it stands at the end or inside of.
func split(v textValue, delim string) []textValue {
	var out []textValue
	start, next := 0, 0
	for {
		end := len(v.text)
		if j := strings.Index(v.text[start:], delim); j >= 0 {
			end = start + j
		}
		piece := textValue{text: v.text[start:end], defaults: v.defaults}
		for ; next < len(v.unknowns) && v.unknowns[next].At <= end; next++ {
			u := v.unknowns[next]
			u.At -= start
			piece.unknowns = append(piece.unknowns, u)
		}
		piece.source = show(piece)
		out = append(out, piece)
		if end == len(v.text) {
			return out
		}
		start = end + len(delim)
	}
}

// show spells v with its unknowns as ${Name} references.
func show(v textValue) string {
	if len(v.unknowns) == 0 {
		return v.text
	}
	var b strings.Builder
	at := 0
	for _, u := range v.unknowns {
		b.WriteString(v.text[at:u.At])
		b.WriteString("${" + u.Name + "}")
		at = u.At
	}
	b.WriteString(v.text[at:])
	return b.String()
}

// selectItem picks an item of a list: Fn::Select [index, list].
func (r resolver) selectItem(arg *syntax.Node) []textValue {
	if arg.Kind != syntax.KindList || len(arg.Items) != 2 {
		return []textValue{opaque("Fn::Select")}
	}
	index := r.resolve(arg.Items[0])
	items, ok := r.items(arg.Items[1])
	if !ok || len(index) != 1 || len(index[0].unknowns) > 0 {
		return []textValue{opaque("Fn::Select")}
	}
	i, err := strconv.Atoi(index[0].text)
	if err != nil || i < 0 || i >= len(items) {
		return []textValue{opaque("Fn::Select")}
	}
	out := make([]textValue, len(items[i]))
	for j, v := range items[i] {
		v.defaults = mergeNames(index[0].defaults, v.defaults)
		out[j] = v
	}
	return out
}

// findInMap looks up Fn::FindInMap [map, top-level key, second-level key]
// in the template's Mappings.
func (r resolver) findInMap(arg *syntax.Node) []textValue {
	var out []textValue
	for _, n := range r.mapEntries(arg) {
		out = appendBounded(out, r.resolve(n)...)
	}
	if out == nil {
		return []textValue{opaque("Fn::FindInMap")}
	}
	return out
}

// mapEntries returns the values Fn::FindInMap may pick. A key that is
// not a known literal (a pseudo parameter, a Ref to a parameter) picks
// any entry where the resolver widens, and leaves the lookup unresolved
// elsewhere. Where the keys name no entry, the optional fourth argument's
// DefaultValue (AWS::LanguageExtensions) is the value.
func (r resolver) mapEntries(arg *syntax.Node) []*syntax.Node {
	if r.stack == nil || arg.Kind != syntax.KindList || len(arg.Items) < 3 || len(arg.Items) > 4 {
		return nil
	}
	level := []*syntax.Node{r.stack.mappings}
	for _, key := range arg.Items[:3] {
		var next []*syntax.Node
		for _, k := range r.resolve(key) {
			for _, m := range level {
				switch {
				case len(k.unknowns) == 0 && len(k.defaults) == 0:
					if v := m.Get(k.text); v != nil {
						next = append(next, v)
					}
				case !r.widening:
					return nil
				case m.Kind == syntax.KindMap:
					for _, f := range m.Fields {
						next = append(next, f.Value)
					}
				}
			}
		}
		level = next
	}
	if len(level) == 0 && len(arg.Items) == 4 {
		if def := arg.Items[3].Get("DefaultValue"); def != nil {
			return []*syntax.Node{def}
		}
	}
	return level
}

// mergeNames is a followed by the names of b it lacks. Neither list is
// changed, so the result may be one of them.
func mergeNames(a, b []string) []string {
	switch {
	case len(b) == 0:
		return a
	case len(a) == 0:
		return b
	}
	out := a
	for _, name := range b {
		if !slices.Contains(out, name) {
			if len(out) == len(a) {
				out = append([]string(nil), a...)
			}
			out = append(out, name)
		}
	}
	return out
}

// appendAll appends suffix to every alternative.
func appendAll(alts []textValue, suffix textValue) []textValue {
	for i := range alts {
		alts[i] = concat(alts[i], "", suffix)
	}
	return alts
}

// product joins every alternative with every part, separated by sep. A
// part with no value (AWS::NoValue) leaves the alternatives as they are.
func product(alts, parts []textValue, sep string) []textValue {
	if len(parts) == 0 {
		return alts
	}
	var out []textValue
	for _, a := range alts {
		for _, p := range parts {
			out = appendBounded(out, concat(a, sep, p))
		}
	}
	return out
}

// appendBounded appends more to out, up to maxAlternatives values; past
// that, the last one becomes tooMany.
func appendBounded(out []textValue, more ...textValue) []textValue {
	for _, m := range more {
		if len(out) < maxAlternatives {
			out = append(out, m)
			continue
		}
		out[len(out)-1] = tooMany
		break
	}
	return out
}
