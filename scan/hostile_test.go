//go:build unix

package scan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The hostile tree puts every input that could hurt a scan next to files
// with real findings: the scan must finish, report each real finding at
// its line, and name each file it could not read in a warning.

// billionLaughs is a YAML alias bomb: ten levels of ten aliases each, a
// billion nodes once expanded, in under a kilobyte.
func billionLaughs() []byte {
	var b bytes.Buffer
	b.WriteString("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("Statement: *a9\n")
	return b.Bytes()
}

// hostileFile is one file of the tree and what the scan must say about it.
type hostileFile struct {
	name     string
	data     []byte
	findings []string // "line RULE"
	warning  string   // a substring of the warning that names the file, if any
}

func hostileFiles(t *testing.T) []hostileFile {
	open := `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`
	var many []string
	for i := range 20_000 {
		many = append(many, fmt.Sprintf("%d IAM-SSM-1", 3+i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	withMarker := append(append(slices.Clone(random[:1000]), []byte(`{"Statement": [{"Effect": "Allow"`)...), random[1000:]...)
	var oneLine strings.Builder // a minified policy of non-ASCII statements on one line
	oneLine.WriteString(`{"Statement": [`)
	for i := range 3000 {
		if i > 0 {
			oneLine.WriteString(",")
		}
		oneLine.WriteString(`{"Sid": "café", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}`)
	}
	oneLine.WriteString("]}\n")
	flowLine := strings.ReplaceAll(strings.ReplaceAll(oneLine.String(), `"Sid": "café"`, `Sid: cafés`), `"Resource": "*"`, `Resource: '*'`)
	oneLineFindings := make([]string, 3000)
	for i := range oneLineFindings {
		oneLineFindings[i] = "1 IAM-SSM-2"
	}
	return []hostileFile{
		{name: "real/policy.json", data: []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    " + open + "\n  ]\n}\n"), findings: []string{"4 IAM-SSM-1"}},
		{name: "real/stack.yaml", data: []byte("Resources:\n  Ops:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ssm:StartSession\n            Resource: '*'\n"), findings: []string{"7 IAM-SSM-2"}},
		{name: "bom.json", data: []byte("\ufeff{\"Statement\": [\n" + open + "]}\n"), findings: []string{"2 IAM-SSM-1"}},
		{name: "crlf.yaml", data: []byte("Statement:\r\n  - Effect: Allow\r\n    Action: ssm:SendCommand\r\n    Resource: '*'\r\n"), findings: []string{"2 IAM-SSM-1"}},
		{name: "bad-utf8.json", data: []byte("{\"Statement\": [\n{\"Sid\": \"caf\xe9 \xff\xfe\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}"), findings: []string{"2 IAM-SSM-1"}},
		{name: "nul.json", data: []byte("{\"Statement\": [\n{\"Sid\": \"a\x00b\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}\x00"), findings: []string{"2 IAM-SSM-1"}}, // read as YAML after the JSON fails
		{name: "nul-in-string.yaml", data: []byte("Statement:\n  - Sid: \"a\x00b\"\n    Effect: Allow\n    Action: ssm:SendCommand\n    Resource: '*'\n"), findings: []string{"2 IAM-SSM-1"}},
		{name: "many.json", data: manyStatements(20_000), findings: many},
		{name: "minified.json", data: []byte(oneLine.String()), findings: oneLineFindings},
		{name: "flow-line.yaml", data: []byte(flowLine), findings: oneLineFindings}, // not JSON (unquoted Sid): read as YAML
		{name: "bomb.yaml", data: billionLaughs(), warning: "aliases expand to more than"},
		{name: "deep.json", data: []byte(`{"Statement": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}"), warning: "cannot parse"},
		{name: "deep-flow.yaml", data: []byte("Statement: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n"), warning: "cannot parse"},
		{name: "deep-block.yaml", data: []byte("Statement:\n" + strings.Repeat("- ", 100_000) + "x\n"), warning: "cannot parse"},
		{name: "nested-flow.yaml", data: []byte("Statement: " + strings.Repeat("[", 400) + strings.Repeat("1, ", 50_000) + "1" + strings.Repeat("]", 400) + "\n"), warning: "a statement must be an object"},
		{name: "spaces.yaml", data: []byte("InlinePolicy: \"{\\\"Statement\\\": [\n" + strings.Repeat(" ", 100_000) + strings.Repeat("\\u00e9", 20_000) + "]}\"\n"), warning: "policy in a string"},
		{name: "random.json", data: random},
		{name: "random-policy.json", data: withMarker, warning: "cannot parse"},
		{name: "too-big.json", data: append(manyStatements(1), bytes.Repeat([]byte(" "), 2<<20)...), warning: "larger than the 2MiB limit"},
	}
}

func TestHostileTree(t *testing.T) {
	root := t.TempDir()
	files := hostileFiles(t)
	for _, f := range files {
		path := filepath.Join(root, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(t.TempDir(), "outside.json")
	if err := os.WriteFile(outside, manyStatements(1), 0o644); err != nil {
		t.Fatal(err)
	}
	links := []struct{ name, target, warning string }{
		{"link-out.json", outside, "points outside the scan root"},
		{"loop-a.json", "loop-b.json", "symbolic link loop"},
		{"loop-b.json", "loop-a.json", "symbolic link loop"},
		{"self.json", "self.json", "symbolic link loop"},
		{"real/up", "..", ""}, // a directory loop: never followed
		{"link-in.json", "real/policy.json", ""},
	}
	for _, l := range links {
		if err := os.Symlink(l.target, filepath.Join(root, l.name)); err != nil {
			t.Fatal(err)
		}
		if l.warning != "" {
			files = append(files, hostileFile{name: l.name, warning: l.warning})
		}
	}
	files = append(files, hostileFile{name: "link-in.json", findings: []string{"4 IAM-SSM-1"}})
	if os.Geteuid() != 0 { // root reads any file
		secret := filepath.Join(root, "secret.json")
		if err := os.WriteFile(secret, manyStatements(1), 0o000); err != nil {
			t.Fatal(err)
		}
		files = append(files, hostileFile{name: "secret.json", warning: "cannot read: permission denied"})
	}
	fifo := filepath.Join(root, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, hostileFile{name: "fifo.json", warning: "not a regular file"})

	rep := runBounded(t, Options{Paths: []string{root}, BaseDir: root, MaxFileSize: 2 << 20})
	checkHostileReport(t, rep, files)

	// A link to the tree, named as the path to scan, is walked.
	linked := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(root, linked); err != nil {
		t.Fatal(err)
	}
	rep = runBounded(t, Options{Paths: []string{linked}, BaseDir: linked, MaxFileSize: 2 << 20})
	checkHostileReport(t, rep, files)

	// A FIFO named on the command line is not opened either.
	rep = runBounded(t, Options{Paths: []string{fifo}, BaseDir: root, MaxFileSize: 2 << 20})
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].String(), "fifo.json: skipped: not a regular file") {
		t.Errorf("FIFO as a path: warnings = %v", rep.Warnings)
	}
}

// runBounded runs a scan and fails, instead of hanging, if it does not
// finish within a generous time; it also fails if the heap ever grows
// past a bound far above what the tree needs (an alias bomb expanded
// would take gigabytes).
func runBounded(t *testing.T, opts Options) *Report {
	t.Helper()
	const heapBound = 1 << 30
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	defer close(stop)
	type result struct {
		rep *Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := Run(opts)
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if p := peak.Load(); p > heapBound {
			t.Errorf("heap in use reached %d MiB", p>>20)
		}
		return r.rep
	case <-time.After(2 * time.Minute):
		t.Fatal("the scan did not finish in two minutes")
		return nil
	}
}

func checkHostileReport(t *testing.T, rep *Report, files []hostileFile) {
	t.Helper()
	var want, got []string
	for _, f := range files {
		for _, x := range f.findings {
			want = append(want, f.name+":"+x)
		}
	}
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Span.Start.Line, f.RuleID))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings: got %d, want %d; first difference: %s", len(got), len(want), firstDifference(got, want))
	}
	warned := map[string][]string{}
	for _, w := range rep.Warnings {
		warned[w.File] = append(warned[w.File], w.String())
	}
	for _, f := range files {
		ws := warned[f.name]
		delete(warned, f.name)
		if f.warning == "" {
			if len(ws) > 0 && f.name != "random.json" {
				t.Errorf("%s: unexpected warnings %q", f.name, ws)
			}
			continue
		}
		if !slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, f.warning) }) {
			t.Errorf("%s: warnings %q, want one containing %q", f.name, ws, f.warning)
		}
	}
	for name, ws := range warned {
		t.Errorf("warning for a file the tree does not have: %s: %q", name, ws)
	}
}

func firstDifference(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("got %q, want %q", got[i], want[i])
		}
	}
	if len(got) > len(want) {
		return fmt.Sprintf("extra %q", got[len(want)])
	}
	if len(want) > len(got) {
		return fmt.Sprintf("missing %q", want[len(got)])
	}
	return "none"
}
