package sarif

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// emptyLineHash is the hash of a line that consists only of the end-of-input
// sentinel: 0xFFFF * 37^99 mod 2^64 (see TestLineHashesClosedForm).
const emptyLineHash = "c129715d7a2bc9a3"

// TestLineHashesUpstreamVectors checks the inputs and expected hashes used by
// github/codeql-action itself: the "hash" test in src/fingerprints.test.ts,
// and the two fingerprints recorded in src/testdata/fingerprinting.expected.sarif
// for src/testdata/testFile1.js (line 1) and testFile2.js (line 2).
func TestLineHashesUpstreamVectors(t *testing.T) {
	sevenLines := []string{
		"e9496ae3ebfced30:1",
		"fb7c023a8b9ccb3f:1",
		"ce8ba1a563dcdaca:1",
		"e20e36e16fcb0cc8:1",
		"b3edc88f2938467e:1",
		"c8e28b0b4002a3a0:1",
		"c129715d7a2bc9a3:1",
	}
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty file", "", []string{"c129715d7a2bc9a3:1"}},
		{"indented lines without final newline", " a\nb\n  \t\tc\n d", []string{
			"271789c17abda88f:1",
			"54703d4cd895b18:1",
			"180aee12dab6264:1",
			"a23a3dc5e078b07b:1",
		}},
		{"blank lines without final newline", " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End", []string{
			"8b7cf3e952e7aeb2:1",
			"b1ae1287ec4718d9:1",
			"bff680108adb0fcc:1",
			"c6805c5e1288b612:1",
			"b86d3392aea1be30:1",
			"e6ceba753e1a442:1",
		}},
		{"LF", " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", sevenLines},
		{"lone CR", " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", sevenLines},
		{"CRLF", " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", sevenLines},
		{"mixed line endings", " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", sevenLines},
		{"repeated line", strings.Repeat("Lorem ipsum dolor sit amet.\n", 10), []string{
			"a7f2ff13bc495cf2:1",
			"a7f2ff13bc495cf2:2",
			"a7f2ff13bc495cf2:3",
			"a7f2ff13bc495cf2:4",
			"a7f2ff13bc495cf2:5",
			"a7f2ff13bc495cf2:6",
			"a7f2ff1481e87703:1",
			"a9cf91f7bbf1862b:1",
			"55ec222b86bcae53:1",
			"cc97dc7b1d7d8f7b:1",
			"c129715d7a2bc9a3:1",
		}},
		{"short program", "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n", []string{
			"e54938cc54b302f1:1",
			"bb609acbe9138d60:1",
			"1131fd5871777f34:1",
			"5c482a0f8b35ea28:1",
			"54517377da7028d2:1",
			"2c644846cb18d53e:1",
			"f1b89f20de0d133:1",
			"c129715d7a2bc9a3:1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHashes(t, tt.input, tt.want)
		})
	}

	// Only one line of each file is recorded in the expected SARIF.
	sarifVectors := []struct {
		file, input string
		line        int
		want        string
	}{
		{"testFile1.js", "var a = 0;\nvar b = 0;\nvar c = 0;\nvar d = 0;\n", 1, "5e4d5a9cf1294ad9:1"},
		{"testFile2.js", "var foo = 0;\nvar bar = 0;\nvar baz = 0;\nvar qux = 0;\n", 2, "f7592a95a9381ac0:1"},
	}
	for _, v := range sarifVectors {
		got := allLineHashes([]byte(v.input))
		if len(got) < v.line || got[v.line-1] != v.want {
			t.Errorf("%s line %d: got %q, want %q", v.file, v.line, got, v.want)
		}
	}
}

