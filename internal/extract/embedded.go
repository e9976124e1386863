package extract

import (
	"errors"
	"net/url"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// embedded reads a policy written as a JSON string (an SSO InlinePolicy,
// a PolicyDocument string, the body of a Fn::Sub, an AWS API export).
// Positions inside the string are mapped back to the file. sub holds the
// Fn::Sub the string is the template of, if any: its ${...} references
// are then resolved in every value.
func (e *extractor) embedded(n *syntax.Node, origin iam.Origin, sub *substitution) {
	if text, offsets, ok := e.embeddedText(n); ok {
		e.readString(text, offsets, origin, sub)
	}
}

// embeddedText is the text of string n, decoded, with its offsets in the
// file, when it may be a policy: it is JSON or URL-encoded JSON, and
// passes the pre-filter.
func (e *extractor) embeddedText(n *syntax.Node) (string, source.OffsetMap, bool) {
	text := n.Text
	trimmed := strings.TrimSpace(text)
	urlEncoded := len(trimmed) > 3 && strings.EqualFold(trimmed[:3], "%7B")
	// The pre-filter's test, so that a string the filter would let
	// through for its escapes (\u0053tatement, %53tatement) is read too.
	if !strings.HasPrefix(trimmed, "{") && !urlEncoded || !MayHoldPolicy([]byte(trimmed)) {
		return "", nil, false
	}
	if urlEncoded {
		decoded, err := url.QueryUnescape(trimmed)
		if err != nil {
			return "", nil, false
		}
		return decoded, source.ConstantOffsets(len(decoded), n.Start), true
	}
	return text, source.AlignOffsets(text, e.src.Data, n.Start, n.End), true
}

// readString parses and walks text, a policy decoded from the file at
// offsets.
func (e *extractor) readString(text string, offsets source.OffsetMap, origin iam.Origin, sub *substitution) {
	inner := source.NewSource([]byte(text))
	root, diags, err := syntax.ParseJSON(inner)
	if err != nil {
		var se *syntax.SyntaxError
		if errors.As(err, &se) {
			e.diags = append(e.diags, source.Diagnostic{Offset: offsets.Map(se.Offset), Msg: "policy in a string: " + se.Msg})
		}
		return
	}
	for _, d := range diags {
		e.diags = append(e.diags, source.Diagnostic{Offset: offsets.Map(d.Offset), Msg: "policy in a string: " + d.Msg})
	}
	syntax.Remap(root, offsets)
	saved := e.sub
	e.sub = sub
	e.walk(root, origin, 0)
	e.sub = saved
}
