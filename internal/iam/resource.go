package iam

import "fmt"

// This file decides which instance families a Resource or NotResource
// element covers.

// Family is a set of managed-instance families.
type Family uint8

const (
	FamilyEC2     Family = 1 << iota // arn:aws:ec2:REGION:ACCOUNT:instance/i-...
	FamilyManaged                    // arn:aws:ssm:REGION:ACCOUNT:managed-instance/mi-...
)

// allFamilies is every family, in the order messages name them.
var allFamilies = []Family{FamilyEC2, FamilyManaged}

// String names the families for messages.
func (f Family) String() string {
	switch f {
	case 0:
		return "no instances"
	case FamilyEC2:
		return "EC2 instances"
	case FamilyManaged:
		return "managed instances"
	case FamilyEC2 | FamilyManaged:
		return "EC2 and managed instances"
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// instanceARNs returns two realistic, different instance ARNs of family f
// in one partition, region and account: a pattern that matches both
// matches every instance there.
func (f Family) instanceARNs(partition, region, account []unit) [][]unit {
	service, ids := "ec2", []string{"instance/i-1a2b3c4d", "instance/i-0fedcba9876543210"}
	if f == FamilyManaged {
		service, ids = "ssm", []string{"managed-instance/mi-1a2b3c4d5e6f70809", "managed-instance/mi-0fedcba9876543210"}
	}
	out := make([][]unit, len(ids))
	for i, id := range ids {
		arn := make([]unit, 0, len("arn:")+len(partition)+len(service)+len(region)+len(account)+len(id)+4)
		arn = appendChars(arn, "arn:", false)
		arn = append(arn, partition...)
		arn = appendChars(arn, ":"+service+":", false)
		arn = append(arn, region...)
		arn = appendChars(arn, ":", false)
		arn = append(arn, account...)
		out[i] = appendChars(arn, ":"+id, false)
	}
	return out
}

// Sample places: the usual ones, and odd ones that no pattern written for
// particular regions or accounts matches. They are read only.
var (
	defaultPartition = tokenize("aws")
	defaultRegion    = tokenize("us-east-1")
	defaultAccount   = tokenize("123456789012")
	oddRegion        = tokenize("zz-nowhere-9")
	oddAccount       = tokenize("024680135791")
)

// arnFields splits a pattern on ':' outside opaque references into at
// most six fields (arn, partition, service, region, account, resource).
// It only serves to pick sample values; matching uses the whole pattern.
func arnFields(p []unit) [][]unit {
	var fields [][]unit
	start := 0
	for i, u := range p {
		if len(fields) == 5 {
			break
		}
		if u.kind == unitChar && u.r == ':' {
			fields = append(fields, p[start:i])
			start = i + 1
		}
	}
	return append(fields, p[start:])
}

// fieldSample returns a value the ARN field matches: the field itself when
// it holds no wildcard (an opaque reference stays a reference), def when
// the field is missing or matches def, and otherwise the field with '*'
// dropped and '?' read as 'x'.
func fieldSample(fields [][]unit, i int, def []unit) []unit {
	if i >= len(fields) {
		return def
	}
	field := fields[i]
	if !hasWildcard(field) {
		return field
	}
	if globMatch(field, def, false) {
		return def
	}
	var sample []unit
	for _, u := range field {
		switch u.kind {
		case unitStar:
		case unitAny:
			sample = append(sample, unit{kind: unitChar, r: 'x'})
		default:
			sample = append(sample, u)
		}
	}
	return sample
}

// matchesAll reports whether pattern p matches both sample instance ARNs
// of family f built with the given region and account (and the pattern's
// own partition).
func matchesAll(p []unit, f Family, region, account []unit) bool {
	partition := fieldSample(arnFields(p), 1, defaultPartition)
	for _, arn := range f.instanceARNs(partition, region, account) {
		if !globMatch(p, arn, false) {
			return false
		}
	}
	return true
}

// coversSomewhere reports whether a Resource pattern covers every
// instance of family f in some one partition, region and account, taken
// from the pattern itself: "*", "arn:aws:ec2:*:*:instance/*", one
// account's "instance/*", "arn:aws:ssm:REGION:ACCOUNT:*". Resource
// matching is case-sensitive. A region or account given as an opaque
// reference is one unknown place, which still has every instance there.
func coversSomewhere(v Value, f Family) bool {
	p := pattern(v)
	fields := arnFields(p)
	return matchesAll(p, f, fieldSample(fields, 3, defaultRegion), fieldSample(fields, 4, defaultAccount))
}

// coversEverywhere reports whether a pattern covers every instance of
// family f in every region and account (of the pattern's partition): the
// test for a NotResource entry that takes a family back, and for a Deny
// that removes one. A region or account given as an opaque reference is
// one unknown place, so such a pattern does not cover everywhere.
func coversEverywhere(v Value, f Family) bool {
	p := pattern(v)
	return matchesAll(p, f, defaultRegion, defaultAccount) && matchesAll(p, f, oddRegion, oddAccount)
}

// charClass is a set of characters that may appear in part of an ARN.
type charClass func(rune) bool

func isPartitionChar(r rune) bool { return r == '-' || 'a' <= r && r <= 'z' }
func isRegionChar(r rune) bool    { return isPartitionChar(r) || isDigit(r) }
func isDigit(r rune) bool         { return '0' <= r && r <= '9' }
func isHex(r rune) bool           { return isDigit(r) || 'a' <= r && r <= 'f' }

// shapeItem is one step of an ARN shape: a character of a class, once or
// repeated any number of times.
type shapeItem struct {
	class  charClass
	repeat bool
}

func exactly(s string) []shapeItem {
	var out []shapeItem
	for _, r := range s {
		out = append(out, shapeItem{class: func(c rune) bool { return c == r }})
	}
	return out
}

func shape(parts ...[]shapeItem) []shapeItem {
	var out []shapeItem
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// instanceShapes describe every instance ARN of each family, in any
// partition, region and account.
var instanceShapes = map[Family][]shapeItem{
	FamilyEC2: shape(exactly("arn:"), []shapeItem{{isPartitionChar, true}}, exactly(":ec2:"),
		[]shapeItem{{isRegionChar, true}}, exactly(":"), []shapeItem{{isDigit, true}},
		exactly(":instance/i-"), []shapeItem{{isHex, false}, {isHex, true}}),
	FamilyManaged: shape(exactly("arn:"), []shapeItem{{isPartitionChar, true}}, exactly(":ssm:"),
		[]shapeItem{{isRegionChar, true}}, exactly(":"), []shapeItem{{isDigit, true}},
		exactly(":managed-instance/mi-"), []shapeItem{{isHex, false}, {isHex, true}}),
}

// mayMatchAny reports whether a pattern could match some instance ARN of
// family f, anywhere: whether the languages of the pattern and of the
// family's shape intersect. An opaque reference is read as '*', so the
// answer errs toward "yes". A Deny's NotResource entry for which this is
// true keeps some instances out of the Deny.
func mayMatchAny(v Value, f Family) bool {
	p := opaqueAsStar(pattern(v))
	s := instanceShapes[f]
	n, m := len(p), len(s)
	seen := make([]bool, (n+1)*(m+1))
	stack := []int{0}
	seen[0] = true
	push := func(i, j int) {
		if k := i*(m+1) + j; !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := k/(m+1), k%(m+1)
		if i == n && j == m {
			return true
		}
		if i < n && p[i].kind == unitStar {
			push(i+1, j) // the star's run ends
		}
		if j < m && s[j].repeat {
			push(i, j+1) // the repetition ends
		}
		if i == n || j == m {
			continue
		}
		pStar := p[i].kind == unitStar
		fits := pStar || p[i].kind == unitAny || s[j].class(p[i].r)
		switch {
		case pStar && !s[j].repeat:
			push(i, j+1) // the star takes the shape's character
		case !pStar && s[j].repeat && fits:
			push(i+1, j) // the repetition yields the pattern's character
		case !pStar && !s[j].repeat && fits:
			push(i+1, j+1)
		}
	}
	return false
}

// allowReach returns the families whose every instance an Allow
// statement's Resource or NotResource element covers, and a function that
// says how, for the families left open. A Resource entry covers a family
// when it matches every instance of it in some place (coversSomewhere);
// a NotResource element covers a family unless one of its entries excludes
// every instance of the family everywhere. With neither element the
// statement is malformed and covers nothing; with both, either one
// covering is enough.
func allowReach(st *Statement) (Family, func(open Family) string) {
	var reach, byNot Family
	byValue := make([]Family, len(st.Resource))
	for i, v := range st.Resource {
		for _, f := range allFamilies {
			if coversSomewhere(v, f) {
				byValue[i] |= f
			}
		}
		reach |= byValue[i]
	}
	if st.NotResource != nil {
		for _, f := range allFamilies {
			excluded := false
			for _, v := range st.NotResource {
				excluded = excluded || coversEverywhere(v, f)
			}
			if !excluded {
				byNot |= f
			}
		}
	}
	describe := func(open Family) string {
		var shown Values
		for i, v := range st.Resource {
			if byValue[i]&open != 0 {
				shown = append(shown, v)
			}
		}
		if len(shown) > 0 {
			return "Resource " + quoteValues(shown)
		}
		return "NotResource " + quoteValues(st.NotResource)
	}
	return reach | byNot, describe
}

// denyReach returns the families whose every instance, in every region
// and account, a Deny statement's Resource or NotResource element covers.
// It errs toward covering less: a NotResource entry that might match any
// instance of a family keeps the family, and a malformed statement (both
// elements, or neither) covers nothing.
func denyReach(st *Statement) Family {
	var reach Family
	for _, f := range allFamilies {
		switch {
		case st.Resource != nil && st.NotResource == nil:
			for _, v := range st.Resource {
				if coversEverywhere(v, f) {
					reach |= f
					break
				}
			}
		case st.NotResource != nil && st.Resource == nil:
			kept := false
			for _, v := range st.NotResource {
				kept = kept || mayMatchAny(v, f)
			}
			if !kept {
				reach |= f
			}
		}
	}
	return reach
}
