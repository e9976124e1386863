// Package extract finds the IAM policy documents in parsed files, with
// where each comes from: bare policies, CloudFormation and SAM templates,
// Serverless Framework files, CDK synth output, policies written as
// strings, and AWS CLI exports. One file per format.
package extract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// Document is one policy document found in a file, or the managed
// policies attached to one principal (Attachments), with where they come
// from.
type Document struct {
	Policy      iam.Policy
	Attachments []iam.Attachment
	Origin      iam.Origin
	// Holder is the CloudFormation resource that holds the policy, if
	// any: its Metadata may suppress findings.
	Holder *syntax.Node
	// Files names the file of each statement where a policy gathers
	// statements from several files (Terraform), or the file that names
	// the policy of a Terraform attachment; "" is the scanned file.
	Files []string
	// Suppressions are the inline comments that may suppress findings of
	// the document (Terraform).
	Suppressions []Suppression
}

// Comment is an inline suppression comment (Terraform):
// "# ssm-guardrails:ignore IAM-SSM-1 reason=...". Text is what follows
// "ssm-guardrails:".
type Comment struct {
	File string
	Pos  source.Pos
	Text string
}

// Suppression puts a comment on the findings it may suppress: every
// finding of its document, or, when Span is set, those at one statement.
type Suppression struct {
	Comment *Comment
	File    string
	Span    *source.Span
}

// Extract finds the policy documents in the parsed documents of a file.
func Extract(src *source.Source, roots []*syntax.Node) ([]Document, []source.Diagnostic) {
	e := &extractor{src: src}
	for _, root := range roots {
		switch {
		case isTemplate(root):
			e.template(root)
		case isPlan(root):
			e.plan(root)
		case e.serverless(root):
		default:
			e.exportAttachments(root)
			e.walk(root, iam.Origin{}, 0)
		}
	}
	return e.docs, e.diags
}

type extractor struct {
	src   *source.Source
	docs  []Document
	diags []source.Diagnostic
	path  []string // where the walk is, for Origin.Path
	// holder is the CloudFormation resource being walked.
	holder *syntax.Node
	// sub is the Fn::Sub whose template is being walked, if any.
	sub *substitution
	// places counts the statements read more than one way, to number
	// their iam.Reading places.
	places int
	// stack is the template being read, if any; from is the parameter
	// whose Default holds the policy being read, if any (see resolver).
	stack *stack
	from  string
	// use is the outermost YAML alias the walk went through: the place in
	// the file where the nodes below it are used.
	use *syntax.Node
	// read marks the nodes read below each use: nested aliases can reach
	// one node many times through one use (a list of aliases of a list
	// of aliases), and it is read once there.
	read map[readKey]readAs
}

type readKey struct{ use, node *syntax.Node }

// readAs says how a node was read; a statement anchored outside any
// policy is walked first and read as a statement later.
type readAs uint8

const (
	readWalked readAs = 1 << iota
	readStatement
)

// enter notes that the walk goes into n, and returns what leave needs:
// entering an alias outside any other makes it the use of what is below.
func (e *extractor) enter(n *syntax.Node) (outer *syntax.Node) {
	outer = e.use
	if outer == nil && n.Alias != nil {
		e.use = n
	}
	return outer
}

func (e *extractor) leave(outer *syntax.Node) { e.use = outer }

// firstRead reports whether n is read as how for the first time at this
// use, marking it. Outside any alias no node can be reached twice.
func (e *extractor) firstRead(n *syntax.Node, how readAs) bool {
	if e.use == nil {
		return true
	}
	key := readKey{e.use, n.Anchored()}
	if e.read[key]&how != 0 {
		return false
	}
	if e.read == nil {
		e.read = map[readKey]readAs{}
	}
	e.read[key] |= how
	return true
}

// usedAt is where statement n is used: at the alias it is read through,
// if any.
func (e *extractor) usedAt(n *syntax.Node) *syntax.Node {
	if e.use != nil {
		return e.use
	}
	return n
}

// anchor is where statement n is written, when it is used through an
// alias.
func (e *extractor) anchor(n *syntax.Node) *source.Span {
	if e.use == nil && n.Alias == nil {
		return nil
	}
	span := n.Anchored().Span(e.src)
	return &span
}

// resolver resolves the values of the statement being read.
func (e *extractor) resolver() resolver { return resolver{sub: e.sub, stack: e.stack, from: e.from} }

func (e *extractor) warn(n *syntax.Node, format string, args ...any) {
	e.diags = append(e.diags, source.Diagnostic{Offset: n.Start, Msg: fmt.Sprintf(format, args...)})
}

func (e *extractor) push(seg string) { e.path = append(e.path, seg) }
func (e *extractor) pop()            { e.path = e.path[:len(e.path)-1] }

