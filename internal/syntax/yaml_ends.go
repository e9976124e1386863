package syntax

import (
	"bytes"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// The YAML reader of go-yaml reports where nodes start; where they end is
// found from the text, the same way for both readers, so that both give
// every node the same place.

// skipYAMLProperties moves past a node's tag and anchor, which the YAML
// reader counts as the node's start, to the value itself.
func skipYAMLProperties(data []byte, off int) int {
	for off < len(data) && (data[off] == '!' || data[off] == '&') {
		for off < len(data) && !source.IsSpace(data[off]) {
			off++
		}
		for off < len(data) && source.IsSpace(data[off]) {
			off++
		}
	}
	return off
}

// flowEnd returns the offset after the bracket that closes the flow
// collection opened at off.
func (t *yamlTree) flowEnd(off int) int {
	if t.flowEnds == nil {
		t.flowEnds = map[int]int{}
	}
	end := flowEnd(t.src.Data, off, t.flowEnds)
	t.flowEnds[off] = end
	return end
}

// flowEnd scans for the bracket that closes the collection opened at off;
// known holds the ends of collections inside it that were already found.
func flowEnd(data []byte, off int, known map[int]int) int {
	depth := 0
	for i := off; i < len(data); i++ {
		switch data[i] {
		case '[', '{':
			if end, ok := known[i]; ok && i != off {
				i = end - 1 // the whole nested collection; the depth is unchanged
				continue
			}
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			i = quotedEnd(data, i, data[i]) - 1
		case '#':
			if i > 0 && source.IsSpace(data[i-1]) {
				for i < len(data) && data[i] != '\n' && data[i] != '\r' {
					i++
				}
			}
		}
	}
	return len(data)
}

// quotedEnd returns the offset after the closing quote of the string
// opened at off.
func quotedEnd(data []byte, off int, quote byte) int {
	for i := off + 1; i < len(data); i++ {
		switch {
		case quote == '"' && data[i] == '\\':
			i++
		case data[i] == quote && quote == '\'' && i+1 < len(data) && data[i+1] == '\'':
			i++
		case data[i] == quote:
			return i + 1
		}
	}
	return len(data)
}

// blockScalarEnd returns the end of the last non-blank line of the
// literal or folded block whose indicator is at off.
func blockScalarEnd(data []byte, off int) int {
	end := lineEnd(data, off)
	indent := -1
	for next := nextLine(data, end); next < len(data); next = nextLine(data, lineEnd(data, next)) {
		le := lineEnd(data, next)
		spaces := 0
		for next+spaces < le && data[next+spaces] == ' ' {
			spaces++
		}
		if next+spaces == le || strings.TrimSpace(string(data[next:le])) == "" {
			continue // blank lines belong to the block but do not end it
		}
		if indent < 0 {
			indent = spaces
		}
		if spaces < indent || indent == 0 {
			break
		}
		end = le
		for end > next && (data[end-1] == ' ' || data[end-1] == '\t') {
			end--
		}
	}
	return end
}

func lineEnd(data []byte, off int) int {
	for off < len(data) && data[off] != '\n' && data[off] != '\r' {
		off++
	}
	return off
}

func nextLine(data []byte, lineEnd int) int {
	if lineEnd < len(data) && data[lineEnd] == '\r' {
		lineEnd++
	}
	if lineEnd < len(data) && data[lineEnd] == '\n' {
		lineEnd++
	}
	return lineEnd
}

// plainEnd returns the end of a plain scalar: its text as written, or for
// a scalar folded over several lines, the last word of its value.
func plainEnd(data []byte, off int, value string) int {
	if len(value) <= len(data)-off && string(data[off:off+len(value)]) == value {
		return off + len(value)
	}
	last := value
	if i := strings.LastIndexAny(value, " \n"); i >= 0 {
		last = value[i+1:]
	}
	if last != "" {
		if i := bytes.Index(data[off:], []byte(last)); i >= 0 {
			return off + i + len(last)
		}
	}
	return lineEnd(data, off)
}
