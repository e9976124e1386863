package iam

import (
	"strings"
)

// This file reads condition operators and keys, and evaluates a condition
// in one request context (context.go) as IAM does.

// operator is a condition operator taken apart.
type operator struct {
	set      string // "", "ForAllValues" or "ForAnyValue"
	base     string // canonical name, e.g. "StringEquals"
	ifExists bool
}

// operatorBases are the known condition operators without set prefix or
// IfExists suffix.
var operatorBases = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// negatedOperators match when the key is absent, and when no value
// matches.
var negatedOperators = map[string]bool{
	"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true,
	"NumericNotEquals": true, "DateNotEquals": true, "NotIpAddress": true,
	"ArnNotEquals": true, "ArnNotLike": true,
}

// comparison is how an operator compares a request value with a policy
// value, negation aside.
type comparison uint8

const (
	compareEquals comparison = iota // StringEquals
	compareFold                     // StringEqualsIgnoreCase
	compareLike                     // StringLike, ArnEquals, ArnLike: '*' and '?'
	compareBool                     // Bool
	compareNull                     // Null
	compareOpaque                   // numeric, date, IP and binary tests
)

var comparisons = map[string]comparison{
	"StringEquals": compareEquals, "StringNotEquals": compareEquals,
	"StringEqualsIgnoreCase": compareFold, "StringNotEqualsIgnoreCase": compareFold,
	"StringLike": compareLike, "StringNotLike": compareLike,
	"ArnEquals": compareLike, "ArnLike": compareLike, "ArnNotEquals": compareLike, "ArnNotLike": compareLike,
	"Bool": compareBool, "Null": compareNull,
}

// parseOperator reads an operator name, case-insensitively. ok is false
// for an unknown operator (and for NullIfExists, which IAM rejects).
func parseOperator(name string) (op operator, ok bool) {
	rest := name
	for _, set := range [...]string{"ForAllValues", "ForAnyValue"} {
		if hasPrefixFold(rest, set) && len(rest) > len(set) && rest[len(set)] == ':' {
			op.set, rest = set, rest[len(set)+1:]
			break
		}
	}
	if base := baseOperator(rest); base != "" {
		op.base = base
		return op, true
	}
	const ifExists = "IfExists"
	if n := len(rest) - len(ifExists); n > 0 && strings.EqualFold(rest[n:], ifExists) {
		if base := baseOperator(rest[:n]); base != "" && base != "Null" {
			op.base, op.ifExists = base, true
			return op, true
		}
	}
	return operator{}, false
}

// baseOperator returns the canonical name of a known operator, or "".
func baseOperator(name string) string {
	for _, base := range operatorBases {
		if strings.EqualFold(name, base) {
			return base
		}
	}
	return ""
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// keyKind says what a condition key is about.
type keyKind uint8

const (
	keyInstanceTag keyKind = iota // ssm:resourceTag/KEY or aws:ResourceTag/KEY
	keyEC2Tag                     // ec2:ResourceTag/KEY, which SSM never evaluates
	keyCaller                     // anything else: the caller and the request, not the instance
)

// classifyKey reads a condition key, case-insensitively, and returns the
// tag key it names, if any.
func classifyKey(key string) (keyKind, string) {
	for _, prefix := range [...]string{"ssm:resourcetag/", "aws:resourcetag/"} {
		if hasPrefixFold(key, prefix) {
			return keyInstanceTag, key[len(prefix):]
		}
	}
	if prefix := "ec2:resourcetag/"; hasPrefixFold(key, prefix) {
		return keyEC2Tag, key[len(prefix):]
	}
	return keyCaller, ""
}

// contextKey is the one name of a key in a request context: lower case,
// and an instance tag under ssm:resourcetag/ whichever prefix names it.
func contextKey(key string) string {
	if kind, tag := classifyKey(key); kind == keyInstanceTag {
		return "ssm:resourcetag/" + strings.ToLower(tag)
	}
	return strings.ToLower(key)
}

// reservedTagKey reports whether a tag key has the aws: prefix, which only
// AWS can set: an instance chosen freely carries none.
func reservedTagKey(tag string) bool {
	return len(tag) >= 4 && strings.EqualFold(tag[:4], "aws:")
}

// cond is a condition read for evaluation.
type cond struct {
	c       *Condition
	op      operator
	compare comparison
	negated bool
	kind    keyKind
	key     string // contextKey of the key
	values  []condValue
	// aboutInstance is set when the condition tests the instance's tags,
	// as its key or through a variable in its values.
	aboutInstance bool
}

// condValue is a policy value of a condition: literal text and policy
// variables, or one value the scanner cannot see.
type condValue struct {
	src   *Value
	parts []valuePart
	// token stands for a value with unknowns: one specific value that
	// equals no other.
	token string
}

// valuePart is literal text, or a policy variable (its contextKey).
type valuePart struct {
	text     string
	variable string
}

// readCond reads a condition whose operator is known.
func readCond(c *Condition, op operator) cond {
	kind, _ := classifyKey(c.Key)
	rc := cond{c: c, op: op, compare: compareOpaque, negated: negatedOperators[op.base], kind: kind,
		key: contextKey(c.Key), aboutInstance: kind == keyInstanceTag}
	if cmp, ok := comparisons[op.base]; ok {
		rc.compare = cmp
	}
	for i := range c.Values {
		v := readValue(&c.Values[i])
		for _, p := range v.parts {
			if p.variable != "" && classifyKeyKind(p.variable) == keyInstanceTag {
				rc.aboutInstance = true
			}
		}
		rc.values = append(rc.values, v)
	}
	return rc
}

// readValue splits a value into text and policy variables: ${key}, and the
// escapes ${*}, ${?} and ${$} for the characters themselves. A value
// without variables is one text part.
func readValue(v *Value) condValue {
	cv := condValue{src: v}
	if !v.IsLiteral() {
		cv.token = opaqueToken(v)
		return cv
	}
	var text strings.Builder
	s := v.Text
	for {
		i := strings.Index(s, "${")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '}')
		}
		if i < 0 || j < 0 {
			text.WriteString(s)
			break
		}
		text.WriteString(s[:i])
		switch name := s[i+2 : i+j]; name {
		case "*", "?", "$":
			text.WriteString(name)
		default:
			cv.parts = append(cv.parts, valuePart{text: text.String()}, valuePart{variable: contextKey(name)})
			text.Reset()
		}
		s = s[i+j+1:]
	}
	cv.parts = append(cv.parts, valuePart{text: text.String()})
	return cv
}

