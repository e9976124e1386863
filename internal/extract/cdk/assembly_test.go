package cdk

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

func src(s string) *source.Source { return source.NewSource([]byte(s)) }

func TestParseManifest(t *testing.T) {
	stacks, err := ParseManifest(src(`{"version": "55.0.0", "artifacts": {
		"assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}},
		"Ops.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Ops.assets.json"}},
		"Ops": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Ops.template.json"},
			"additionalMetadataFile": "Ops.metadata.json",
			"metadata": {"/Ops/Role/Resource": [{"type": "aws:cdk:logicalId", "data": "Role1234", "trace": ["new S (/w/lib/s.js:3:4)"]}]}},
		"Old": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "./Old.template.json"}},
		"Escapes": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../x.template.json"}, "additionalMetadataFile": "/etc/x.json"},
		"Weird": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "W.template.json"}, "additionalMetadataFile": "../../m.json", "metadata": [1, 2]}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stacks {
		got = append(got, s.TemplateFile+"|"+s.MetadataFile)
	}
	want := []string{"Ops.template.json|Ops.metadata.json", "Old.template.json|", "W.template.json|"}
	if !slices.Equal(got, want) {
		t.Errorf("stacks %q, want %q", got, want)
	}
	c := stacks[0].Constructs["/Ops/Role/Resource"]
	if c == nil || c.LogicalID != "Role1234" || !slices.Equal(c.Trace, []string{"new S (/w/lib/s.js:3:4)"}) {
		t.Errorf("inline metadata read as %+v", c)
	}
	if _, err := ParseManifest(src(`{"artifacts": `)); err == nil {
		t.Error("a broken manifest is no error")
	}
}

func TestConstructsParseMetadata(t *testing.T) {
	c := Constructs{}
	// Inline metadata first (the legacy --debug trace on the logicalId
	// entry), then the metadata file: a creation stack wins over the trace.
	c.add(parse(t, `{"/Ops/A/Resource": [{"type": "aws:cdk:logicalId", "data": "A1", "trace": ["old (/w/a.js:1:1)"]}]}`))
	err := c.ParseMetadata(src(`{
		"/Ops": [{"type": "aws:cdk:creationStack", "data": ["<anonymous> (/w/bin/app.js:3:1)"]}, {"type": "aws:cdk:templateFile", "data": "Ops.template.json"}],
		"/Ops/A/Resource": [{"type": "aws:cdk:creationStack", "data": ["...x...", "new S (/w/lib/s.js:5:6)", 7]}],
		"/Ops/B/Resource": [{"type": "aws:cdk:logicalId", "data": "B1", "trace": ["legacy (/w/lib/s.js:9:9)"]}],
		"/Ops/Bad": [{"type": "aws:cdk:templateFile", "data": "../../etc/passwd"}, "not an entry"],
		"/Ops/C": {"type": "aws:cdk:logicalId", "data": "C1"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, logicalID, template string
		trace                     []string
	}{
		{"/Ops", "", "Ops.template.json", []string{"<anonymous> (/w/bin/app.js:3:1)"}},
		{"/Ops/A/Resource", "A1", "", []string{"...x...", "new S (/w/lib/s.js:5:6)"}},
		{"/Ops/B/Resource", "B1", "", []string{"legacy (/w/lib/s.js:9:9)"}},
		{"/Ops/Bad", "", "", nil},
		{"/Ops/C", "C1", "", nil},
	} {
		got := c[tt.path]
		if got == nil || got.Path != tt.path || got.LogicalID != tt.logicalID || got.TemplateFile != tt.template || !slices.Equal(got.Trace, tt.trace) {
			t.Errorf("%s read as %+v", tt.path, got)
		}
	}
	if err := c.ParseMetadata(src(`{"/Ops": [`)); err == nil {
		t.Error("a broken metadata file is no error")
	}
}

func parse(t *testing.T, s string) *syntax.Node {
	t.Helper()
	root, _, err := syntax.ParseJSON(src(s))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestNestedStacks(t *testing.T) {
	roots := []*syntax.Node{parse(t, `{"Resources": {
		"PatchNested": {"Type": "AWS::CloudFormation::Stack", "Metadata": {
			"aws:cdk:path": "Ops/Patch.NestedStack/Patch.NestedStackResource", "aws:asset:path": "OpsPatch58FF79F4.nested.template.json"}},
		"NoAsset": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:cdk:path": "Ops/X.NestedStack/X.NestedStackResource"}},
		"NotNested": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:cdk:path": "Ops/Y", "aws:asset:path": "y.json"}},
		"Escapes": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:cdk:path": "Ops/Z.NestedStack/Z", "aws:asset:path": "../z.json"}},
		"Role": {"Type": "AWS::IAM::Role", "Metadata": {"aws:cdk:path": "Ops/W.NestedStack/W", "aws:asset:path": "w.json"}}
	}}`)}
	got := NestedStacks(roots)
	want := []NestedStack{{Path: "/Ops/Patch", TemplateFile: "OpsPatch58FF79F4.nested.template.json"}}
	if !slices.Equal(got, want) {
		t.Errorf("nested stacks %+v, want %+v", got, want)
	}
}

func TestAssemblyIndex(t *testing.T) {
	con := func(path, logicalID, template string) *Construct {
		return &Construct{Path: path, LogicalID: logicalID, TemplateFile: template, Trace: []string{path}}
	}
	ops := AssemblyStack{TemplateFile: "Ops.template.json", Constructs: Constructs{
		"/Ops":                           con("/Ops", "", "Ops.template.json"),
		"/Ops/CDKMetadata/Default":       con("/Ops/CDKMetadata/Default", "CDKMetadata", ""),
		"/Ops/Role/Resource":             con("/Ops/Role/Resource", "Role1", ""),
		"/Ops/Patch":                     con("/Ops/Patch", "", "OpsPatch.nested.template.json"),
		"/Ops/Patch/CDKMetadata/Default": con("/Ops/Patch/CDKMetadata/Default", "CDKMetadata", ""),
		"/Ops/Patch/Role/Resource":       con("/Ops/Patch/Role/Resource", "Role1", ""),
		// Two constructs claim one logical ID in one template: neither is
		// taken.
		"/Ops/Dup1": con("/Ops/Dup1", "Dup", ""),
		"/Ops/Dup2": con("/Ops/Dup2", "Dup", ""),
	}}
	// Before aws:cdk:templateFile, a nested stack's constructs are placed
	// by the parent template's AWS::CloudFormation::Stack resource.
	old := AssemblyStack{TemplateFile: "Old.template.json", Constructs: Constructs{
		"/Old/Role/Resource":       con("/Old/Role/Resource", "Role1", ""),
		"/Old/Inner/Role/Resource": con("/Old/Inner/Role/Resource", "Role1", ""),
		"/Older/Role/Resource":     con("/Older/Role/Resource", "Role2", ""),
	}}
	idx := NewAssemblyIndex([]AssemblyStack{ops, old}, []NestedStack{{Path: "/Old/Inner", TemplateFile: "OldInner.nested.template.json"}})
	for _, tt := range []struct{ template, logicalID, want string }{
		{"Ops.template.json", "CDKMetadata", "/Ops/CDKMetadata/Default"},
		{"Ops.template.json", "Role1", "/Ops/Role/Resource"},
		{"OpsPatch.nested.template.json", "CDKMetadata", "/Ops/Patch/CDKMetadata/Default"},
		{"OpsPatch.nested.template.json", "Role1", "/Ops/Patch/Role/Resource"},
		{"./Ops.template.json", "Role1", "/Ops/Role/Resource"},
		{"Ops.template.json", "Dup", ""},
		{"Ops.template.json", "Nope", ""},
		{"Other.template.json", "Role1", ""},
		{"Old.template.json", "Role1", "/Old/Role/Resource"},
		{"Old.template.json", "Role2", "/Older/Role/Resource"},
		{"OldInner.nested.template.json", "Role1", "/Old/Inner/Role/Resource"},
	} {
		c, ok := idx.Lookup(tt.template, tt.logicalID)
		got := ""
		if ok {
			got = c.Path
		}
		if got != tt.want {
			t.Errorf("Lookup(%s, %s) = %q, want %q", tt.template, tt.logicalID, got, tt.want)
		}
	}
}

// TestFixtureAssemblies reads the metadata of the synthesized fixtures
// and checks the construct of every policy-holding resource, with the
// first user frame of its trace as the fixtures' REPORT lists them.
func TestFixtureAssemblies(t *testing.T) {
	type want struct{ template, logicalID, path, frame string }
	ops := []want{
		{"Ops.template.json", "RunCommandRoleDefaultPolicy82AF7E96", "/Ops/RunCommandRole/DefaultPolicy/Resource", "lib/ops-stack.js:21:20"},
		{"Ops.template.json", "SessionPolicyCF209671", "/Ops/SessionPolicy/Resource", "lib/ops-stack.js:31:5"},
		{"Ops.template.json", "RunbookFunctionServiceRoleDefaultPolicy13D550DF", "/Ops/RunbookFunction/ServiceRole/DefaultPolicy/Resource", "lib/ops-stack.js:47:8"},
		{"Ops.template.json", "BastionRoleDefaultPolicy2C10035E", "/Ops/BastionRole/DefaultPolicy/Resource", "lib/ops-stack.js:54:15"},
		{"Ops.template.json", "LegacyRole", "/Ops/LegacyRole", "lib/ops-stack.js:62:5"},
		{"Ops.template.json", "CDKMetadata", "/Ops/CDKMetadata/Default", ""},
		{"OpsPatch58FF79F4.nested.template.json", "PatchRoleDefaultPolicy0C246748", "/Ops/Patch/PatchRole/DefaultPolicy/Resource", "lib/patch-nested-stack.js:15:15"},
		{"OpsPatch58FF79F4.nested.template.json", "CDKMetadata", "/Ops/Patch/CDKMetadata/Default", ""},
	}
	prod := []want{{"ProdFleet672CF075.template.json", "FleetRoleDefaultPolicy1A5A44E8", "/Prod/Fleet/FleetRole/DefaultPolicy/Resource", "lib/ops-stage.js:15:15"}}
	for _, app := range []string{"ops-app", "ops-app-legacy-debug", "ops-app-notrace"} {
		for _, asm := range []struct {
			dir  string
			want []want
		}{{"cdk.out", ops}, {"cdk.out/assembly-Prod", prod}} {
			t.Run(app+"/"+asm.dir, func(t *testing.T) {
				dir := filepath.Join(testkit.RepoRoot(t), "testdata", "cdk", app, asm.dir)
				idx := readFixtureAssembly(t, dir)
				for _, w := range asm.want {
					c, ok := idx.Lookup(w.template, w.logicalID)
					if !ok || c.Path != w.path {
						t.Errorf("%s %s: construct %+v", w.template, w.logicalID, c)
						continue
					}
					frame := ""
					if fs := UserFrames(c.Trace); len(fs) > 0 {
						frame = fmt.Sprintf("%s:%d:%d", fs[0].Path, fs[0].Line, fs[0].Col)
					}
					switch {
					case app == "ops-app-notrace" || w.frame == "":
						if frame != "" {
							t.Errorf("%s: user frame %s, want none", w.logicalID, frame)
						}
					case !strings.HasSuffix(frame, "/ops-app/"+w.frame):
						t.Errorf("%s: first user frame %q, want .../ops-app/%s", w.logicalID, frame, w.frame)
					}
				}
			})
		}
	}
}

func readFixtureAssembly(t *testing.T, dir string) *AssemblyIndex {
	t.Helper()
	read := func(name string) *source.Source {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return source.NewSource(data)
	}
	stacks, err := ParseManifest(read("manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var nested []NestedStack
	for _, s := range stacks {
		if s.MetadataFile != "" {
			if err := s.Constructs.ParseMetadata(read(s.MetadataFile)); err != nil {
				t.Fatal(err)
			}
		}
		roots, _, err := syntax.Parse(read(s.TemplateFile))
		if err != nil {
			t.Fatal(err)
		}
		nested = append(nested, NestedStacks(roots)...)
	}
	return NewAssemblyIndex(stacks, nested)
}

// FuzzParseManifest checks that any manifest or metadata file is read
// without a panic, and that every path it yields stays in the assembly.
//
//	go test ./internal/extract/cdk -run '^$' -fuzz FuzzParseManifest -fuzztime 30s
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}, "additionalMetadataFile": "S.metadata.json", "metadata": {"/S/R": [{"type": "aws:cdk:logicalId", "data": "R", "trace": ["a (/b.js:1:2)"]}]}}}}`))
	f.Add([]byte(`{"/S": [{"type": "aws:cdk:templateFile", "data": "../x"}, {"type": "aws:cdk:creationStack", "data": ["x"]}]}`))
	f.Add([]byte(`{"Resources": {"N": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:cdk:path": "S/N.NestedStack/N.NestedStackResource", "aws:asset:path": "n.json"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		stacks, _ := ParseManifest(source.NewSource(data))
		c := Constructs{}
		_ = c.ParseMetadata(source.NewSource(data))
		stacks = append(stacks, AssemblyStack{TemplateFile: "T.json", Constructs: c})
		for _, s := range stacks {
			for _, p := range []string{s.TemplateFile, s.MetadataFile} {
				if p != "" && localPath(p) != p {
					t.Errorf("path %q leaves the assembly", p)
				}
			}
			for _, con := range s.Constructs {
				if con.TemplateFile != "" && localPath(con.TemplateFile) != con.TemplateFile || len(con.Trace) > maxTraceFrames {
					t.Errorf("construct %+v", con)
				}
			}
		}
		var nested []NestedStack
		if roots, _, err := syntax.Parse(source.NewSource(data)); err == nil {
			nested = NestedStacks(roots)
		}
		for _, n := range nested {
			if localPath(n.TemplateFile) != n.TemplateFile || !strings.HasPrefix(n.Path, "/") {
				t.Errorf("nested stack %+v", n)
			}
		}
		NewAssemblyIndex(stacks, nested)
	})
}
