package terraform

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hclread"
	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
)

// Managed policy attachments in Terraform are read in the same pass as
// the policies: each policy a resource attaches is one extract.Document with one
// Attachment, at the place that names the policy (the ARN where it is
// written, or the arn or name of the data "aws_iam_policy" it reads), for
// the principal the resource attaches it to. Whether the policy is an AWS
// managed policy that a rule flags is the rules' business.
//
// The blocks read here are kept when irrelevant blocks are skipped
// (keepBlock in hclread/skip.go), and each names "polic" (*_policy_attachment*,
// managed_policy_arns, data "aws_iam_policy"), so that the Terraform
// pre-filter lets a module whose only IAM is an attachment through
// (TestTerraformAttachmentOnlyModules).

// attachForm is how a resource type attaches managed policies: the
// attribute that names them (one ARN or a list), and the attributes that
// name the principals, with the type of each; none means the resource is
// the principal (aws_iam_role's managed_policy_arns).
type attachForm struct {
	policies   string
	principals []principalAttr
}

type principalAttr struct {
	name, typ string
}

var (
	roleArg          = principalAttr{"role", "aws_iam_role"}
	userArg          = principalAttr{"user", "aws_iam_user"}
	groupArg         = principalAttr{"group", "aws_iam_group"}
	permissionSetArg = principalAttr{"permission_set_arn", "aws_ssoadmin_permission_set"}
)

var attachForms = map[string]attachForm{
	"aws_iam_role":                                      {policies: "managed_policy_arns"},
	"aws_iam_role_policy_attachment":                    {"policy_arn", []principalAttr{roleArg}},
	"aws_iam_user_policy_attachment":                    {"policy_arn", []principalAttr{userArg}},
	"aws_iam_group_policy_attachment":                   {"policy_arn", []principalAttr{groupArg}},
	"aws_iam_policy_attachment":                         {"policy_arn", []principalAttr{{"users", userArg.typ}, {"roles", roleArg.typ}, {"groups", groupArg.typ}}},
	"aws_ssoadmin_managed_policy_attachment":            {"managed_policy_arn", []principalAttr{permissionSetArg}},
	"aws_iam_role_policy_attachments_exclusive":         {"policy_arns", []principalAttr{{"role_name", roleArg.typ}}},
	"aws_iam_user_policy_attachments_exclusive":         {"policy_arns", []principalAttr{{"user_name", userArg.typ}}},
	"aws_iam_group_policy_attachments_exclusive":        {"policy_arns", []principalAttr{{"group_name", groupArg.typ}}},
	"aws_ssoadmin_managed_policy_attachments_exclusive": {"managed_policy_arns", []principalAttr{permissionSetArg}},
}

// principalTypes are the resources whose name is the identity an
// attachment names.
var principalTypes = map[string]bool{roleArg.typ: true, userArg.typ: true, groupArg.typ: true}

// tfAttachments is what the attachment reader keeps of a module.
type tfAttachments struct {
	policyData map[string]*tfPolicyData  // data "aws_iam_policy", by name
	resources  map[string]*hclread.Block // resources by address, made on first use
	docs       int                       // the documents made so far
	// cut is the attribute last read only in part: its instances come
	// one after another, and it is warned about once.
	cut *hclread.Attr
}

// tfPolicyData is a data "aws_iam_policy" block and, once an attachment
// reads it, the policy each of its instances names.
type tfPolicyData struct {
	block *hclread.Block
	read  bool
	named []dataPolicy
}

type dataPolicy struct {
	suffix string // the instance: [0], ["key"]
	policy *hcleval.Value
	block  *hclread.Block
	attr   *hclread.Attr // arn or name
}

// declarePolicyData records a data "aws_iam_policy" block.
func (m *tfModule) declarePolicyData(b *hclread.Block) {
	if m.attach.policyData == nil {
		m.attach.policyData = map[string]*tfPolicyData{}
	}
	m.attach.policyData[b.Labels[1]] = &tfPolicyData{block: b}
}

