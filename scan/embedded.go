package scan

import (
	"net/url"
	"strings"
)

// alignWindow is how far ahead in the file a decoded byte is looked for:
// far enough to step over an escape such as \u00e9 or a closing quote
// and indentation, near enough never to jump to another line's text.
const alignWindow = 12

// embedded reads a policy written as a JSON string (an SSO InlinePolicy,
// a PolicyDocument string, the body of a Fn::Sub, an AWS API export).
// Positions inside the string are mapped back to the file. sub holds the
// Fn::Sub the string is the template of, if any: its ${...} references
// are then resolved in every value.
func (e *extractor) embedded(n *Node, origin Origin, sub *substitution) {
	text := n.Text
	trimmed := strings.TrimSpace(text)
	urlEncoded := len(trimmed) > 3 && strings.EqualFold(trimmed[:3], "%7B")
	// The pre-filter's test, so that a string the filter would let
	// through for its escapes (\u0053tatement, %53tatement) is read too.
	if !strings.HasPrefix(trimmed, "{") && !urlEncoded || !MayHoldPolicy([]byte(trimmed)) {
		return
	}
	var offsets []int
	if urlEncoded {
		decoded, err := url.QueryUnescape(trimmed)
		if err != nil {
			return
		}
		text = decoded
		offsets = constantOffsets(len(text), n.Start)
	} else {
		offsets = alignOffsets(text, e.src.Data, n.Start, n.End)
	}
	inner := NewSource([]byte(text))
	root, diags, err := parseJSON(inner)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			e.diags = append(e.diags, Diagnostic{Offset: mapOffset(offsets, se.Offset), Msg: "policy in a string: " + se.Msg})
		}
		return
	}
	for _, d := range diags {
		e.diags = append(e.diags, Diagnostic{Offset: mapOffset(offsets, d.Offset), Msg: "policy in a string: " + d.Msg})
	}
	remap(root, offsets, map[*Node]bool{})
	saved := e.sub
	e.sub = sub
	e.walk(root, origin, 0)
	e.sub = saved
}

// alignOffsets maps every byte of a decoded string to the file offset it
// came from, by walking the decoded text and the file's text together:
// quotes, escapes, indentation and folded line breaks are stepped over.
// A decoded byte with no source byte of its own (the newline of a \n
// escape, the bytes of a \u escape) maps to where the walk stands. The
// result has one more entry than text, for the end.
//
// A byte that is not found leaves the walk where it stands, so the next
// look steps over the same white space again; a hostile string (a long
// run of spaces before many escapes) could make that quadratic. The
// looks share a budget of alignBudget bytes per byte of text and file;
// when it runs out, the bytes left map to where the walk stands. Real
// strings use a small part of it.
func alignOffsets(text string, data []byte, start, end int) []int {
	offsets := make([]int, len(text)+1)
	p := start
	budget := alignBudget * (len(text) + end - start + 1)
	for i := 0; i < len(text); i++ {
		c := text[i]
		j, cost := findAhead(data, p, end, c)
		if budget -= cost; budget < 0 {
			for ; i < len(text); i++ {
				offsets[i] = p
			}
			break
		}
		if j >= 0 {
			p = j
			offsets[i] = p
			p++
			continue
		}
		offsets[i] = p
	}
	offsets[len(text)] = min(p, end)
	return offsets
}

// alignBudget is how many bytes of the file the walk may look at, on
// average, per byte of the string and of its text in the file.
const alignBudget = 64

// findAhead finds byte c at or after p: past any run of white space, then
// at most alignWindow other bytes. It also returns how many bytes it
// looked at.
func findAhead(data []byte, p, end int, c byte) (int, int) {
	other := 0
	for j := p; j < end; j++ {
		if data[j] == c {
			return j, j - p + 1
		}
		if !isYAMLSpace(data[j]) {
			other++
			if other > alignWindow {
				return -1, j - p + 1
			}
		}
	}
	return -1, end - p
}

func constantOffsets(n, off int) []int {
	offsets := make([]int, n+1)
	for i := range offsets {
		offsets[i] = off
	}
	return offsets
}

func mapOffset(offsets []int, off int) int {
	return offsets[max(0, min(off, len(offsets)-1))]
}

// remap moves a tree parsed from a string onto the file's offsets.
func remap(n *Node, offsets []int, done map[*Node]bool) {
	if n == nil || done[n] {
		return
	}
	done[n] = true
	start, end := mapOffset(offsets, n.Start), n.End
	if end > n.Start {
		end = mapOffset(offsets, end-1) + 1
	} else {
		end = mapOffset(offsets, end)
	}
	n.Start, n.End = start, max(start, end)
	for _, item := range n.Items {
		remap(item, offsets, done)
	}
	for _, f := range n.Fields {
		remap(f.Key, offsets, done)
		remap(f.Value, offsets, done)
	}
}
