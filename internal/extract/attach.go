package extract

import (
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// attachments reads the managed policies that n, the value of the
// property key (ManagedPolicyArns, ManagedPolicies, SAM's Policies),
// attaches to the principal origin names: one Attachment per policy and
// per alternative (each Fn::If branch, each entry a mapping may pick, a
// parameter's Default), at the string that names it. Maps that are not
// intrinsic functions are policy documents, statements or SAM policy
// templates, read elsewhere.
func (e *extractor) attachments(n *syntax.Node, origin iam.Origin, key string) {
	if n == nil {
		return
	}
	r := e.resolver()
	r.widening = true // attaching more grants more
	var found []iam.Attachment
	var read func(n *syntax.Node, depth int)
	read = func(n *syntax.Node, depth int) {
		if depth > syntax.MaxDepth {
			return
		}
		name, arg, isIntrinsic := intrinsic(n)
		switch {
		case n.Kind == syntax.KindList:
			for _, item := range n.Items {
				read(item, depth+1)
			}
		case isIntrinsic && name == "Fn::If" && arg.Kind == syntax.KindList && len(arg.Items) == 3:
			read(arg.Items[1], depth+1)
			read(arg.Items[2], depth+1)
		case n.Kind == syntax.KindMap && !isIntrinsic, n.Kind == syntax.KindNull:
		default:
			span := namingNode(n).Span(e.src)
			for _, v := range r.resolve(n) {
				found = append(found, iam.Attachment{Policy: r.value(v), Span: span})
			}
		}
	}
	read(n, 0)
	e.attached(origin, key, found)
}

// attached records the attachments found under key as one document of
// the principal origin names.
func (e *extractor) attached(origin iam.Origin, key string, found []iam.Attachment) {
	if len(found) == 0 {
		return
	}
	e.push(key)
	origin.Path = e.pathString()
	e.pop()
	e.docs = append(e.docs, Document{Origin: origin, Attachments: found, Holder: e.holder})
}

// namingNode is the string in n that names the policy, where a finding
// about the attachment stands: the string itself, the template of a
// Fn::Sub, the last part of a Fn::Join (where CDK writes
// ":iam::aws:policy/NAME"); n itself for anything else.
func namingNode(n *syntax.Node) *syntax.Node {
	name, arg, ok := intrinsic(n)
	switch {
	case !ok:
	case name == "Fn::Sub":
		if arg.Kind == syntax.KindList && len(arg.Items) > 0 {
			arg = arg.Items[0]
		}
		if arg.Kind == syntax.KindString {
			return arg
		}
	case name == "Fn::Join":
		if arg.Kind == syntax.KindList && len(arg.Items) == 2 && arg.Items[1].Kind == syntax.KindList && len(arg.Items[1].Items) > 0 {
			parts := arg.Items[1].Items
			return namingNode(parts[len(parts)-1])
		}
	}
	return n
}

// exportDetailLists hold the principals of an AWS CLI
// get-account-authorization-details export.
var exportDetailLists = []string{"RoleDetailList", "UserDetailList", "GroupDetailList"}

// exportAttachments reads the AttachedManagedPolicies of every principal
// of an AWS CLI get-account-authorization-details export, by PolicyArn.
func (e *extractor) exportAttachments(root *syntax.Node) {
	for _, list := range exportDetailLists {
		principals := root.Get(list)
		if principals == nil || principals.Kind != syntax.KindList {
			continue
		}
		e.push(list)
		for i, principal := range principals.Items {
			var found []iam.Attachment
			for _, a := range principal.Get("AttachedManagedPolicies").List() {
				if arn := a.Get("PolicyArn"); arn != nil && arn.Kind == syntax.KindString {
					found = append(found, iam.Attachment{Policy: iam.Literal(arn.Text), Span: arn.Span(e.src)})
				}
			}
			e.push(indexSegment(i))
			e.attached(namedOrigin(principal, iam.Origin{}), "AttachedManagedPolicies", found)
			e.pop()
		}
		e.pop()
	}
}