// Limits that keep a hostile module linear: the policies of one
// attribute, and the documents (principals times policies) of a module.
const (
	maxAttached         = 256
	maxAttachedInModule = 4096
)

// attachments reads the managed policies a resource instance attaches.
func (m *tfModule) attachments(b *hclread.Block, inst instance) {
	typ := b.Labels[0]
	form, ok := attachForms[typ]
	if !ok || m.attach.docs > maxAttachedInModule {
		return
	}
	a := b.Attr(form.policies)
	if a == nil {
		return
	}
	address := typ + "." + b.Labels[1] + inst.suffix
	// The items of a list are read one by one, so that a policy read from
	// elsewhere (var.x) is shown at its own item.
	exprs := []hclsyntax.Expression{a.Expr}
	if list, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
		exprs = list.Exprs
	}
	var found []attachedPolicy
	read := 0
items:
	for _, e := range exprs {
		for _, v := range eachValue(inst.scope.Eval(e), nil) {
			if read == maxAttached {
				if m.attach.cut != a {
					m.attach.cut = a
					m.Warn(m.Place(a.Range), fmt.Sprintf("only the first %d policies of %s.%s are read", maxAttached, typ+"."+b.Labels[1], form.policies))
				}
				break items
			}
			read++
			found = append(found, m.attachedPolicies(v, b, m.Place(e.Range()))...)
		}
	}
	if len(found) == 0 {
		return
	}
	origins := m.principals(b, inst, form, address)
	holder := m.suppressionsAt(m.fileOf(b), b.Range.Start.Byte, m.blockComments[b])
	holder = append(holder, m.suppressionsAt(m.files[a.Range.Filename], a.Range.Start.Byte, nil)...)
	for _, origin := range origins {
		origin.Path = address + "." + form.policies
		for _, p := range found {
			if m.attach.docs == maxAttachedInModule {
				m.Warn(m.Place(b.Range), fmt.Sprintf("only the first %d managed policy attachments of the module are read", maxAttachedInModule))
			}
			if m.attach.docs++; m.attach.docs > maxAttachedInModule {
				return
			}
			sups := slices.Clone(holder)
			for _, c := range m.suppressionsAt(p.at.File, p.at.Start, nil) {
				span := p.attachment.Span
				c.Span = &span
				sups = append(sups, c)
			}
			m.out = append(m.out, extract.Document{
				Attachments:  []iam.Attachment{p.attachment},
				Origin:       origin,
				Files:        []string{p.at.File.Name},
				Suppressions: sups,
			})
		}
	}
}

// attachedPolicy is one policy an attribute names, and where.
type attachedPolicy struct {
	attachment iam.Attachment
	at         hcleval.Place
}

// attachedPolicies reads one value of the policy attribute of block b,
// given by the expression at expr: a string (an ARN) or a reference to a
// data "aws_iam_policy". Anything else names no policy the scanner can
// see.
func (m *tfModule) attachedPolicies(v *hcleval.Value, b *hclread.Block, expr hcleval.Place) []attachedPolicy {
	var out []attachedPolicy
	add := func(v *hcleval.Value, at hcleval.Place) {
		if at.Valid() {
			out = append(out, m.attachedPolicy(v, at))
		}
	}
	switch v.Kind {
	case hcleval.KindString:
		add(v, m.namingPlace(v, b, expr))
	case hcleval.KindUnknown:
		for _, d := range m.policyDataRead(v.Hole.Ref) {
			add(d.policy, m.namingPlace(d.policy, d.block, m.Place(d.attr.Expr.Range())))
		}
	}
	return out
}

// namingPlace is where a finding about the policy v, named in block b,
// stands: where v is written when that is inside b (a list item, a
// conditional's branch, a for_each entry), else the expression that
// names it in b (var.x, local.y), as a CloudFormation parameter's finding
// stands at its Ref.
func (m *tfModule) namingPlace(v *hcleval.Value, b *hclread.Block, expr hcleval.Place) hcleval.Place {
	if v.At.Within(m.fileOf(b), b.Range) {
		return v.At
	}
	return expr
}