// TestLineHashesExtraVectors covers cases the upstream tests do not. The
// expected values were produced by a throwaway Node.js script (outside this
// repository) that runs codeql-action's hash() logic with the same "long"
// package version, reading the input through fs.createReadStream(path, "utf8");
// the relations between them are checked independently in
// TestLineHashesEquivalences and TestLineHashesNaiveReference.
func TestLineHashesExtraVectors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"file shorter than a block, no newline", "ab", []string{"952bb1cc6d22bdaa:1"}},
		{"word, no newline", "short", []string{"b4c9f9cb4e8c8fe7:1"}},
		{"LF", "a\nb\n", []string{"81b8d8db678b2bbe:1", "ade70578248be16f:1", emptyLineHash + ":1"}},
		{"CRLF", "a\r\nb\r\n", []string{"81b8d8db678b2bbe:1", "ade70578248be16f:1", emptyLineHash + ":1"}},
		{"lone CR", "a\rb\r", []string{"81b8d8db678b2bbe:1", "ade70578248be16f:1", emptyLineHash + ":1"}},
		{"mixed CR LF CRLF with empty lines", "a\r\n\r\rb\n\r\n", []string{
			"64c3a519bb654988:1",
			"d2a53ec68df52ea9:1",
			"79c1ecac854f2c03:1",
			"a0e70ee94550ca05:1",
			"3c5bef55b72b93c9:1",
			emptyLineHash + ":1",
		}},
		// A space between CR and LF clears the "after CR" state, so the LF is a
		// second line break.
		{"CR space LF", "a\r \nb", []string{"67c066a59e652f5e:1", "cc4c43d77869440f:1", "8ee5a81e681643c1:1"}},
		{"tabs and spaces are ignored", "\ta\t b\n", []string{"882bbb3d8de7a640:1", emptyLineHash + ":1"}},
		{"same without blanks", "ab\n", []string{"882bbb3d8de7a640:1", emptyLineHash + ":1"}},
		{"empty lines", "\n\n\n", []string{
			"4e5d562094661a0d:1",
			"5b5d4caf73a13177:1",
			"3c5bef55b72b93c9:1",
			emptyLineHash + ":1",
		}},
		{"blank-only lines", "   \t\n  \n", []string{"5b5d4caf73a13177:1", "3c5bef55b72b93c9:1", emptyLineHash + ":1"}},
		{"BMP non-ASCII", "é€\n", []string{"4369373431ea1462:1", emptyLineHash + ":1"}},
		{"astral character is a surrogate pair", "😀\n", []string{"49e42825ed591e1a:1", emptyLineHash + ":1"}},
		{"astral character inside a line", "a😀b\nc\n", []string{"8025dd5336ab6fb2:1", "3791504be0bd17cc:1", emptyLineHash + ":1"}},
		{"byte-order mark is hashed", "\ufeffa\n", []string{"25afd31b599dedcd:1", emptyLineHash + ":1"}},
		{"truncated sequence is one U+FFFD", "\xe2\x82A\n", []string{"c220a00a3f4062f3:1", emptyLineHash + ":1"}},
		{"encoded surrogate is three U+FFFD", "\xed\xa0\x80\n", []string{"66bb4c1842ee204c:1", emptyLineHash + ":1"}},
		{"line longer than a block", strings.Repeat("abcdefghij", 15) + "\nnext\n", []string{
			"ecadcc87c9ab6b36:1",
			"a5f9e5dec441e0b8:1",
			emptyLineHash + ":1",
		}},
		{"only the first 100 units of a line count", strings.Repeat("abcdefghij", 10) + "DIFFERENT TAIL\nnext\n", []string{
			"ecadcc87c9ab6b36:1",
			"a5f9e5dec441e0b8:1",
			emptyLineHash + ":1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHashes(t, tt.input, tt.want)
		})
	}
}

