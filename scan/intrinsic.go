package scan

import (
	"strings"
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
// values of every branch; Ref AWS::NoValue yields nothing; a reference to
// anything else is an opaque value.
type resolver struct {
	// wildPseudo makes pseudo parameters match anything: right for actions
	// and resources, where ${AWS::AccountId} stands for "this account,
	// whichever it is", wrong for condition values, where
	// ${AWS::StackName} pins one specific value.
	wildPseudo bool
	// sub is set inside a policy that is the template of a Fn::Sub: every
	// string in it is itself a template.
	sub *substitution
}

// substitution is a Fn::Sub whose template is a whole policy.
type substitution struct {
	vars *Node // the variables map of Fn::Sub [template, vars], or nil
}

func (r resolver) pseudo(name, source string) textValue {
	if r.wildPseudo {
		return textValue{text: "*", source: source}
	}
	return textValue{text: Opaque + name + Opaque, source: source}
}

// values resolves every item of an element.
func (r resolver) values(n *Node) Values {
	var out Values
	for _, item := range n.List() {
		for _, v := range r.resolve(item) {
			out = append(out, Value{Text: v.text, Source: v.source})
		}
	}
	return out
}

// textValue is one resolved alternative: what to match and how to show it.
type textValue struct {
	text, source string
}

func opaque(name string) textValue {
	return textValue{text: Opaque + name + Opaque, source: "${" + name + "}"}
}

// intrinsic returns the function name and argument of a one-key map such
// as {"Fn::Sub": ...} or {"Ref": ...}.
func intrinsic(n *Node) (string, *Node, bool) {
	if n == nil || n.Kind != KindMap || len(n.Fields) != 1 {
		return "", nil, false
	}
	name := n.Fields[0].Key.Text
	if name == "Ref" || name == "Condition" || strings.HasPrefix(name, "Fn::") {
		return name, n.Fields[0].Value, true
	}
	return "", nil, false
}

func (r resolver) resolve(n *Node) []textValue {
	switch {
	case n == nil || n.Kind == KindNull:
		return nil
	case n.Kind == KindString && r.sub != nil:
		return r.template(n.Text, r.sub.vars)
	case n.IsScalar():
		return []textValue{{text: n.Text, source: n.Text}}
	case n.Kind == KindList:
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
		if arg.Kind != KindList || len(arg.Items) != 3 {
			return []textValue{opaque(name)}
		}
		return appendBounded(r.resolve(arg.Items[1]), r.resolve(arg.Items[2])...)
	default:
		return []textValue{opaque(name)}
	}
}

func (r resolver) ref(arg *Node) []textValue {
	if arg == nil || !arg.IsScalar() {
		return []textValue{opaque("Ref")}
	}
	switch {
	case arg.Text == "AWS::NoValue":
		return nil
	case pseudoParameters[arg.Text]:
		return []textValue{r.pseudo(arg.Text, "${"+arg.Text+"}")}
	default:
		return []textValue{opaque(arg.Text)}
	}
}

// fnSub substitutes ${Name} references in a Fn::Sub template:
// pseudo parameters become "*", variables given in the second argument
// their values, ${!Literal} the literal "${Literal}", and anything else an
// opaque value.
func (r resolver) fnSub(arg *Node) []textValue {
	template, vars := arg, (*Node)(nil)
	if arg.Kind == KindList && len(arg.Items) == 2 {
		template, vars = arg.Items[0], arg.Items[1]
	}
	if template == nil || template.Kind != KindString {
		return []textValue{opaque("Fn::Sub")}
	}
	return r.template(template.Text, vars)
}

// template substitutes the references of one Fn::Sub template string.
func (r resolver) template(s string, vars *Node) []textValue {
	results := []textValue{{}}
	for s != "" {
		i := strings.Index(s, "${")
		if i < 0 {
			results = appendAll(results, textValue{text: s, source: s})
			break
		}
		results = appendAll(results, textValue{text: s[:i], source: s[:i]})
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			results = appendAll(results, textValue{text: s[i:], source: s[i:]})
			break
		}
		name := s[i+2 : i+j]
		whole := s[i : i+j+1]
		s = s[i+j+1:]
		switch {
		case strings.HasPrefix(name, "!"):
			results = appendAll(results, textValue{text: "${" + name[1:] + "}", source: whole})
		case pseudoParameters[name]:
			results = appendAll(results, r.pseudo(name, whole))
		case vars.Get(name) != nil:
			results = product(results, r.resolve(vars.Get(name)), "")
		default:
			results = appendAll(results, textValue{text: Opaque + name + Opaque, source: whole})
		}
	}
	return results
}

// join joins the resolved parts of Fn::Join [delimiter, [parts]].
func (r resolver) join(arg *Node) []textValue {
	if arg.Kind != KindList || len(arg.Items) != 2 || arg.Items[0].Kind != KindString || arg.Items[1].Kind != KindList {
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
		alts[i].text += suffix.text
		alts[i].source += suffix.source
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
			out = appendBounded(out, textValue{text: a.text + sep + p.text, source: a.source + sep + p.source})
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
