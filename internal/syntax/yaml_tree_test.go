package syntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// TestYAMLTrees: the tree and places each YAML behaviour gives, from
// whichever reader reads the stream.
func TestYAMLTrees(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // dumpTree of every document
		warnings []string
		err      string // with Document
	}{
		{"an alias is the anchored content at its own place", "a: &x [1]\nb: *x\n", `an object "" 0..15
  key a string "a" 0..1
  val a list "" 3..9
  val   a number "1" 7..8
  key a string "b" 10..11
  val a list "" 13..15 alias of 3..9
`, nil, ""},
		{"merge keys: the map's keys win, then the first map listed", "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc: {<<: [*a, *b], x: 5}\n", `an object "" 0..61
  key a string "a" 0..1
  val an object "" 3..18
  val   key a string "x" 7..8
  val   val a number "1" 10..11
  val   key a string "y" 13..14
  val   val a number "2" 16..17
  key a string "b" 19..20
  val an object "" 22..37
  val   key a string "y" 26..27
  val   val a number "3" 29..30
  val   key a string "z" 32..33
  val   val a number "4" 35..36
  key a string "c" 38..39
  val an object "" 41..61
  val   key a string "y" 13..14
  val   val a number "2" 47..49 alias of 16..17
  val   key a string "z" 32..33
  val   val a number "4" 51..53 alias of 35..36
  val   key a string "x" 56..57
  val   val a number "5" 59..60
`, nil, ""},
		{"a merged map written in place is used as it is", "c:\n  <<: {x: 1}\n  y: 2\n", `an object "" 0..22
  key a string "c" 0..1
  val an object "" 5..22
  val   key a string "x" 10..11
  val   val a number "1" 13..14
  val   key a string "y" 18..19
  val   val a number "2" 21..22
`, nil, ""},
		{"a merge key without a map is a plain key, with a warning", "c: {<<: 1}\n", `an object "" 0..10
  key a string "c" 0..1
  val an object "" 3..10
  val   key a string "<<" 4..6
  val   val a number "1" 8..9
`, []string{"8: the merge key << takes a map or a list of maps, not a number; it is read as a plain key"}, ""},
		{"a quoted << is no merge key", "a: &a {x: 1}\nc: {'<<': *a}\n", `an object "" 0..26
  key a string "a" 0..1
  val an object "" 3..12
  val   key a string "x" 7..8
  val   val a number "1" 10..11
  key a string "c" 13..14
  val an object "" 16..26
  val   key a string "<<" 17..21
  val   val an object "" 23..25 alias of 3..12
`, nil, ""},
		{"a CloudFormation tag is its long form", "r: !GetAtt A.Arn\n", `an object "" 0..16
  key a string "r" 0..1
  val an object "" 3..16
  val   key a string "Fn::GetAtt" 3..10
  val   val a string "A.Arn" 3..16
`, nil, ""},
		{"the documents before a broken one", "a: 1\n---\nb: [\n", `an object "" 0..4
  key a string "a" 0..1
  val a number "1" 3..4
`, nil, "document 2 at 9: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source.NewSource([]byte(tt.in))
			docs, warnings, err := ParseYAML(src)
			if got := dumpTrees(docs); got != tt.want {
				t.Errorf("tree:\n%s\nwant:\n%s", got, tt.want)
			}
			var ws []string
			for _, w := range warnings {
				ws = append(ws, fmt.Sprintf("%d: %s", w.Offset, w.Msg))
			}
			if strings.Join(ws, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings %q, want %q", ws, tt.warnings)
			}
			var se *SyntaxError
			gotErr := ""
			if errors.As(err, &se) {
				gotErr = fmt.Sprintf("document %d at %d: %s", se.Document, se.Offset, se.Msg)
			}
			if gotErr != tt.err {
				t.Errorf("error %q, want %q", gotErr, tt.err)
			}
		})
	}
}