// TestLineHashesOccurrenceSuffix checks the ":N" suffix on 60 lines "x\n".
// Lines 1..11 start at units 0, 2, ..., 20, so their 100-unit windows lie
// wholly inside the periodic part of the input (120 units) and are equal;
// from line 12 on the window reaches the sentinel and the values differ.
func TestLineHashesOccurrenceSuffix(t *testing.T) {
	got := allLineHashes([]byte(strings.Repeat("x\n", 60)))
	if len(got) != 61 {
		t.Fatalf("got %d hashes, want 61", len(got))
	}
	const repeated = "c0fe7b2700d6c254" // from the Node.js cross-check
	for i := range 11 {
		if want := repeated + ":" + strconv.Itoa(i+1); got[i] != want {
			t.Errorf("line %d: got %q, want %q", i+1, got[i], want)
		}
	}
	values := map[string]bool{}
	for i, h := range got[11:] {
		value, n, _ := strings.Cut(h, ":")
		if value == repeated || n != "1" || values[value] {
			t.Errorf("line %d: got %q, want a new value with suffix :1", i+12, h)
		}
		values[value] = true
	}
	if got[60] != emptyLineHash+":1" {
		t.Errorf("last line: got %q, want %q", got[60], emptyLineHash+":1")
	}
}

// TestLineHashesClosedForm derives two hashes by hand from the definition:
// a line's hash is sum(unit[k] * 37^(99-k)) over the 100 units starting at the
// line, modulo 2^64, where the input is followed by 0xFFFF and zeros.
func TestLineHashesClosedForm(t *testing.T) {
	pow := func(n int) uint64 {
		p := uint64(1)
		for range n {
			p *= 37
		}
		return p
	}
	if got, want := allLineHashes(nil), []string{strconv.FormatUint(0xFFFF*pow(99), 16) + ":1"}; !slices.Equal(got, want) {
		t.Errorf("empty input: got %q, want %q", got, want)
	}
	if emptyLineHash != strconv.FormatUint(0xFFFF*pow(99), 16) {
		t.Errorf("emptyLineHash is not 0xFFFF*37^99")
	}
	ab := 'a'*pow(99) + 'b'*pow(98) + 0xFFFF*pow(97)
	if got, want := allLineHashes([]byte("ab")), []string{strconv.FormatUint(ab, 16) + ":1"}; !slices.Equal(got, want) {
		t.Errorf(`"ab": got %q, want %q`, got, want)
	}
}

