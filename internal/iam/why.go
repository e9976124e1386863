package iam

import (
	"fmt"
	"strings"
)

// This file says why a statement's conditions do not pin the instance,
// from the request in which they all held (the witness).

// reason explains the most telling condition of a statement that grants
// every instance in ctx: one that tests the instance's tags first, then
// ec2:ResourceTag, then anything else; the first written among equals.
func reason(conds []cond, ctx *requestContext) string {
	if len(conds) == 0 {
		return "no Condition"
	}
	best := -1
	for i := range conds {
		if best < 0 || rank(&conds[i]) < rank(&conds[best]) {
			best = i
		}
	}
	return conds[best].why(ctx)
}

func rank(c *cond) int {
	switch {
	case c.aboutInstance:
		return 0
	case c.kind == keyEC2Tag:
		return 1
	}
	return 2
}

// why says why a condition that holds in ctx lets every instance of that
// kind through.
func (c *cond) why(ctx *requestContext) string {
	op, key := c.c.Operator, c.c.Key
	switch {
	case c.kind == keyEC2Tag:
		return fmt.Sprintf("%s on %s is true for every instance because SSM does not evaluate ec2:ResourceTag keys", op, key)
	case !c.aboutInstance:
		return fmt.Sprintf("%s on %s says nothing about the target instance", op, key)
	case len(c.values) == 0:
		return fmt.Sprintf("%s on %s has no values, so it pins no tag value", op, key)
	}
	val, present := ctx.lookup(c.key)
	switch {
	case c.compare == compareNull:
		return c.whyNull(ctx, present)
	case c.op.set == "ForAllValues" && !present:
		return fmt.Sprintf("%s on %s is true when the tag is absent", op, key)
	case c.op.ifExists && !present:
		return fmt.Sprintf("%s on %s also matches instances without the tag", op, key)
	case c.negated:
		return fmt.Sprintf("%s on %s is negated, so it matches instances without the tag", op, key)
	case c.compare == compareOpaque:
		return fmt.Sprintf("%s on %s is not a string equality or match, so it does not pin a tag value", op, key)
	}
	for _, v := range c.values {
		if !c.matches(val, v, ctx) {
			continue
		}
		if v.hasVariable() {
			return fmt.Sprintf("%s value '%s' on %s compares the tag with the instance's own tags, so it pins no value", op, v.src.Source, key)
		}
		return fmt.Sprintf("%s value '%s' on %s only requires the tag key to exist", op, v.src.Source, key)
	}
	return fmt.Sprintf("%s on %s does not pin a tag value", op, key)
}

// whyNull names the Null value that holds in ctx.
func (c *cond) whyNull(ctx *requestContext, present bool) string {
	op, key := c.c.Operator, c.c.Key
	for _, v := range c.values {
		switch text, _ := v.resolve(ctx); {
		case strings.EqualFold(text, "true") && !present:
			return fmt.Sprintf("%s '%s' on %s matches instances without the tag", op, v.src.Source, key)
		case strings.EqualFold(text, "false") && present:
			return fmt.Sprintf("%s '%s' on %s only requires the tag key to exist", op, v.src.Source, key)
		}
	}
	return fmt.Sprintf("%s on %s does not pin a tag value", op, key)
}

// neverWhy explains an ec2:ResourceTag condition that is never true.
func (c *cond) neverWhy() string {
	return fmt.Sprintf("%s on %s never matches because SSM does not evaluate ec2:ResourceTag keys: the statement grants nothing",
		c.c.Operator, c.c.Key)
}