// hasVariable reports whether the value holds a policy variable.
func (v condValue) hasVariable() bool {
	for _, p := range v.parts {
		if p.variable != "" {
			return true
		}
	}
	return false
}

// resolve returns the value's text in a context; ok is false when a
// variable names a key the request lacks: such a value matches nothing.
func (v condValue) resolve(ctx *requestContext) (string, bool) {
	if v.token != "" {
		return v.token, true
	}
	if len(v.parts) == 1 {
		return v.parts[0].text, true
	}
	var b strings.Builder
	for _, p := range v.parts {
		if p.variable == "" {
			b.WriteString(p.text)
			continue
		}
		val, ok := ctx.lookup(p.variable)
		if !ok {
			return "", false
		}
		b.WriteString(val)
	}
	return b.String(), true
}

// side says which kind of statement a condition belongs to, for the
// readings that must err toward granting.
type side uint8

const (
	allowSide side = iota
	denySide
)

// holds evaluates the condition in ctx. A condition without values
// restricts nothing an Allow grants, and makes a Deny take nothing back.
func (c *cond) holds(ctx *requestContext, s side) bool {
	if len(c.values) == 0 {
		return s == allowSide
	}
	if c.kind == keyCaller && ctx.callerFree {
		return s == allowSide
	}
	val, present := ctx.lookup(c.key)
	if c.compare == compareNull {
		// A value that is neither true nor false is read as either, the
		// way that grants.
		for _, v := range c.values {
			text, _ := v.resolve(ctx)
			isTrue, isFalse := strings.EqualFold(text, "true"), strings.EqualFold(text, "false")
			if isTrue && !present || isFalse && present || !isTrue && !isFalse && s == allowSide {
				return true
			}
		}
		return false
	}
	switch {
	case c.op.set == "ForAllValues" && !present:
		return true
	case !present:
		return c.op.set == "" && (c.op.ifExists || c.negated)
	}
	return c.matchesAny(val, ctx) != c.negated
}

// matchesAny reports whether the request value val matches one of the
// policy values, by the operator's comparison without its negation.
func (c *cond) matchesAny(val string, ctx *requestContext) bool {
	for _, v := range c.values {
		if c.matches(val, v, ctx) {
			return true
		}
	}
	return false
}

func (c *cond) matches(val string, v condValue, ctx *requestContext) bool {
	text, ok := v.resolve(ctx)
	if !ok {
		return false
	}
	switch c.compare {
	case compareEquals:
		return val == text
	case compareFold:
		return strings.EqualFold(val, text)
	case compareBool:
		return strings.EqualFold(val, text) && !isToken(val)
	case compareLike:
		if v.token != "" {
			return val == text
		}
		return match(text, val, false) || isToken(val) && wildcardOnly(text)
	}
	// Numeric, date, IP and binary tests are not modelled: a value chosen
	// to satisfy them does, and one chosen not to does not.
	return val == text || val == tokenSatisfies || val == tokenInstance
}