// TestLineHashesEquivalences checks inputs that must hash identically line by
// line according to the algorithm's normalisation rules.
func TestLineHashesEquivalences(t *testing.T) {
	groups := []struct {
		name   string
		inputs []string
	}{
		{"line endings", []string{"a\nb\n\nc", "a\r\nb\r\n\r\nc", "a\rb\r\rc", "a\r\nb\r\rc"}},
		{"blanks", []string{"foo(bar, baz)\n", "  foo( bar,\tbaz ) \t\n", "\t\tfoo(bar,baz)\n"}},
		{"trailing blanks before CRLF", []string{"a \t\r\nb", "a\nb"}},
		{"long line", []string{strings.Repeat("x", 100) + "y\nz", strings.Repeat("x", 100) + "q\nz"}},
		{"blanks do not count towards the block", []string{
			strings.Repeat("x ", 99) + "y\n",
			strings.Repeat("x", 99) + "y\n",
		}},
		// Invalid UTF-8 as Node.js decodes it (one U+FFFD per maximal
		// invalid subsequence, as observed with Buffer.toString("utf8")).
		{"lone continuation byte", []string{"\x80\n", "\uFFFD\n"}},
		{"invalid byte", []string{"\xfe\n", "\uFFFD\n"}},
		{"truncated 3-byte sequence at EOF", []string{"\xe2\x82", "\uFFFD"}},
		{"truncated 3-byte sequence", []string{"\xe2\x82A", "\uFFFDA"}},
		{"truncated 4-byte sequence at EOF", []string{"\xf0\x9f\x98", "\uFFFD"}},
		{"truncated 4-byte sequence", []string{"\xf0\x9f\x98A", "\uFFFDA"}},
		{"truncated 4-byte sequence, F1 lead", []string{"\xf1\x80A", "\uFFFDA"}},
		{"encoded surrogate", []string{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"}},
		{"overlong 4-byte", []string{"\xf0\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"}},
		{"above U+10FFFF", []string{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"}},
		{"overlong 2-byte", []string{"\xc0\xaf", "\uFFFD\uFFFD"}},
		{"overlong 3-byte", []string{"\xe0\x9f\x80", "\uFFFD\uFFFD\uFFFD"}},
		{"invalid then CR", []string{"\xe2\r\n", "\uFFFD\n"}},
	}
	for _, g := range groups {
		want := allLineHashes([]byte(g.inputs[0]))
		for _, in := range g.inputs[1:] {
			if got := allLineHashes([]byte(in)); !slices.Equal(got, want) {
				t.Errorf("%s: %q gives %q, but %q gives %q", g.name, in, got, g.inputs[0], want)
			}
		}
	}

	differ := [][2]string{
		{"\ufeffa", "a"},           // the BOM is not stripped
		{"a\n", "a"},               // a final newline adds a line
		{"a\r \nb", "a\r\nb"},      // a blank between CR and LF splits them
		{"\xe2\x82\xac", "\uFFFD"}, // a valid sequence is not replaced
	}
	for _, d := range differ {
		if a, b := allLineHashes([]byte(d[0])), allLineHashes([]byte(d[1])); a[0] == b[0] {
			t.Errorf("%q and %q: both give %q on line 1", d[0], d[1], a[0])
		}
	}
}

// TestLineHashesNaiveReference compares LineHashes with a direct, non-rolling
// implementation of the definition on pseudo-random valid UTF-8 inputs, and
// checks the line count against the splitting rule used by the upstream test.
func TestLineHashesNaiveReference(t *testing.T) {
	atoms := []string{"a", "b", "Z", ";", " ", "\t", "\r", "\n", "\r\n", "é", "€", "😀", "\uFFFF", "\uFEFF", "x = 1;", "Lorem ipsum dolor sit amet.\n"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		var sb strings.Builder
		n := []int{0, 1, 2, 5, 20, 60, 150, 400}[rng.IntN(8)]
		for range n {
			sb.WriteString(atoms[rng.IntN(len(atoms))])
		}
		in := sb.String()
		got := allLineHashes([]byte(in))
		want := naiveLineHashes(in)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d %q:\n got  %q\n want %q", i, in, got, want)
		}
	}
}

// TestLineHashesOfSomeLines asks for a few lines at a time, as a scan
// does for the lines of its findings: each must equal that line's hash
// among all of them, and a line past the end or before the first is "".
func TestLineHashesOfSomeLines(t *testing.T) {
	content := []byte(strings.Repeat("x\n", 30) + "😀 é\r\nlast\n" + strings.Repeat("x\n", 30))
	all := allLineHashes(content)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		var lines []int
		for line := 1; line <= len(all)+2; line++ {
			if rng.IntN(8) == 0 {
				lines = append(lines, line)
			}
		}
		got := LineHashes(content, lines)
		for i, line := range lines {
			want := ""
			if line <= len(all) {
				want = all[line-1]
			}
			if got[i] != want {
				t.Fatalf("lines %v: line %d hashes to %q, want %q", lines, line, got[i], want)
			}
		}
	}
	if got := LineHashes(content, []int{0, 1}); got[0] != "" || got[1] != all[0] {
		t.Errorf("lines 0 and 1: %q", got)
	}
	if got := LineHashes(content, nil); got != nil {
		t.Errorf("no lines: %q", got)
	}
}

// FuzzLineHashes holds LineHashes to the direct reading of the algorithm
// on valid UTF-8, whatever mix of blanks, line breaks and text the fuzzer
// makes, and checks that asking for one line gives that line's hash.
func FuzzLineHashes(f *testing.F) {
	for _, s := range []string{"", "a", "a\nb", "a\r\nb\r\rc", " \t\r \n", "é😀\n" + strings.Repeat("x ", 120) + "\ny",
		"  Queue:\n    Type: AWS::SQS::Queue\r\n\n\n" + strings.Repeat("ab\n", 150),
		"a\r" + strings.Repeat(" ", 21) + "\nb\r\n" + strings.Repeat(" ", 9) + "c  \t  d" + strings.Repeat(" ", 120)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		all := allLineHashes([]byte(s))
		if want := naiveLineHashes(s); !slices.Equal(all, want) {
			t.Fatalf("%q:\n got  %q\n want %q", s, all, want)
		}
		line := 1 + len(s)%len(all)
		if got := LineHashes([]byte(s), []int{line}); got[0] != all[line-1] {
			t.Fatalf("%q line %d: %q alone, %q among all", s, line, got[0], all[line-1])
		}
	})
}

var lineBreak = regexp.MustCompile(`\r\n|\r|\n`)

// allLineHashes asks LineHashes for every line content could have (one
// more than its bytes) and returns the hashes up to the first line past
// the end, which must be "" as every line after it.
func allLineHashes(content []byte) []string {
	lines := make([]int, len(content)+1)
	for i := range lines {
		lines[i] = i + 1
	}
	got := LineHashes(content, lines)
	n := slices.Index(got, "")
	if n < 0 {
		return got
	}
	for _, h := range got[n:] {
		if h != "" {
			panic(fmt.Sprintf("a hash after the last line: %q", got))
		}
	}
	return got[:n]
}

// checkHashes compares the hashes of every line of input with want and,
// like the upstream test, checks that there is one hash per line.
func checkHashes(t *testing.T, input string, want []string) {
	t.Helper()
	got := allLineHashes([]byte(input))
	if !slices.Equal(got, want) {
		t.Errorf("LineHashes(%q):\n got  %q\n want %q", input, got, want)
	}
	if lines := len(lineBreak.Split(input, -1)); len(got) != lines {
		t.Errorf("LineHashes(%q): %d hashes for %d lines", input, len(got), lines)
	}
}

// naiveLineHashes is an independent, direct (non-rolling) reading
// of the algorithm for valid UTF-8 input.
func naiveLineHashes(s string) []string {
	// Normalise: drop blanks, fold CRLF and CR to LF.
	var units []uint16
	afterCR := false
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == ' ' || u == '\t':
			afterCR = false
			continue
		case u == '\n' && afterCR:
			afterCR = false
			continue
		case u == '\r':
			afterCR = true
			u = '\n'
		default:
			afterCR = false
		}
		units = append(units, u)
	}
	units = append(units, 0xFFFF)
	var starts []int
	for k := range units {
		if k == 0 || units[k-1] == '\n' {
			starts = append(starts, k)
		}
	}
	units = append(units, make([]uint16, 100)...)

	counts := map[string]int{}
	var out []string
	for _, st := range starts {
		var h uint64
		for _, u := range units[st : st+100] {
			h = h*37 + uint64(u)
		}
		v := fmt.Sprintf("%x", h)
		counts[v]++
		out = append(out, fmt.Sprintf("%s:%d", v, counts[v]))
	}
	return out
}

