package extract

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// maxAlternatives bounds how many values one element may resolve to
// through nested Fn::If and Fn::Join, so hostile templates stay linear.
const maxAlternatives = 64

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
// parameter is a place unknown, and a reference to anything else a
// specific unknown.
type resolver struct {
	// sub is set inside a policy that is the template of a Fn::Sub: every
	// string in it is itself a template.
	sub *substitution
}

// substitution is a Fn::Sub whose template is a whole policy.
type substitution struct {
	vars *syntax.Node // the variables map of Fn::Sub [template, vars], or nil
}

// values resolves every item of an element.
func (r resolver) values(n *syntax.Node) iam.Values {
	var out iam.Values
	for _, item := range n.List() {
		for _, v := range r.resolve(item) {
			out = append(out, iam.Value{Text: v.text, Unknowns: v.unknowns, Source: v.source})
		}
	}
	return out
}

// textValue is one resolved alternative: what to match and how to show it.
type textValue struct {
	text     string
	unknowns []iam.Unknown
	source   string
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

// concat is a followed by sep and b. Unknown lists are never changed in
// place, so a result may share its operands' lists.
func concat(a textValue, sep string, b textValue) textValue {
	out := textValue{text: a.text + sep + b.text, source: a.source + sep + b.source, unknowns: a.unknowns}
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
	default:
		return []textValue{opaque(arg.Text)}
	}
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
func (r resolver) template(s string, vars *syntax.Node) []textValue {
	results := []textValue{{}}
	for s != "" {
		i := strings.Index(s, "${")
		if i < 0 {
			results = appendAll(results, literal(s))
			break
		}
		results = appendAll(results, literal(s[:i]))
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			results = appendAll(results, literal(s[i:]))
			break
		}
		name := s[i+2 : i+j]
		whole := s[i : i+j+1]
		s = s[i+j+1:]
		switch {
		case strings.HasPrefix(name, "!"):
			results = appendAll(results, textValue{text: "${" + name[1:] + "}", source: whole})
		case pseudoParameters[name]:
			results = appendAll(results, pseudo(name, whole))
		case vars.Get(name) != nil:
			results = product(results, r.resolve(vars.Get(name)), "")
		default:
			results = appendAll(results, unknown(name, whole, iam.UnknownSpecific))
		}
	}
	return results
}

// join joins the resolved parts of Fn::Join [delimiter, [parts]].
func (r resolver) join(arg *syntax.Node) []textValue {
	if arg.Kind != syntax.KindList || len(arg.Items) != 2 || arg.Items[0].Kind != syntax.KindString || arg.Items[1].Kind != syntax.KindList {
		return []textValue{opaque("Fn::Join")}
	}
	delim := arg.Items[0].Text
	results := []textValue{{}}
	for i, part := range arg.Items[1].Items {
		sep := delim
		if i == 0 {
			sep = ""
		}
		results = product(results, r.resolve(part), sep)
	}
	return results
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

func appendBounded(out []textValue, more ...textValue) []textValue {
	for _, m := range more {
		if len(out) >= maxAlternatives {
			return out
		}
		out = append(out, m)
	}
	return out
}
