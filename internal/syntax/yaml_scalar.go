package syntax

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// The scalars of the YAML reader: each is read as go-yaml's scanner reads
// it (the same folding of lines, the same escapes), and ends where
// yaml_ends.go says, so that both readers give it the same text and place.

// plainStart reports whether a plain scalar may start at pos: not at an
// indicator, except '-' (and in block context '?' and ':') before a
// character that is not white space.
func (r *yamlReader) plainStart(flow bool) bool {
	switch c := r.at(r.pos); c {
	case '-':
		return !r.blankz(r.pos + 1)
	case '?', ':':
		return !flow && !r.blankz(r.pos+1)
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\t', '\r', '\n':
		return false
	default:
		return r.pos < len(r.data)
	}
}

// plain reads a plain scalar at pos, of the kind YAML resolves it to
// without a tag. In block context its later lines must be indented deeper
// than parent; multiline says it has some. pos is left at the end of its
// text.
func (r *yamlReader) plain(parent int, flow bool) (n *Node, multiline bool) {
	start, firstLine := r.pos, r.lineStart
	end, endLine := start, r.lineStart
	var folded []byte // the text so far, once a line is folded in
	breaks := 0       // line breaks since the last text
	for {
		if r.atMarker() || r.at(r.pos) == '#' {
			break
		}
		segment := r.pos
		r.pos = plainRun(r.data, r.pos, flow)
		if r.pos > segment {
			switch {
			case breaks > 0:
				if folded == nil {
					folded = append(folded, r.data[start:end]...)
				}
				if breaks == 1 {
					folded = append(folded, ' ')
				} else {
					folded = append(folded, strings.Repeat("\n", breaks-1)...)
				}
				folded = append(folded, r.data[segment:r.pos]...)
			case folded != nil:
				folded = append(folded, r.data[end:r.pos]...) // the white space between words, as written
			}
			end, endLine, breaks = r.pos, r.lineStart, 0
		}
		if c := r.at(r.pos); c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			break
		}
		for {
			if c := r.at(r.pos); c == ' ' || c == '\t' {
				if c == '\t' && breaks > 0 {
					r.leave() // a tab in the indentation of a folded line
				}
				r.pos++
			} else if r.lineBreak() {
				breaks++
			} else {
				break
			}
		}
		if !flow && breaks > 0 && r.col() <= parent {
			break
		}
	}
	r.pos, r.lineStart = end, endLine
	if folded == nil {
		text := intern(&r.texts, r.data[start:end])
		return r.node(Node{Kind: resolvedKind(text), Text: text, Start: start, End: end}), endLine != firstLine
	}
	text := string(folded)
	return r.node(Node{Kind: resolvedKind(text), Text: text, Start: start, End: plainEnd(r.data, start, text)}), endLine != firstLine
}

// plainStops marks the bytes at which a run of a plain scalar's text may
// end, in block context and in flow context: white space, ':', and the
// flow indicators.
var plainStops = func() (stops [2][256]bool) {
	for _, c := range " \t\n\r:" {
		stops[0][c], stops[1][c] = true, true
	}
	for _, c := range ",?[]{}" {
		stops[1][c] = true
	}
	return stops
}()

// plainRun returns where the run of text of a plain scalar from i ends: at
// white space or the end, a ':' before white space or the end, or in flow
// context an indicator.
func plainRun(data []byte, i int, flow bool) int {
	stops := &plainStops[0]
	if flow {
		stops = &plainStops[1]
	}
	for ; i < len(data); i++ {
		if c := data[i]; stops[c] && (c != ':' || i+1 == len(data) || source.IsSpace(data[i+1])) {
			break
		}
	}
	return i
}