// BenchmarkLineHashes hashes about 1 MiB of text for the hash of its
// last line: the whole file. "source" has a non-ASCII character and a
// CRLF on every other line; "template" is an ASCII YAML template, the
// common case.
func BenchmarkLineHashes(b *testing.B) {
	var source, template strings.Builder
	for i := 0; source.Len() < 1<<20; i++ {
		fmt.Fprintf(&source, "\tif err := doSomething(ctx, item%d); err != nil { // ünïcode 😀\r\n", i)
		source.WriteString("\t\treturn fmt.Errorf(\"step failed: %w\", err)\n\t}\n\n")
	}
	for i := 0; template.Len() < 1<<20; i++ {
		fmt.Fprintf(&template, "  Queue%d:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub ${AWS::StackName}-queue-%d\n", i, i)
		fmt.Fprintf(&template, "      VisibilityTimeout: %d\n      Tags:\n        - Key: team\n          Value: payments\n", 30+i%60)
	}
	for _, c := range []struct{ name, text string }{{"source", source.String()}, {"template", template.String()}} {
		b.Run(c.name, func(b *testing.B) {
			content := []byte(c.text)
			lines := []int{bytes.Count(content, []byte("\n")) + 1}
			b.SetBytes(int64(len(content)))
			b.ReportAllocs()
			for b.Loop() {
				LineHashes(content, lines)
			}
		})
	}
}
