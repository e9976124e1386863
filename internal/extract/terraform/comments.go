package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract"
	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/terraform/hcleval"
)

// Inline suppressions in Terraform are comments,
// "# ssm-guardrails:ignore IAM-SSM-1 reason=\"...\"", written on the lines
// just above a resource, a policy attribute or a statement, or at the end
// of its first line. The exempt package reads what they say; here they are
// found and put on what they stand before.

// readComments collects the suppression comments of a file by the line
// they apply to.
func (m *tfModule) readComments(f *hcleval.File) {
	if !hasSuppressionMarker(f.Data) {
		return
	}
	tokens, _ := hclsyntax.LexConfig(f.Data, f.Key, hcl.InitialPos)
	onlyComments := map[int]bool{} // lines that hold nothing but comments
	lastCode := -1                 // the line of the last token that is not a comment
	type found struct {
		c          *extract.Comment
		line       int
		trailing   bool
		endingLine int
	}
	var all []found
	for _, t := range tokens {
		switch t.Type {
		case hclsyntax.TokenNewline, hclsyntax.TokenEOF:
			continue
		case hclsyntax.TokenComment:
			line := f.Src.Pos(t.Range.Start.Byte).Line
			end := f.Src.Pos(t.Range.End.Byte).Line
			if strings.HasSuffix(string(t.Bytes), "\n") {
				end = f.Src.Pos(t.Range.End.Byte - 1).Line
			}
			trailing := lastCode == line
			if !trailing {
				for l := line; l <= end; l++ {
					onlyComments[l] = true
				}
			}
			text := string(t.Bytes)
			i := strings.Index(text, suppressionMarker)
			if i < 0 {
				continue
			}
			text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text[i+len(suppressionMarker):]), "*/"))
			c := &extract.Comment{File: f.Name, Pos: f.Src.Pos(t.Range.Start.Byte), Text: text}
			all = append(all, found{c: c, line: line, trailing: trailing, endingLine: end})
			m.allComments = append(m.allComments, c)
		default:
			lastCode = f.Src.Pos(t.Range.End.Byte).Line
		}
	}
	byLine := map[int][]*extract.Comment{}
	for _, x := range all {
		target := x.line
		if !x.trailing {
			target = x.endingLine + 1
			for onlyComments[target] {
				target++
			}
		}
		byLine[target] = append(byLine[target], x.c)
	}
	m.comments[f] = byLine
}

// suppressionsAt returns the comments that stand before the line of
// offset off in f, and extra (the comments of a .tf.json block).
func (m *tfModule) suppressionsAt(f *hcleval.File, off int, extra []*extract.Comment) []extract.Suppression {
	var out []extract.Suppression
	for _, c := range extra {
		out = append(out, extract.Suppression{Comment: c})
	}
	if f == nil {
		return out
	}
	byLine := m.comments[f]
	if byLine == nil {
		return out
	}
	line := f.Src.Pos(f.FileOffset(off)).Line
	for _, c := range byLine[line] {
		out = append(out, extract.Suppression{Comment: c, File: f.Name})
	}
	return out
}