// resolvedKind is the kind YAML gives an untagged plain scalar: these
// words are nulls and booleans, text that starts like a number may be a
// number, and the rest are strings. go-yaml decides what starts like a
// number, but for two kinds of text templates are full of: digits alone
// (an account, a port) are a number, an int or after a 0 a float, and
// text that starts with a digit other than 0 and holds a byte no number
// has, and is no date (2006-01-02), is a string (a hash, a version).
func resolvedKind(text string) Kind {
	switch text {
	case "", "~", "null", "Null", "NULL":
		return KindNull
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return KindBool
	}
	c := text[0]
	if c != '+' && c != '-' && c != '.' && (c < '0' || c > '9') {
		return KindString
	}
	digits, other := 0, false // leading digits; a byte no number has
	for i := 0; i < len(text); i++ {
		switch d := text[i]; {
		case d >= '0' && d <= '9':
			if digits == i {
				digits++
			}
		case d != '_' && d != '.' && d != 'e' && d != 'E' && d != '+' && d != '-':
			other = true
		}
	}
	switch {
	case digits == len(text) && digits <= 18:
		return KindNumber
	case c >= '1' && c <= '9' && other && !(digits == 4 && text[4] == '-'):
		return KindString
	}
	return plainKind((&yaml.Node{Kind: yaml.ScalarNode, Value: text}).ShortTag())
}

// quoted reads a single- or double-quoted scalar at pos, folding its lines
// and, in double quotes, decoding its escapes.
func (r *yamlReader) quoted() (n *Node, multiline bool) {
	start, firstLine := r.pos, r.lineStart
	quote := r.data[r.pos]
	r.pos++
	// Fast path: one line, no escapes (nor backslashes).
	if i := stringEnd(r.data, r.pos, quote); r.at(i) == quote && !(quote == '\'' && r.at(i+1) == '\'') {
		text := intern(&r.texts, r.data[r.pos:i])
		r.pos = i + 1
		return r.node(Node{Kind: KindString, Text: text, Start: start, End: i + 1}), false
	}
	end := quotedEnd(r.data, start, quote)
	s := make([]byte, 0, end-start) // the text is seldom longer than as written
	for {
		if r.atMarker() || r.pos >= len(r.data) {
			r.leave()
		}
		leadingBlanks := false
		var leadingBreak, trailingBreaks int
		for !r.blankz(r.pos) {
			c := r.data[r.pos]
			switch {
			case quote == '\'' && c == '\'' && r.at(r.pos+1) == '\'':
				s = append(s, '\'')
				r.pos += 2
				continue
			case c == quote:
			case quote == '"' && c == '\\' && (r.at(r.pos+1) == '\n' || r.at(r.pos+1) == '\r'):
				r.pos++
				r.lineBreak()
				leadingBlanks = true
			case quote == '"' && c == '\\':
				s = r.escape(s)
				continue
			default:
				s = append(s, c)
				r.pos++
				continue
			}
			break
		}
		if r.at(r.pos) == quote {
			break
		}
		wsStart := r.pos
		for {
			if c := r.at(r.pos); c == ' ' || c == '\t' {
				r.pos++
				if leadingBlanks {
					wsStart = r.pos
				}
			} else if !leadingBlanks && (c == '\n' || c == '\r') {
				r.lineBreak()
				leadingBlanks, leadingBreak = true, 1
				wsStart = r.pos
			} else if leadingBlanks && r.lineBreak() {
				trailingBreaks++
				wsStart = r.pos
			} else {
				break
			}
		}
		switch {
		case !leadingBlanks:
			s = append(s, r.data[wsStart:r.pos]...)
		case leadingBreak == 1 && trailingBreaks == 0:
			s = append(s, ' ')
		default:
			s = append(s, strings.Repeat("\n", trailingBreaks)...)
		}
	}
	r.pos++ // the closing quote
	return r.node(Node{Kind: KindString, Text: string(s), Start: start, End: end}), r.lineStart != firstLine
}