func (m *tfModule) attachedPolicy(v *hcleval.Value, at hcleval.Place) attachedPolicy {
	policy := hcleval.IAMValue(v)
	policy.Defaults = m.defaultsRead(v)
	return attachedPolicy{attachment: iam.Attachment{Policy: policy, Span: at.Span()}, at: at}
}

// eachValue flattens a value into the strings or unknowns it may be:
// the items of a list, each branch of a conditional.
func eachValue(v *hcleval.Value, out []*hcleval.Value) []*hcleval.Value {
	switch v.Kind {
	case hcleval.KindList, hcleval.KindEither:
		for _, it := range v.Items {
			if len(out) > maxAttached {
				return out
			}
			out = eachValue(it, out)
		}
	case hcleval.KindNull, hcleval.KindObject:
	default:
		out = append(out, v)
	}
	return out
}

// policyDataRead returns the policies a reference to a data
// "aws_iam_policy" may name: data.aws_iam_policy.NAME, with an instance
// key or not, then arn or id; a reference cut short (the instance picked
// by an expression) may be any instance.
func (m *tfModule) policyDataRead(ref hcl.Traversal) []dataPolicy {
	if len(ref) < 3 || ref.RootName() != "data" || traversalAttr(ref, 1) != "aws_iam_policy" {
		return nil
	}
	d := m.attach.policyData[traversalAttr(ref, 2)]
	if d == nil {
		return nil
	}
	rest := ref[3:]
	suffix, indexed := "", false
	if len(rest) > 0 {
		if ix, ok := rest[0].(hcl.TraverseIndex); ok {
			suffix, indexed = indexSuffix(ix.Key), true
			rest = rest[1:]
		}
	}
	if len(rest) > 0 {
		if attr, _ := rest[0].(hcl.TraverseAttr); attr.Name != "arn" && attr.Name != "id" {
			return nil
		}
	}
	if !d.read {
		d.read = true
		d.named = m.dataPolicies(d.block)
	}
	if !indexed {
		return d.named
	}
	var out []dataPolicy
	for _, p := range d.named {
		if p.suffix == suffix {
			out = append(out, p)
		}
	}
	return out
}

// dataPolicies reads the policy each instance of a data "aws_iam_policy"
// names: its arn, else its name. A path_prefix other than "/" is read as
// the policy's path, so that a customer managed policy of the same name,
// which the data source finds under that path, is not taken for the AWS
// managed one.
func (m *tfModule) dataPolicies(b *hclread.Block) []dataPolicy {
	var out []dataPolicy
	for _, inst := range m.instances(b) {
		attr := b.Attr("arn")
		if attr == nil {
			attr = b.Attr("name")
		}
		if attr == nil {
			continue
		}
		var prefix *hcleval.Value
		if attr.Name == "name" {
			if p := b.Attr("path_prefix"); p != nil {
				prefix = inst.scope.Eval(p.Expr)
			}
		}
		for _, v := range eachValue(inst.scope.Eval(attr.Expr), nil) {
			if v.Kind != hcleval.KindString {
				continue
			}
			if prefix != nil {
				path, ok := prefix.Str()
				if !ok {
					continue
				}
				if path != "/" && path != "" {
					v = &hcleval.Value{Kind: hcleval.KindString, Parts: append([]hcleval.StringPart{{Text: "arn:aws:iam::aws:policy" + path}}, v.StringParts()...), At: v.At}
				}
			}
			out = append(out, dataPolicy{suffix: inst.suffix, policy: v, block: b, attr: attr})
		}
	}
	return out
}

// indexSuffix is an instance key as an address writes it.
func indexSuffix(key cty.Value) string {
	switch {
	case !key.IsKnown() || key.IsNull():
	case key.Type() == cty.String:
		return fmt.Sprintf("[%q]", key.AsString())
	case key.Type() == cty.Number:
		return "[" + hcleval.NumberText(key.AsBigFloat()) + "]"
	}
	return ""
}

