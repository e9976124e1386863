package syntax

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// sameAsGoYAML checks that when our reader reads data, go-yaml reads it
// too, to the same tree and warnings. It reports whether our reader read
// it.
func sameAsGoYAML(t *testing.T, data []byte) bool {
	t.Helper()
	src := source.NewSource(data)
	safe := src.WithData(yamlSafe(data))
	docs, warnings, ok := readYAML(safe, new(Nodes))
	if !ok {
		return false
	}
	want, wantWarnings, err := goYAML(safe, new(Nodes))
	if err != nil {
		t.Fatalf("our reader reads what go-yaml refuses (%v):\n%q", err, data)
	}
	if !reflect.DeepEqual(docs, want) || !reflect.DeepEqual(warnings, wantWarnings) {
		t.Fatalf("the readers differ on %q:\nours:\n%s%v\ngo-yaml:\n%s%v", data, dumpTrees(docs), warnings, dumpTrees(want), wantWarnings)
	}
	return true
}

func dumpTrees(docs []*Node) string {
	var b strings.Builder
	for _, d := range docs {
		dumpTree(&b, d, "")
	}
	return b.String()
}

func dumpTree(b *strings.Builder, n *Node, indent string) {
	alias := ""
	if n.Alias != nil {
		alias = fmt.Sprintf(" alias of %d..%d", n.Alias.Start, n.Alias.End)
	}
	fmt.Fprintf(b, "%s%s %q %d..%d%s\n", indent, n.Describe(), n.Text, n.Start, n.End, alias)
	if n.Alias != nil {
		return
	}
	for _, item := range n.Items {
		dumpTree(b, item, indent+"  ")
	}
	for _, f := range n.Fields {
		dumpTree(b, f.Key, indent+"  key ")
		dumpTree(b, f.Value, indent+"  val ")
	}
}

// readerWritings are the writings our reader reads itself: every one must
// be read by it (TestYAMLReaderReads), the same way go-yaml reads it.
var readerWritings = []string{
	"a: 1\nb: two\nc: 3.5\nd: true\ne: ~\nf:\ng: 2012-10-17\nh: 0x1F\ni: -.inf\nj: null\n",
	"key: value with  inner  spaces   # comment\n# full-line comment\nother: 'single ''quoted'''\n",
	`k: "double \"quoted\" \x41\u00e9\U0001F600 \t\n\\"` + "\n",
	"Description: a plain scalar\n  folded over\n\n  three lines\nNext: x\n",
	"k: \"quoted\n  folded  \n\n  lines\"\nj: 'single\n   folded'\n",
	"k: \"escaped \\\n  line break\"\n",
	"- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n- [p, q]\n- {r: s}\n",
	"map:\n- indentless\n- list\nnext:\n  - indented\n  -   list\n",
	"lit: |\n  line 1\n    indented\n\n  line 3\nfolded: >\n  a\n  b\n\n  c\n   more\n  d\nstrip: |-\n  x\n\nkeep: |+\n  y\n\nlast: 1\n",
	"top: >-\n  text # not a comment\n  # still text\n# a comment\n",
	"flow: [a, 'b', \"c\", [d, e], {f: g, 'h': i, \"j\":k}, ]\nmulti: {a: 1,\n  b: [2,\n  3], # comment\n  c: 4}\n",
	"Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*\nId: !Ref Instance\nArn: !GetAtt Role.Arn\n",
	"Join: !Join [':', [a, !Ref B]]\nIf: !If\n  - Cond\n  - !Ref A\n  - !Ref AWS::NoValue\nSub: !Sub ['${B}-x', B: !Ref Bucket]\n",
	"s: !!str 123\ni: !!int '7'\nb: !!bool yes\nm: !!map {a: b}\n",
	"base: &base {Effect: Allow, Resource: '*'}\ns1:\n  <<: *base\n  Action: ssm:SendCommand\ns2: {<<: [*base], Effect: Deny}\nlist: &l [1, 2]\nuse: *l\n",
	"anchored: &a\n  x: 1\nseq: &s\n  - 1\nalias: *a\ntagged: &t !Ref X\nagain: *t\n",
	"---\na: 1\n---\n# empty\n---\nb: 2\n---\n",
	"\ufeffbom: true\r\ncrlf: [1,\r\n  2]\r\nblock: |\r\n  x\r\n  y\r\n",
	"quoted key: 1\n'single': 2\n\"double\": 3\nkey with: colon:inside\nurl: http://example.com/a#b\n",
	"  indented: map\n  at: two\n",
	"plain scalar document\n  over two lines\n",
	"- &a {x: 1}\n- *a\n- [*a, *a]\n- {k: *a}\n",
	"dup: 1\ndup: 2\nm: {k: 1, k: 2}\n",
	"é: ünïcode 😀\n'ключ': \"значение\"\n",
}

// TestYAMLReaderReads: each writing our reader is for is read by it (not
// left to go-yaml), to the tree go-yaml gives.
func TestYAMLReaderReads(t *testing.T) {
	for _, w := range readerWritings {
		if !sameAsGoYAML(t, []byte(w)) {
			t.Errorf("left to go-yaml: %q", w)
		}
	}
}

// FuzzYAMLReader: whatever our reader reads, go-yaml reads the same way.
//
//	go test ./internal/syntax -run '^$' -fuzz FuzzYAMLReader -fuzztime 300s
func FuzzYAMLReader(f *testing.F) {
	testkit.FuzzSeeds(f, func(data []byte) { f.Add(data) })
	for _, w := range readerWritings {
		f.Add([]byte(w))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsGoYAML(t, data)
	})
}
