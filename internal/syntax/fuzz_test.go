package syntax

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/tidwall/jsonc"
	"go.yaml.in/yaml/v3"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// The fuzz targets check what must hold for any input: no panic, every
// node inside the file, and the fast path of the JSON reader equal to the
// plain one it replaces.
//
//	go test ./internal/syntax -run '^$' -fuzz FuzzParseYAML -fuzztime 60s

// checkTree checks that every node of a tree lies inside the file, start
// before end.
func checkTree(t *testing.T, n *Node, size int, seen map[*Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	if n.Start < 0 || n.Start > n.End || n.End > size {
		t.Fatalf("node %v spans %d..%d in a file of %d bytes", n.Kind, n.Start, n.End, size)
	}
	for _, item := range n.Items {
		checkTree(t, item, size, seen)
	}
	for _, f := range n.Fields {
		checkTree(t, f.Key, size, seen)
		checkTree(t, f.Value, size, seen)
	}
}

func FuzzParseJSON(f *testing.F) {
	testkit.FuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		src := source.NewSource(data)
		root, warnings, err := ParseJSON(src)
		if err == nil {
			checkTree(t, root, len(data), map[*Node]bool{})
		}
		// Reading plain JSON without jsonc's copy must change nothing.
		root2, warnings2, err2 := parseJSONData(src, jsonc.ToJSON(data), new(Nodes))
		if !reflect.DeepEqual(root, root2) || !reflect.DeepEqual(warnings, warnings2) || !reflect.DeepEqual(err, err2) {
			t.Fatalf("parseJSON differs from a read through jsonc: %v / %v", err, err2)
		}
	})
}

// reused holds the nodes of the input before, as a scan's worker does.
var reused Nodes

func FuzzParseYAML(f *testing.F) {
	testkit.FuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _, _ := ParseYAML(source.NewSource(data)) // with an error, the documents before it
		seen := map[*Node]bool{}
		for _, d := range docs {
			checkTree(t, d, len(data), seen)
		}
		// Nodes that held another tree give the same tree as new ones.
		want, wantWarnings, wantErr := Parse(source.NewSource(data))
		reused.Reset()
		got, gotWarnings, gotErr := ParseWith(source.NewSource(data), &reused)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotWarnings, wantWarnings) || !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("parsed with reused nodes: %v, with new ones: %v", gotErr, wantErr)
		}
	})
}

// FuzzResolvedKind checks the kinds the YAML reader gives plain scalars
// without asking go-yaml against go-yaml's.
func FuzzResolvedKind(f *testing.F) {
	for _, s := range []string{"", "~", "null", "NULL", "nULL", "true", "False", "yes", "on", "<<", "<",
		"0", "00", "09", "0x1F", "0o17", "0b101", "-0b101", "+1", "-1", ".5", ".inf", "-.Inf", ".nan",
		"1_000", "1e5", "1E+5", "1e400", "6e1234", "3.14", "1.2.3", "10.0.0.0/16", "1:20", "1-2", "1e",
		"2012-10-17", "2012-10-17T10:00:00Z", "2012-1-7 1:2:3", "1234-", "123456789012",
		"123456789012345678", "1234567890123456789", "99999999999999999999", "6a6926d3242c",
		"0d3ccc35", "52666d9c9788", "4.2e-1x", "1\xff", "8080/tcp", "v1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		want := plainKind((&yaml.Node{Kind: yaml.ScalarNode, Value: text}).ShortTag())
		if got := resolvedKind(text); got != want {
			t.Fatalf("resolvedKind(%q) = %v, go-yaml: %v", text, got, want)
		}
	})
}

// FuzzStringEnd checks the eight-bytes-at-a-time search for the end of a
// string's plain text against a byte at a time.
func FuzzStringEnd(f *testing.F) {
	for _, s := range []string{"", `abc"`, `0123456789abcdef"x`, "abcdefgh\\ij", "ab\xff\x80\xa2cdefghij\nk", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\r", "é'é\"é'"} {
		f.Add([]byte(s), 0, byte('"'))
		f.Add([]byte(s), 1, byte('\''))
	}
	f.Fuzz(func(t *testing.T, data []byte, from int, quote byte) {
		if from < 0 || from > len(data) || quote != '"' && quote != '\'' {
			return
		}
		want := from
		for want < len(data) && bytes.IndexByte([]byte{quote, '\\', '\n', '\r'}, data[want]) < 0 {
			want++
		}
		if got := stringEnd(data, from, quote); got != want {
			t.Fatalf("stringEnd(%q, %d, %q) = %d, want %d", data, from, quote, got, want)
		}
	})
}
