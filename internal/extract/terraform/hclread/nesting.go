package hclread

import "fmt"

// ErrTooDeep is why a text nested too deeply for the HCL parser, which
// recurses once per level, is not read.
var ErrTooDeep = fmt.Errorf("skipped: nested deeper than %d levels", maxParseDepth)

// CheckDepth returns ErrTooDeep for text that may nest deeper than the
// HCL parser is given: a file, a template, a string of a .tf.json file.
func CheckDepth(data []byte) error {
	if nestingDepth(data) > maxParseDepth {
		return ErrTooDeep
	}
	return nil
}

// maxParseDepth is the deepest nesting handed to the HCL parser.
const maxParseDepth = 256

// nestingDepth bounds from above how deeply the HCL parser recurses on
// data: brackets, braces and parentheses (interpolations included) that
// are open, the conditionals chained at each open level since the last
// separator, and the run of unary operators being read. Brackets inside
// strings and comments count too, which only errs on the safe side.
func nestingDepth(data []byte) int {
	depth, deepest := 0, 0
	chain := []int{0} // conditionals at each open level
	chained, run := 0, 0
	for _, c := range data {
		switch nestingClass[c] {
		case nestingOther:
			run = 0
			continue
		case nestingSpace:
			continue
		}
		switch c {
		case '(', '[', '{':
			depth++
			chain = append(chain, 0)
			run = 0
		case ')', ']', '}':
			if depth > 0 {
				depth--
				chained -= chain[len(chain)-1]
				chain = chain[:len(chain)-1]
			}
			run = 0
		case '?':
			chain[len(chain)-1]++
			chained++
			run = 0
		case ',', '\n':
			chained -= chain[len(chain)-1]
			chain[len(chain)-1] = 0
			run = 0
		case '!', '-':
			run++
		}
		deepest = max(deepest, depth+chained+run)
		if deepest > maxParseDepth {
			return deepest
		}
	}
	return deepest
}

// nestingClass sorts bytes for nestingDepth, whose time goes on the
// bytes that change nothing.
var nestingClass = func() (class [256]uint8) {
	for _, c := range []byte(" \t\r") {
		class[c] = nestingSpace
	}
	for _, c := range []byte("([{)]}?,\n!-") {
		class[c] = nestingMark
	}
	return class
}()

const (
	nestingOther = iota // ends a run of unary operators
	nestingSpace        // changes nothing
	nestingMark         // a bracket, a conditional, a separator or a unary operator
)
