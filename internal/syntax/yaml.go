package syntax

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// ParseYAML reads every document of a YAML stream. CloudFormation short
// forms (!Ref, !Sub, ...) become their long forms ({"Ref": ...},
// {"Fn::Sub": ...}); any other local tag is read the same way, so an
// unknown tag is no error. An alias is a copy of its anchor's node at its
// own place (Node.Alias), and merge keys (<<) are applied.
//
// Our own reader (yaml_reader.go) reads the YAML that templates and
// manifests are written in straight into our tree; a stream it leaves
// aside (directives, complex keys, an error) is read by go-yaml and
// converted, with the same result.
//
// When a document is broken, the documents before it are returned with
// the error, whose Document says which one it is.
func ParseYAML(src *source.Source) ([]*Node, []source.Diagnostic, error) {
	return parseYAML(src, new(Nodes))
}

func parseYAML(src *source.Source, nodes *Nodes) ([]*Node, []source.Diagnostic, error) {
	safe := src.WithData(yamlSafe(src.Data))
	if docs, warnings, ok := readYAML(safe, nodes); ok {
		return docs, warnings, nil
	}
	docs, warnings, err := goYAML(safe, nodes)
	if err != nil && !slices.ContainsFunc(docs, isCollection) {
		// Text that is not YAML at all (HCL, a template) reads as a
		// plain scalar before it breaks: that is no document to keep.
		return nil, nil, err
	}
	return docs, warnings, err
}

// text8 reports whether the first eight bytes of p are each from ' ' to
// '~', a tab or a line break.
func text8(p []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := binary.LittleEndian.Uint64(p)
	if w&highs != 0 {
		return false
	}
	// With no high bit set, adding to each byte carries into no other:
	// the high bit of b+0x60 is set for b from ' ', of b+0x7f for b not
	// 0 (here: a tab or a line break, after the XOR), of b+1 for 0x7f.
	below := ^(w + 0x60*ones) & highs
	tab, lf, cr := w^'\t'*ones, w^'\n'*ones, w^'\r'*ones
	below &^= ^((tab + 0x7f*ones) & (lf + 0x7f*ones) & (cr + 0x7f*ones))
	return below|(w+ones)&highs == 0
}

func isCollection(n *Node) bool { return n.Kind == KindMap || n.Kind == KindList }

// yamlSafe returns data with the bytes the YAML reader refuses (invalid
// UTF-8, control characters) and the line breaks only YAML knows (NEL,
// LS, PS) replaced byte for byte, so that offsets stay those of the file
// and lines stay those every other reader counts.
func yamlSafe(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		if i+8 <= len(data) && text8(data[i:]) {
			i += 8 // nearly every byte of a template: eight at a time
			continue
		}
		c := data[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		r, w := utf8.DecodeRune(data[i:])
		bad := r == utf8.RuneError && w == 1 || r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029
		if i == 0 && r == 0xfeff {
			bad = false
		}
		if bad {
			if out == nil {
				out = bytes.Clone(data)
			}
			for j := i; j < i+w; j++ {
				out[j] = ' '
			}
		}
		i += w
	}
	if out == nil {
		return data
	}
	return out
}