// escape decodes the escape at pos in a double-quoted scalar, as go-yaml
// does, and appends it to s.
func (r *yamlReader) escape(s []byte) []byte {
	digits := 0
	switch c := r.at(r.pos + 1); c {
	case '0':
		s = append(s, 0)
	case 'a':
		s = append(s, '\a')
	case 'b':
		s = append(s, '\b')
	case 't', '\t':
		s = append(s, '\t')
	case 'n':
		s = append(s, '\n')
	case 'v':
		s = append(s, '\v')
	case 'f':
		s = append(s, '\f')
	case 'r':
		s = append(s, '\r')
	case 'e':
		s = append(s, 0x1b)
	case ' ', '"', '\'', '\\':
		s = append(s, c)
	case 'N':
		s = utf8.AppendRune(s, 0x85)
	case '_':
		s = utf8.AppendRune(s, 0xa0)
	case 'L':
		s = utf8.AppendRune(s, 0x2028)
	case 'P':
		s = utf8.AppendRune(s, 0x2029)
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		r.leave()
	}
	r.pos += 2
	if digits == 0 {
		return s
	}
	v := 0
	for k := range digits {
		d := hexValue(r.at(r.pos + k))
		if d < 0 {
			r.leave()
		}
		v = v<<4 + d
	}
	if v >= 0xd800 && v <= 0xdfff || v > utf8.MaxRune {
		r.leave()
	}
	r.pos += digits
	return utf8.AppendRune(s, rune(v))
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// blockScalar reads a literal (|) or folded (>) scalar at pos, inside a
// block indented at parent, as go-yaml's scanner does. An explicit
// indentation indicator is left to go-yaml.
func (r *yamlReader) blockScalar(parent int) *Node {
	start := r.pos
	literal := r.data[r.pos] == '|'
	r.pos++
	chomp := 0
	switch r.at(r.pos) {
	case '+':
		chomp = 1
		r.pos++
	case '-':
		chomp = -1
		r.pos++
	}
	if c := r.at(r.pos); c >= '0' && c <= '9' {
		r.leave()
	}
	for c := r.at(r.pos); c == ' ' || c == '\t'; c = r.at(r.pos) {
		r.pos++
	}
	if r.at(r.pos) == '#' {
		r.pos = lineEnd(r.data, r.pos)
	}
	if r.pos < len(r.data) && !r.lineBreak() {
		r.leave()
	}
	indent := 0
	var s []byte
	trailing := r.blockScalarBreaks(&indent, parent)
	leadingBreak, leadingBlank := 0, false
	for r.col() == indent && r.pos < len(r.data) {
		trailingBlank := r.at(r.pos) == ' ' || r.at(r.pos) == '\t'
		if !literal && !leadingBlank && !trailingBlank && leadingBreak > 0 {
			if trailing == 0 {
				s = append(s, ' ')
			}
		} else {
			s = append(s, strings.Repeat("\n", leadingBreak)...)
		}
		leadingBreak = 0
		s = append(s, strings.Repeat("\n", trailing)...)
		leadingBlank = trailingBlank
		end := lineEnd(r.data, r.pos)
		s = append(s, r.data[r.pos:end]...)
		r.pos = end
		if r.lineBreak() {
			leadingBreak = 1
		}
		trailing = r.blockScalarBreaks(&indent, parent)
	}
	if chomp != -1 {
		s = append(s, strings.Repeat("\n", leadingBreak)...)
	}
	if chomp == 1 {
		s = append(s, strings.Repeat("\n", trailing)...)
	}
	return r.node(Node{Kind: KindString, Text: string(s), Start: start, End: blockScalarEnd(r.data, start)})
}

// blockScalarBreaks steps over the indentation and the empty lines before
// a line of a block scalar, and returns how many line breaks it stepped
// over. With indent 0 it finds the indentation: that of the first line
// with text, at least one more than parent's.
func (r *yamlReader) blockScalarBreaks(indent *int, parent int) int {
	breaks, maxIndent := 0, 0
	for {
		for (*indent == 0 || r.col() < *indent) && r.at(r.pos) == ' ' {
			r.pos++
		}
		maxIndent = max(maxIndent, r.col())
		if (*indent == 0 || r.col() < *indent) && r.at(r.pos) == '\t' {
			r.leave()
		}
		if !r.lineBreak() {
			break
		}
		breaks++
	}
	if *indent == 0 {
		*indent = max(maxIndent, parent+1, 1)
	}
	return breaks
}
