package scan

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/jsonc"
)

// The fuzz targets check what must hold for any input: no panic, every
// position inside the file, every span in order, and the answers of the
// fast paths equal to those of the plain ones they replace.
//
//	go test ./scan -run '^$' -fuzz FuzzScanFile -fuzztime 60s
//
// Inputs the fuzzer found worth keeping are under testdata/fuzz/.

// fuzzSeeds adds every fixture of the repository and the real-world
// corpus beside it.
func fuzzSeeds(f *testing.F, add func(data []byte)) {
	dirs := []string{filepath.Join("..", "testdata"), filepath.Join("..", "sarif", "testdata"),
		filepath.Join("..", "..", "shared", "corpus", "realworld")}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || strings.HasSuffix(path, ".sarif") {
				return nil
			}
			if data, err := os.ReadFile(path); err == nil && len(data) < 256<<10 {
				add(data)
			}
			return nil
		})
	}
	for _, s := range []string{
		`{"Statement": [` + wildcardStatement + `]}`,
		"\ufeff{\"a\": [1, 2.5e3, true, null, \"\\u00e9\\ud83d\\ude00\"]}",
		"// c\n{\"a\": [1,], /* b */ \"b\": {},}",
		"a: &x {b: [1, 2]}\nc: *x\nd:\n  e: *x\n",
		"Statement:\r\n  - Effect: Allow\r\n    Action: !Sub \"ssm:${A}\"\r\n    Resource: |\r\n      *\r\n",
		"InlinePolicy: \"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\",\n  \\\"Action\\\": \\\"ssm:SendCommand\\\", \\\"Resource\\\": \\\"*\\\"}]}\"\n",
		"{\"P\": \"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ssm%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D\"}",
		"caf\xe9: \"\xff\"\n",
	} {
		add([]byte(s))
	}
}

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
	fuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		src := NewSource(data)
		root, warnings, err := parseJSON(src)
		if err == nil {
			checkTree(t, root, len(data), map[*Node]bool{})
		}
		// Reading plain JSON without jsonc's copy must change nothing.
		root2, warnings2, err2 := parseJSONData(src, jsonc.ToJSON(data))
		if !reflect.DeepEqual(root, root2) || !reflect.DeepEqual(warnings, warnings2) || !reflect.DeepEqual(err, err2) {
			t.Fatalf("parseJSON differs from a read through jsonc: %v / %v", err, err2)
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	fuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _, err := parseYAML(NewSource(data))
		if err != nil {
			return
		}
		seen := map[*Node]bool{}
		for _, d := range docs {
			checkTree(t, d, len(data), seen)
		}
	})
}

// FuzzScanFile runs the whole pipeline (parse, extract with policies in
// strings, evaluate, suppressions) and checks every reported place, and
// that the pre-filter would have let through every file that yields a
// finding or a policy.
func FuzzScanFile(f *testing.F) {
	fuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		res := ScanFile("f.json", data)
		lines := NewSource(data).LineCount()
		for _, fd := range res.Findings {
			s := fd.Span
			if s.Start.Line < 1 || s.End.Line > lines || s.Start.Col < 1 || s.End.Col < 1 ||
				s.Start.Line > s.End.Line || s.Start.Line == s.End.Line && s.Start.Col > s.End.Col {
				t.Fatalf("finding span %+v in a file of %d lines", s, lines)
			}
		}
		for _, w := range res.Warnings {
			if w.Line < 0 || w.Line > lines || w.Line > 0 && w.Col < 1 {
				t.Fatalf("warning at %d:%d in a file of %d lines: %s", w.Line, w.Col, lines, w.Message)
			}
		}
		if (len(res.Findings) > 0 || holdsPolicy(data)) && !MayHoldPolicy(data) {
			t.Fatalf("the pre-filter would skip a file that holds a policy: %q", data)
		}
	})
}

// FuzzAlignOffsets maps a decoded string onto any stretch of a file: the
// offsets stay inside the stretch and never go back.
func FuzzAlignOffsets(f *testing.F) {
	f.Add("{\"Statement\": []}", []byte(`"{\"Statement\": []}"`), 0, 21)
	f.Add("a\nb", []byte("k: |\n  a\n  b\n"), 3, 13)
	f.Add("é\t", []byte(`"\u00e9\t"`), 0, 10)
	f.Fuzz(func(t *testing.T, text string, data []byte, start, end int) {
		start = max(0, min(start, len(data)))
		end = max(start, min(end, len(data)))
		offsets := alignOffsets(text, data, start, end)
		if len(offsets) != len(text)+1 {
			t.Fatalf("%d offsets for %d bytes", len(offsets), len(text))
		}
		prev := start
		for i, off := range offsets {
			if off < prev || off > end {
				t.Fatalf("offset %d of byte %d outside %d..%d or before %d", off, i, start, end, prev)
			}
			prev = off
		}
	})
}

// FuzzSource checks the columns Source computes with its ASCII shortcut
// and its marks along long lines against a walk from the line start.
func FuzzSource(f *testing.F) {
	f.Add([]byte("ab\ncd"), 4, 2, 2)
	f.Add([]byte("\ufeffé😀\r\nx\ry"), 5, 1, 3)
	f.Add([]byte(strings.Repeat("é😀a\xff", 700)), 2000, 1, 900)
	f.Fuzz(func(t *testing.T, data []byte, off, line, col int) {
		s := NewSource(data)
		if !slices.Equal(s.lineStarts, slowLineStarts(data)) {
			t.Fatalf("line starts %v, want %v", s.lineStarts, slowLineStarts(data))
		}
		if got, want := s.Pos(off), slowPos(data, off); got != want {
			t.Fatalf("Pos(%d) = %+v, want %+v", off, got, want)
		}
		if got, want := s.Offset(line, col), slowOffset(data, line, col); got != want {
			t.Fatalf("Offset(%d, %d) = %d, want %d", line, col, got, want)
		}
		// The YAML reader's copy with the same lines.
		blank := yamlSafe(data)
		if got, want := s.withData(blank).Pos(off), slowPos(blank, off); got != want {
			t.Fatalf("withData Pos(%d) = %+v, want %+v", off, got, want)
		}
	})
}

// slowPos and slowOffset are Source's answers computed the plain way, a
// walk from the start of the line.
func slowPos(data []byte, off int) Pos {
	starts := slowLineStarts(data)
	off = max(0, min(off, len(data)))
	line := 0
	for line+1 < len(starts) && starts[line+1] <= off {
		line++
	}
	start := starts[line]
	off = max(off, start)
	return Pos{Line: line + 1, Col: 1 + utf16Len(data[start:off])}
}

func slowOffset(data []byte, line, col int) int {
	starts := slowLineStarts(data)
	if line < 1 {
		return 0
	}
	if line > len(starts) {
		return len(data)
	}
	off := starts[line-1]
	for c := 1; c < col && off < len(data); c++ {
		_, w := utf8.DecodeRune(data[off:])
		off += w
	}
	return off
}

// slowLineStarts splits lines a byte at a time.
func slowLineStarts(data []byte) []int {
	starts := []int{0}
	if hasBOM(data) {
		starts[0] = len(bom)
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return starts
}