func traversalAttr(t hcl.Traversal, i int) string {
	if i == 0 {
		return t.RootName()
	}
	if i < len(t) {
		if a, ok := t[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

// principals are the origins of what a resource instance attaches: one
// per principal it names, by the principal's address where it refers to
// one (so that an exemption's resources selector matches it), else by
// its own address with the name it gives as the identity.
func (m *tfModule) principals(b *hclread.Block, inst instance, form attachForm, address string) []iam.Origin {
	typ := b.Labels[0]
	if form.principals == nil {
		return []iam.Origin{{Resource: address, ResourceType: typ, Identity: m.name(b, inst.scope)}}
	}
	var out []iam.Origin
	for _, pa := range form.principals {
		a := b.Attr(pa.name)
		if a == nil {
			continue
		}
		for _, v := range eachValue(inst.scope.Eval(a.Expr), nil) {
			origin := iam.Origin{Resource: address, ResourceType: typ}
			if name, ok := v.Str(); ok {
				if pa.typ != permissionSetArg.typ {
					origin.Identity = name
				}
			} else if v.Kind == hcleval.KindUnknown {
				if r, ok := m.principalRef(v.Hole.Ref, pa.typ); ok {
					origin = r
				}
			}
			if !slices.Contains(out, origin) {
				out = append(out, origin)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, iam.Origin{Resource: address, ResourceType: typ})
	}
	return out
}

// principalRef is the origin of a reference to a principal of type typ
// (aws_iam_role.ops.name, data.aws_iam_role.ops.name,
// aws_iam_role.ops[0].name): its address, and the name the resource
// gives it when it is one resource with a known name.
func (m *tfModule) principalRef(ref hcl.Traversal, typ string) (iam.Origin, bool) {
	if len(ref) == 0 {
		return iam.Origin{}, false
	}
	step := 0
	address := ""
	if ref.RootName() == "data" {
		step, address = 1, "data."
	}
	if traversalAttr(ref, step) != typ {
		return iam.Origin{}, false
	}
	name := traversalAttr(ref, step+1)
	if name == "" {
		return iam.Origin{}, false
	}
	address += typ + "." + name
	origin := iam.Origin{Resource: address, ResourceType: typ}
	if len(ref) > step+2 {
		if ix, ok := ref[step+2].(hcl.TraverseIndex); ok {
			origin.Resource += indexSuffix(ix.Key)
			return origin, true
		}
	}
	if b := m.resourceBlock(address); b != nil && b.Attr("count") == nil && b.Attr("for_each") == nil && principalTypes[typ] {
		origin.Identity = m.name(b, m.ev.Scope())
	}
	return origin, true
}

// resourceBlock is the resource block of an address, or nil.
func (m *tfModule) resourceBlock(address string) *hclread.Block {
	if m.attach.resources == nil {
		m.attach.resources = map[string]*hclread.Block{}
		for _, b := range m.blocks {
			if b.Type == "resource" {
				m.attach.resources[b.Labels[0]+"."+b.Labels[1]] = b
			}
		}
	}
	return m.attach.resources[address]
}

// defaultsRead names the variables whose default v, or a part of it, is
// written in: a value a deployment may set otherwise.
func (m *tfModule) defaultsRead(v *hcleval.Value) []string {
	places := []hcleval.Place{v.At}
	for _, p := range v.StringParts() {
		places = append(places, p.At)
	}
	var names []string
	for name, variable := range m.variables {
		if variable.def == nil || m.tfvars[name] != nil {
			continue
		}
		r := variable.def.Range
		if slices.ContainsFunc(places, func(p hcleval.Place) bool { return p.Within(m.files[r.Filename], r) }) {
			names = append(names, "var."+name)
		}
	}
	slices.Sort(names)
	return names
}
