package extract

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

const wildcardStatement = `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`

// holdsPolicy reports whether the pipeline finds a policy document or a
// finding in data: what the pre-filter must never skip.
func holdsPolicy(data []byte) bool {
	text, _, err := source.Decode(data)
	if err != nil {
		return false
	}
	src := source.NewSource(text)
	roots, _, err := syntax.Parse(src)
	if err != nil {
		return false
	}
	docs, _ := Extract(src, roots)
	return len(docs) > 0
}

// TestMayHoldPolicyWritings writes a statement every way a file can spell
// it and checks that the scanner reads each as a policy and the filter
// lets each through. (A policy in a string is read when the string passes
// the same filter, so an escape inside the inner JSON alone is enough.)
func TestMayHoldPolicyWritings(t *testing.T) {
	holding := []struct{ name, content string }{
		{"plain JSON", `{"Statement": [` + wildcardStatement + `]}`},
		{"JSON escape in Effect", `{"Statement": [{"\u0045ffect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}]}`},
		{"JSON escapes in Statement", `{"St\u0061tem\u0065nt": {"Action": "s3:GetObject", "Resource": "*"}}`},
		{"every letter escaped", `{"\u0053\u0074\u0061\u0074\u0065\u006d\u0065\u006e\u0074": []}`},
		{"YAML \\x escape", "\"\\x53tatement\":\n  - \"\\x45ffect\": Allow\n    Action: ssm:SendCommand\n    Resource: '*'\n"},
		{"YAML \\u escape", "\"St\\u0061tement\": []\n"},
		{"YAML \\U escape", "\"St\\U00000061tement\": []\n"},
		{"YAML escaped line break", "? \"Sta\\\n  tement\"\n: []\n"},
		{"YAML escaped CRLF line break", "? \"Sta\\\r\n  tement\"\r\n: []\r\n"},
		{"policy in a JSON string", `{"InlinePolicy": "{\"Statement\": []}"}`},
		{"escape in a policy in a JSON string", `{"InlinePolicy": "{\"St\u0061tement\": []}"}`},
		{"escaped key inside a policy string", `{"InlinePolicy": "{\"Sid\": \"Statement\", \"St\\u0061tement\": []}"}`},
		{"escape only inside the inner JSON", `{"InlinePolicy": "{\"St\\u0061tement\": []}"}`},
		{"URL-encoded policy", `{"PolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}`},
		{"URL-encoded Effect", `{"PolicyDocument": "%7B%22Statement%22%3A%5B%7B%22%45ffect%22%3A%22Allow%22%7D%5D%7D"}`},
		{"YAML policy string with escapes", "InlinePolicy: \"{\\\"St\\x61tement\\\": []}\"\n"},
		{"Serverless statements without Effect", "provider:\n  iam:\n    role:\n      statements:\n        - Action: ssm:SendCommand\n          Resource: '*'\n"},
		{"Serverless iamRoleStatements", "provider:\n  iamRoleStatements: []\n"},
		{"SAM bare statement", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - Effect: Allow\n          Action: ssm:SendCommand\n          Resource: '*'\n"},
		{"YAML anchor and alias", "k: &k Statement\n*k : []\n"},
		{"JSONC", "// policy\n{\"Statement\": [/* one */" + wildcardStatement + ",],}"},
		{"managed policy attachment only", "Resources:\n  P:\n    Type: AWS::SSO::PermissionSet\n    Properties:\n      ManagedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]\n"},
		{"SAM managed policy name only", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies: AmazonSSMFullAccess\n"},
		{"export attachment only", `{"RoleDetailList": [{"RoleName": "r", "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}]}`},
		{"Fn::Join that splits the keys", "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: !Join [\"\", ['{\"State', 'ment\": [{\"Eff', 'ect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}]}']]\n"},
	}
	for _, tt := range holding {
		t.Run(tt.name, func(t *testing.T) {
			if !holdsPolicy([]byte(tt.content)) {
				t.Fatalf("the scanner finds no policy in %q; the case proves nothing", tt.content)
			}
			if !MayHoldPolicy([]byte(tt.content)) {
				t.Errorf("MayHoldPolicy skips %q", tt.content)
			}
		})
	}
	// Wide text spells no marker in its own bytes.
	for _, wide := range []struct {
		name    string
		content []byte
	}{
		{"UTF-16LE with a byte-order mark", utf16LE("\ufeff" + `{"Statement": [` + wildcardStatement + `]}`)},
		{"UTF-16LE without one (a warning)", utf16LE(`{"Statement": [` + wildcardStatement + `]}`)},
	} {
		if !MayHoldPolicy(wide.content) {
			t.Errorf("%s: MayHoldPolicy skips it", wide.name)
		}
	}
	skipped := []struct{ name, content string }{
		{"package lock", `{"name": "app", "lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"}}}`},
		{"escapes that make no letters", `{"a": "line\nbreak \"quoted\" C:\\dir\\file \t"}`},
		{"percent that makes no letter", `{"url": "https://example.com/a%2Fb%20c"}`},
		{"Kubernetes manifest", "apiVersion: v1\nkind: ConfigMap\ndata:\n  effect: none\n"},
		{"text that names policies", "resource OpsRole (AWS::IAM::Role), policy AmazonSSMFullAccess, ManagedPolicy, PolicyArns, Inline Policy"},
	}
	for _, tt := range skipped {
		if MayHoldPolicy([]byte(tt.content)) {
			t.Errorf("%s: MayHoldPolicy lets %q through; the filter would skip nothing", tt.name, tt.content)
		}
	}
}

func utf16LE(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// FuzzMayHoldPolicy: the pre-filter lets through every input the
// extractor finds a policy in.
//
//	go test ./internal/extract -run '^$' -fuzz FuzzMayHoldPolicy -fuzztime 60s
func FuzzMayHoldPolicy(f *testing.F) {
	testkit.FuzzSeeds(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		if holdsPolicy(data) && !MayHoldPolicy(data) {
			t.Fatalf("the pre-filter would skip a file that holds a policy: %q", data)
		}
	})
}

// TestPrefilterKeepsEveryFixture runs the filter over every fixture the
// repository has (every file under a testdata directory, the fuzz corpus,
// the string literals of every test, and the real-world corpus beside
// the repository) and fails on any that holds a policy the filter would
// skip.
func TestPrefilterKeepsEveryFixture(t *testing.T) {
	var checked, holding int
	check := func(where string, data []byte) {
		checked++
		if !holdsPolicy(data) {
			return
		}
		holding++
		if !MayHoldPolicy(data) {
			t.Errorf("%s holds a policy but MayHoldPolicy skips it", where)
		}
	}
	root := testkit.RepoRoot(t)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.Contains(filepath.ToSlash(path), "/testdata/fuzz/"):
			for i, input := range fuzzCorpusInputs(t, path) {
				check(path+"#"+strconv.Itoa(i), input)
			}
		case strings.Contains(filepath.ToSlash(path), "/testdata/"):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			check(path, data)
		case strings.HasSuffix(name, "_test.go"):
			for _, lit := range testStringLiterals(t, path) {
				check(path+":"+strconv.Itoa(lit.line), []byte(lit.text))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	realworld := filepath.Join(testkit.SharedDir(t), "corpus", "realworld")
	if entries, err := os.ReadDir(realworld); err != nil {
		t.Logf("no real-world corpus at %s: %v", realworld, err)
	} else {
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(realworld, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			check(filepath.Join(realworld, e.Name()), data)
		}
	}
	t.Logf("checked %d fixtures, %d hold a policy", checked, holding)
	if holding < 100 {
		t.Errorf("only %d fixtures hold a policy: the walk missed the fixtures", holding)
	}
}

// fuzzCorpusInputs reads the []byte and string values of a Go fuzz corpus
// file ("go test fuzz v1").
func fuzzCorpusInputs(t *testing.T, path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, prefix := range []string{"[]byte(", "string("} {
			if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, ")") {
				if s, err := strconv.Unquote(line[len(prefix) : len(line)-1]); err == nil {
					out = append(out, []byte(s))
				}
			}
		}
	}
	return out
}

// testLiteral is a string a test spells out, with the line it starts on.
type testLiteral struct {
	text string
	line int
}

// testStringLiterals returns every string expression of a test file that
// is a constant: literals, and concatenations of literals and the file's
// constants (such as `"..." + wildcardStatement + "..."`).
func testStringLiterals(t *testing.T, path string) []testLiteral {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]ast.Expr{}
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						consts[name.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	var out []testLiteral
	ast.Inspect(f, func(n ast.Node) bool {
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		if s, ok := foldString(e, consts, 0); ok {
			out = append(out, testLiteral{s, fset.Position(e.Pos()).Line})
			return false
		}
		return true
	})
	return out
}

// foldString evaluates a constant string expression.
func foldString(e ast.Expr, consts map[string]ast.Expr, depth int) (string, bool) {
	if depth > 20 {
		return "", false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return foldString(e.X, consts, depth+1)
	case *ast.Ident:
		if v, ok := consts[e.Name]; ok {
			return foldString(v, consts, depth+1)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := foldString(e.X, consts, depth+1)
			b, ok2 := foldString(e.Y, consts, depth+1)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

// TestContainsBy holds containsBy to bytes.Contains on text made of the
// names' own letters, where near misses are everywhere, names at either
// end, and names cut short by the end.
func TestContainsBy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, name := range []struct {
		text string
		rare byte
	}{{"tatement", 'm'}, {"after_unknown", 'k'}} {
		letters := name.text + " \n"
		for range 20000 {
			data := make([]byte, rng.IntN(40))
			for i := range data {
				data[i] = letters[rng.IntN(len(letters))]
			}
			switch rng.IntN(4) {
			case 0:
				data = append([]byte(name.text), data...)
			case 1:
				data = append(data, name.text...)
			case 2:
				data = append(data, name.text[:rng.IntN(len(name.text))]...)
			}
			if got, want := containsBy(data, name.text, name.rare), bytes.Contains(data, []byte(name.text)); got != want {
				t.Fatalf("containsBy(%q, %q) = %v, want %v", data, name.text, got, want)
			}
		}
	}
}
