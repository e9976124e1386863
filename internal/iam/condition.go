package iam

import (
	"fmt"
	"strings"
)

// This file decides whether a statement's conditions pin the target
// instance, and if not, says why.

// operator is a condition operator taken apart.
type operator struct {
	set      string // "", "ForAllValues" or "ForAnyValue"
	base     string // canonical name, e.g. "StringEquals"
	ifExists bool
}

// operatorBases are the known condition operators without set prefix or
// IfExists suffix, by lower-case name.
var operatorBases = func() map[string]string {
	m := make(map[string]string)
	for _, name := range []string{
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike",
		"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
		"NumericGreaterThan", "NumericGreaterThanEquals",
		"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
		"DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
		"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
	} {
		m[strings.ToLower(name)] = name
	}
	return m
}()

// negatedOperators match when the key is absent.
var negatedOperators = map[string]bool{
	"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true,
	"NumericNotEquals": true, "DateNotEquals": true, "NotIpAddress": true,
	"ArnNotEquals": true, "ArnNotLike": true,
}

// pinningOperators are the positive string operators that can pin a tag
// value.
var pinningOperators = map[string]bool{"StringEquals": true, "StringEqualsIgnoreCase": true, "StringLike": true}

// negatedStringOperators are the operators of a Deny that carves out
// tagged instances.
var negatedStringOperators = map[string]bool{"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true}

// parseOperator reads an operator name, case-insensitively. ok is false
// for an unknown operator (and for NullIfExists, which IAM rejects).
func parseOperator(name string) (op operator, ok bool) {
	rest := strings.ToLower(name)
	for _, set := range []string{"ForAllValues", "ForAnyValue"} {
		if prefix := strings.ToLower(set) + ":"; strings.HasPrefix(rest, prefix) {
			op.set, rest = set, rest[len(prefix):]
			break
		}
	}
	if base, found := operatorBases[rest]; found {
		op.base = base
		return op, true
	}
	if trimmed, found := strings.CutSuffix(rest, "ifexists"); found {
		if base, known := operatorBases[trimmed]; known && base != "Null" {
			op.base, op.ifExists = base, true
			return op, true
		}
	}
	return operator{}, false
}

// keyKind says what a condition key is about.
type keyKind uint8

const (
	keyOther       keyKind = iota // says nothing about the target instance
	keyInstanceTag                // ssm:resourceTag/KEY or aws:ResourceTag/KEY
	keyEC2Tag                     // ec2:ResourceTag/KEY, which SSM never evaluates
)

// classifyKey reads a condition key, case-insensitively, and returns the
// tag key it names, if any.
func classifyKey(key string) (keyKind, string) {
	lower := strings.ToLower(key)
	for _, prefix := range []string{"ssm:resourcetag/", "aws:resourcetag/"} {
		if strings.HasPrefix(lower, prefix) {
			return keyInstanceTag, key[len(prefix):]
		}
	}
	if prefix := "ec2:resourcetag/"; strings.HasPrefix(lower, prefix) {
		return keyEC2Tag, key[len(prefix):]
	}
	return keyOther, ""
}

// reservedTagKey reports whether a tag key has the aws: prefix, which only
// AWS can set, so that even its presence pins the instance.
func reservedTagKey(tag string) bool {
	return len(tag) >= 4 && strings.EqualFold(tag[:4], "aws:")
}

// wildcardOnly reports whether a value is made only of '*' and '?' (and
// is not empty): as a StringLike pattern it matches any value, so it only
// tests that the key exists. An unknown part is some specific text.
func wildcardOnly(v Value) bool {
	return v.IsLiteral() && v.Text != "" && strings.Trim(v.Text, "*?") == ""
}

// literalFold reports whether v is the literal word, in any case.
func literalFold(v Value, word string) bool {
	return v.IsLiteral() && strings.EqualFold(v.Text, word)
}

// conditionEffect is what one condition does to a grant on instances.
type conditionEffect uint8

const (
	conditionOpen  conditionEffect = iota // leaves every instance (of some kind) granted
	conditionPins                         // restricts the grant to instances with a pinned tag
	conditionNever                        // is never true, so the statement grants nothing
)

// conditionVerdict is the effect of one condition and why, for messages.
// rank orders reasons by how much they tell the reader: a test on the
// instance's tags first, then ec2:ResourceTag, then anything else.
type conditionVerdict struct {
	effect conditionEffect
	rank   int
	why    string
}

// judgeCondition decides what one condition does to a grant on instances.
//
// A positive string test (StringEquals, StringEqualsIgnoreCase,
// StringLike, optionally under ForAnyValue:) of ssm:resourceTag/KEY or
// aws:ResourceTag/KEY pins the instance, unless it only requires the tag
// to exist (a StringLike value made only of '*' and '?', or Null false);
// presence of a reserved aws: tag key does pin. An empty value list is
// read as pinning nothing: it is a mistake, and the evaluator does not
// credit it with restricting anything.
//
// ec2:ResourceTag/KEY is absent from every SSM request, so the condition
// is decided as IAM decides one on a missing key: never true for a
// positive operator (the statement grants nothing), always true for an
// IfExists, ForAllValues:, negated or Null true operator.
func judgeCondition(c Condition) conditionVerdict {
	kind, tag := classifyKey(c.Key)
	rank := [...]int{keyInstanceTag: 0, keyEC2Tag: 1, keyOther: 2}[kind]
	open := func(format string, args ...any) conditionVerdict {
		return conditionVerdict{effect: conditionOpen, rank: rank, why: fmt.Sprintf(format, args...)}
	}
	op, ok := parseOperator(c.Operator)
	if !ok {
		return open("unknown condition operator %q on %s: the policy is malformed", c.Operator, c.Key)
	}
	switch kind {
	case keyOther:
		return open("%s on %s says nothing about the target instance", c.Operator, c.Key)
	case keyEC2Tag:
		if trueWhenAbsent(op, c.Values) {
			return open("%s on %s is true for every instance because SSM does not evaluate ec2:ResourceTag keys",
				c.Operator, c.Key)
		}
		return conditionVerdict{effect: conditionNever, rank: rank, why: fmt.Sprintf(
			"%s on %s never matches because SSM does not evaluate ec2:ResourceTag keys: the statement grants nothing",
			c.Operator, c.Key)}
	}
	pins := conditionVerdict{effect: conditionPins, rank: rank}
	switch {
	case op.set == "ForAllValues":
		return open("%s on %s is true when the tag is absent", c.Operator, c.Key)
	case op.ifExists:
		return open("%s on %s also matches instances without the tag", c.Operator, c.Key)
	case negatedOperators[op.base]:
		return open("%s on %s is negated, so it matches instances without the tag", c.Operator, c.Key)
	case op.base == "Null":
		return judgeNull(c, tag, open, pins)
	case !pinningOperators[op.base]:
		return open("%s on %s is not a string equality or match, so it does not pin a tag value", c.Operator, c.Key)
	case len(c.Values) == 0:
		return open("%s on %s has no values, so it pins no tag value", c.Operator, c.Key)
	}
	if op.base == "StringLike" && !reservedTagKey(tag) {
		for _, v := range c.Values {
			if wildcardOnly(v) {
				return open("%s value '%s' on %s only requires the tag key to exist", c.Operator, v.Source, c.Key)
			}
		}
	}
	return pins
}

// judgeNull decides a Null test of an instance tag: Null false requires
// the tag to exist (which pins only a reserved aws: key), Null true
// requires it to be absent.
func judgeNull(c Condition, tag string, open func(string, ...any) conditionVerdict, pins conditionVerdict) conditionVerdict {
	for _, v := range c.Values {
		if literalFold(v, "true") {
			return open("%s '%s' on %s matches instances without the tag", c.Operator, v.Source, c.Key)
		}
	}
	for _, v := range c.Values {
		if !literalFold(v, "false") {
			return open("%s on %s does not pin a tag value", c.Operator, c.Key)
		}
	}
	switch {
	case len(c.Values) == 0:
		return open("%s on %s does not pin a tag value", c.Operator, c.Key)
	case reservedTagKey(tag):
		return pins
	}
	return open("%s '%s' on %s only requires the tag key to exist", c.Operator, c.Values[0].Source, c.Key)
}

// trueWhenAbsent reports whether a condition holds when its key is not in
// the request, as IAM evaluates it.
func trueWhenAbsent(op operator, values Values) bool {
	switch {
	case op.ifExists, op.set == "ForAllValues":
		return true
	case op.set == "ForAnyValue":
		return false
	case op.base == "Null":
		for _, v := range values {
			if literalFold(v, "true") {
				return true
			}
		}
		return false
	}
	return negatedOperators[op.base]
}

// judgeConditions decides what a statement's conditions together do to
// its grant on instances. One pinning condition scopes the statement,
// whatever else it has; otherwise one that is never true makes it grant
// nothing (never); otherwise why names the most informative condition
// that leaves instances open: the lowest rank, then the first written.
func judgeConditions(cs []Condition) (pinned, never bool, why string) {
	if len(cs) == 0 {
		return false, false, "no Condition"
	}
	var best, firstNever *conditionVerdict
	for _, c := range cs {
		v := judgeCondition(c)
		switch v.effect {
		case conditionPins:
			return true, false, ""
		case conditionNever:
			if firstNever == nil {
				firstNever = &v
			}
		case conditionOpen:
			if best == nil || v.rank < best.rank {
				best = &v
			}
		}
	}
	if firstNever != nil {
		return false, true, firstNever.why
	}
	return false, false, best.why
}

// carvesOutTagged reports whether a Deny's conditions leave only tagged
// instances outside it: no conditions at all, or only negated string
// tests (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, IfExists
// allowed) of ssm:resourceTag/KEY or aws:ResourceTag/KEY on concrete
// values. Such a Deny takes every untagged instance out of an Allow.
func carvesOutTagged(cs []Condition) bool {
	for _, c := range cs {
		op, ok := parseOperator(c.Operator)
		kind, _ := classifyKey(c.Key)
		if !ok || op.set != "" || kind != keyInstanceTag || !negatedStringOperators[op.base] || len(c.Values) == 0 {
			return false
		}
		for _, v := range c.Values {
			if wildcardOnly(v) {
				return false
			}
		}
	}
	return true
}
