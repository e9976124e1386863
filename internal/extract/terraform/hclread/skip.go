package hclread

import "bytes"

// Most of a Terraform repository is not IAM: instances, networks, buckets.
// The top-level blocks the reader never looks into (every resource and
// data source but the IAM and IAM Identity Center ones) are not read:
// readConfig (read.go) passes over them, and before a file goes to
// hclsyntax they are blanked out with spaces, line breaks kept, so that
// every offset stays where it was. The scan here only has to find where
// each top-level block ends: it knows strings, interpolations, heredocs
// and comments. Whatever it does not understand (a top-level attribute,
// unbalanced brackets) leaves the file as it is.

// keepBlock reports whether the reader may look into a top-level block of
// type typ with the given number of labels, the first of them first:
// every block but resources and data sources, and of those the IAM and
// IAM Identity Center ones: the policies, the managed policy attachments
// (aws_iam_*_policy_attachment, managed_policy_arns on a role, data
// "aws_iam_policy", aws_ssoadmin_managed_policy_attachment) and the
// roles, users, groups and permission sets they attach to.
func keepBlock(typ []byte, labels int, first []byte) bool {
	resource := string(typ) == "resource"
	if !resource && string(typ) != "data" || labels == 0 {
		return true
	}
	return bytes.HasPrefix(first, []byte("aws_iam_")) || resource && bytes.HasPrefix(first, []byte("aws_ssoadmin_"))
}

// topBlock is a top-level block of a file: its bytes, and whether the
// reader may look into it.
type topBlock struct {
	start, end int
	keep       bool
}

// topBlocks lists the top-level blocks of a file in order, or reports
// that the file is not plain blocks (a top-level attribute, unbalanced
// brackets, text it does not understand). Between the blocks there is
// only white space and comments.
func topBlocks(data []byte) ([]topBlock, bool) {
	var blocks []topBlock
	i := 0
	for {
		i = skipSpaceAndComments(data, i, true)
		if i >= len(data) {
			return blocks, true
		}
		start := i
		typ := identifier(data, i)
		if len(typ) == 0 {
			return nil, false
		}
		i += len(typ)
		var first []byte // the first label
		labels := 0
		for {
			i = skipSpaceAndComments(data, i, false)
			if i >= len(data) {
				return nil, false
			}
			label := identifier(data, i)
			next := i + len(label)
			if data[i] == '"' {
				next = scanString(data, i+1)
				if next < 0 {
					return nil, false
				}
				label = data[i+1 : next-1]
			} else if len(label) == 0 {
				break
			}
			if labels == 0 {
				first = label
			}
			labels++
			i = next
		}
		if data[i] != '{' {
			return nil, false // a top-level attribute: terragrunt or tfvars
		}
		end := scanTo(data, i+1, '}', 0)
		if end < 0 {
			return nil, false
		}
		blocks = append(blocks, topBlock{start: start, end: end, keep: keepBlock(typ, labels, first)})
		i = end
	}
}

// blankIrrelevantBlocks returns data with the blocks keepBlock refuses
// blanked out, or data itself when there are none or the file is not
// plain blocks.
func blankIrrelevantBlocks(data []byte) []byte {
	blocks, ok := topBlocks(data)
	if !ok {
		return data
	}
	var out []byte
	for _, b := range blocks {
		if b.keep {
			continue
		}
		if out == nil {
			out = append([]byte(nil), data...)
		}
		for j := b.start; j < b.end; j++ {
			if out[j] != '\n' && out[j] != '\r' {
				out[j] = ' '
			}
		}
	}
	if out == nil {
		return data
	}
	return out
}

// identifier returns the identifier that starts at i, if any.
func identifier(data []byte, i int) []byte {
	start := i
	for i < len(data) {
		c := data[i]
		if c == '_' || c == '-' && i > start || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > start {
			i++
			continue
		}
		break
	}
	return data[start:i]
}

// skipSpaceAndComments skips white space and comments; line breaks too
// when lines is set.
func skipSpaceAndComments(data []byte, i int, lines bool) int {
	for i < len(data) {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || (lines && (c == '\n' || c == '\r')):
			i++
		case c == '#' || c == '/' && i+1 < len(data) && data[i+1] == '/':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := indexFrom(data, i+2, "*/")
			if end < 0 {
				return len(data)
			}
			i = end + 2
		default:
			return i
		}
	}
	return i
}

func indexFrom(data []byte, i int, s string) int {
	for j := i; j+len(s) <= len(data); j++ {
		if string(data[j:j+len(s)]) == s {
			return j
		}
	}
	return -1
}

// scanTo returns the offset just past the closing byte that ends the
// bracket opened before i, or -1.
func scanTo(data []byte, i int, closing byte, depth int) int {
	if depth > maxParseDepth {
		return -1
	}
	for i >= 0 && i < len(data) {
		c := data[i]
		if !scanMarks[c] {
			i++
			continue
		}
		switch {
		case c == closing:
			return i + 1
		case c == '{':
			i = scanTo(data, i+1, '}', depth+1)
		case c == '[':
			i = scanTo(data, i+1, ']', depth+1)
		case c == '(':
			i = scanTo(data, i+1, ')', depth+1)
		case c == '}' || c == ']' || c == ')':
			return -1
		case c == '"':
			i = scanString(data, i+1)
		case c == '#' || c == '/' && i+1 < len(data) && (data[i+1] == '/' || data[i+1] == '*'):
			i = skipSpaceAndComments(data, i, false)
		case c == '<' && i+1 < len(data) && data[i+1] == '<':
			i = scanHeredoc(data, i+2)
		default:
			i++
		}
	}
	return -1
}

// scanMarks and stringMarks are the bytes scanTo and scanString look at;
// they pass every other byte on one table lookup.
var scanMarks, stringMarks = byteSet("{}[]()\"#/<"), byteSet("\\\"\n$%")

func byteSet(s string) (set [256]bool) {
	for _, c := range []byte(s) {
		set[c] = true
	}
	return set
}

// scanString returns the offset just past the quote that ends a string
// whose text starts at i, or -1.
func scanString(data []byte, i int) int {
	for i < len(data) {
		if !stringMarks[data[i]] {
			i++
			continue
		}
		switch c := data[i]; {
		case c == '\\':
			i += 2
		case c == '"':
			return i + 1
		case c == '\n':
			return -1
		case (c == '$' || c == '%') && i+1 < len(data) && data[i+1] == c && i+2 < len(data) && data[i+2] == '{':
			i += 3 // $${ and %%{ are literal
		case (c == '$' || c == '%') && i+1 < len(data) && data[i+1] == '{':
			i = scanTo(data, i+2, '}', 1)
			if i < 0 {
				return -1
			}
		default:
			i++
		}
	}
	return -1
}

// scanHeredoc returns the offset past the heredoc whose marker follows
// "<<" at i, or i when it is not one.
func scanHeredoc(data []byte, i int) int {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	marker := identifier(data, j)
	j += len(marker)
	if len(marker) == 0 || j >= len(data) || (data[j] != '\n' && data[j] != '\r') {
		return i
	}
	for j < len(data) {
		lineEnd := j
		for lineEnd < len(data) && data[lineEnd] != '\n' {
			lineEnd++
		}
		line := data[j:lineEnd]
		k := 0
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		if bytes.Equal(trimCR(line[k:]), marker) {
			return lineEnd
		}
		j = lineEnd + 1
	}
	return -1
}

func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}