func (e *extractor) pathString() string {
	size := 0
	for _, seg := range e.path {
		size += 1 + len(seg)
	}
	var b strings.Builder
	b.Grow(size)
	for _, seg := range e.path {
		if b.Len() > 0 && !strings.HasPrefix(seg, "[") {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// indexSegment is the path segment of list item i. The walk goes through
// every list, so the common ones are made once.
func indexSegment(i int) string {
	if i < len(smallIndexes) {
		return smallIndexes[i]
	}
	return formatIndex(i)
}

var smallIndexes = func() (out [64]string) {
	for i := range out {
		out[i] = formatIndex(i)
	}
	return out
}()

func formatIndex(i int) string { return "[" + strconv.Itoa(i) + "]" }

// isTrustPolicyKey reports whether key holds a document that says who may
// assume a role, not what it may do.
func isTrustPolicyKey(key string) bool { return key == "AssumeRolePolicyDocument" }

// isPolicyKey reports whether key holds a single policy document in
// CloudFormation. (A switch: the walk asks it of every key.)
func isPolicyKey(key string) bool {
	switch key {
	case "PolicyDocument", "InlinePolicy":
		return true
	}
	return false
}

// walk looks for policy documents anywhere below n: a map with a
// Statement list or object is one. Names found on the way (PolicyName,
// RoleName, ...) become the origin of the documents below them.
func (e *extractor) walk(n *syntax.Node, origin iam.Origin, depth int) {
	if n == nil || depth > syntax.MaxDepth {
		return
	}
	defer e.leave(e.enter(n))
	if !e.firstRead(n, readWalked) {
		return
	}
	switch n.Kind {
	case syntax.KindList:
		for i, item := range n.Items {
			e.push(indexSegment(i))
			e.walk(item, origin, depth+1)
			e.pop()
		}
	case syntax.KindMap:
		if isPolicyDocument(n) {
			e.document(n, origin)
			return
		}
		if name, arg, ok := intrinsic(n); ok && e.intrinsicPolicy(name, arg, origin) {
			return
		}
		if st := n.Get("Statement"); st != nil && n.Get("Version") != nil {
			e.warn(st, "Statement must be a list or an object, not %s", st.Describe())
		}
		origin = namedOrigin(n, origin)
		for _, f := range n.Fields {
			if isTrustPolicyKey(f.Key.Text) {
				continue
			}
			if isPolicyKey(f.Key.Text) && (f.Value.Kind == syntax.KindList || f.Value.Kind == syntax.KindNumber || f.Value.Kind == syntax.KindBool) {
				e.warn(f.Value, "%s must be an object or a JSON string, not %s", f.Key.Text, f.Value.Describe())
			}
			e.push(f.Key.Text)
			if f.Value.Kind == syntax.KindString {
				e.embedded(f.Value, origin, e.sub)
			} else {
				e.walk(f.Value, origin, depth+1)
			}
			e.pop()
		}
	}
}

// subTemplate reads a policy written as the template string of a
// Fn::Sub, in either of its forms: "template" or [template, variables].
func (e *extractor) subTemplate(arg *syntax.Node, origin iam.Origin) {
	template, vars := arg, (*syntax.Node)(nil)
	if arg.Kind == syntax.KindList && len(arg.Items) == 2 {
		template, vars = arg.Items[0], arg.Items[1]
	}
	if template.Kind != syntax.KindString {
		return
	}
	// Most templates are names and ARNs: the substitution is made only
	// for one that may be a policy.
	if text, offsets, ok := e.embeddedText(template); ok {
		e.readString(text, offsets, origin, &substitution{vars: vars})
	}
}

// namedOrigin picks up the names a map gives the documents below it.
func namedOrigin(n *syntax.Node, origin iam.Origin) iam.Origin {
	for _, f := range n.Fields {
		if !f.Value.IsScalar() {
			continue
		}
		switch f.Key.Text {
		case "PolicyName", "ManagedPolicyName":
			origin.PolicyName = f.Value.Text
		case "RoleName", "UserName", "GroupName":
			origin.Identity = f.Value.Text
		}
	}
	return origin
}

func isPolicyDocument(n *syntax.Node) bool {
	st := n.Get("Statement")
	return st != nil && (st.Kind == syntax.KindList || st.Kind == syntax.KindMap)
}

// document records the policy document n.
func (e *extractor) document(n *syntax.Node, origin iam.Origin) {
	st := n.Get("Statement")
	defer e.leave(e.enter(st))
	e.policy(st.List(), origin)
}

// policy records the statements judged together as one policy.
func (e *extractor) policy(statements []*syntax.Node, origin iam.Origin) {
	origin.Path = e.pathString()
	// Most items are one statement each; an item with Fn::If branches
	// or duplicate keys is more, and grows the list.
	p := iam.Policy{Statements: make([]iam.Statement, 0, len(statements))}
	for _, item := range statements {
		outer := e.enter(item)
		if e.firstRead(item, readStatement) {
			p.Statements = e.appendStatements(p.Statements, item)
		}
		e.leave(outer)
	}
	e.docs = append(e.docs, Document{Policy: p, Origin: origin, Holder: e.holder})
}
