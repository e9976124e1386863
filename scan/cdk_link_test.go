package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// lineText stands in for SARIF's line fingerprints: each line's hash is
// its number and text, so a test sees which file and line were hashed.
func lineText(content []byte, lines []int) []string {
	all := lineTexts(content)
	out := make([]string, len(lines))
	for i, line := range lines {
		if line >= 1 && line <= len(all) {
			out[i] = all[line-1]
		}
	}
	return out
}

// lineTexts is lineText of every line of content.
func lineTexts(content []byte) []string {
	var out []string
	for i, l := range strings.Split(string(content), "\n") {
		out = append(out, fmt.Sprintf("%d:%s", i+1, strings.TrimSpace(l)))
	}
	return out
}

func place(file string, line, col int) string { return fmt.Sprintf("%s:%d:%d", file, line, col) }

// linked is a finding as the link step leaves it: where it is shown,
// its related template statement, its construct path and fingerprint.
func linked(f rules.Finding) string {
	s := f.RuleID + " " + place(f.File, f.Span.Start.Line, f.Span.Start.Col)
	for _, r := range f.Related {
		s += " <- " + place(r.File, r.Span.Start.Line, r.Span.Start.Col) + " (" + r.Message + ")"
	}
	return s + " [" + f.Origin.CDKPath + "]"
}

// copyFixture copies testdata/cdk/NAME to dir/as: another directory than
// the one synth ran in.
func copyFixture(t *testing.T, name, dir, as string) {
	t.Helper()
	testkit.CopyDir(t, filepath.Join(testkit.RepoRoot(t), "testdata", "cdk", name), filepath.Join(dir, as))
}

// TestLinkCDKFixtures scans the synthesized fixture app the way the
// README's workflow does (the action on cdk.out, paths relative to the
// repository root) and checks every finding: shown at the app line that
// its trace records, the template statement as related location, the
// construct path kept, and the app line fingerprinted.
func TestLinkCDKFixtures(t *testing.T) {
	grants := testkit.CDKGrants(t)
	for _, tt := range []struct {
		name, fixture, appDir string // appDir: where the app sits in the repository
		traced                bool
	}{
		{"traces on (2.276.0), app in a folder", "ops-app", "ops-app", true},
		{"traces on (2.276.0), app at the repository root", "ops-app", ".", true},
		{"legacy --debug traces in manifest.json (2.241.0)", "ops-app-legacy-debug", "infra/ops-app", true},
		{"no traces (2.250.0)", "ops-app-notrace", "ops-app", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			copyFixture(t, tt.fixture, repo, tt.appDir)
			rep, err := Run(Options{Paths: []string{filepath.Join(repo, tt.appDir, "cdk.out")}, BaseDir: repo, LineHashes: lineText, Excerpts: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Warnings) > 0 {
				t.Errorf("warnings %v", rep.Warnings)
			}
			prefix := ""
			if tt.appDir != "." {
				prefix = tt.appDir + "/"
			}
			var got, want []string
			for _, f := range rep.Findings {
				got = append(got, linked(f))
			}
			sources := map[string][]string{}
			for _, g := range grants {
				template := prefix + "cdk.out/" + g.Template
				w := g.Rule + " " + template + " [" + g.CDKPath + "]"
				if tt.traced {
					w = g.Rule + " " + prefix + g.App + " <- " + template + " (" + TemplateStatement + ") [" + g.CDKPath + "]"
				}
				want = append(want, w)
				// The fingerprint and the excerpt are the app line's, where
				// the finding is shown.
				if tt.traced {
					file, line := prefix+g.App[:strings.IndexByte(g.App, ':')], 0
					fmt.Sscanf(g.App[strings.IndexByte(g.App, ':')+1:], "%d", &line)
					if sources[file] == nil {
						data, err := os.ReadFile(filepath.Join(repo, file))
						if err != nil {
							t.Fatal(err)
						}
						sources[file] = lineTexts(data)
					}
					for _, f := range rep.Findings {
						if f.File != file || f.Span.Start.Line != line {
							continue
						}
						if f.LineHash != sources[file][line-1] {
							t.Errorf("%s: line hash %q, want the app line's %q", linked(f), f.LineHash, sources[file][line-1])
						}
						if f.Excerpt == nil || fmt.Sprintf("%d:%s", line, strings.TrimSpace(f.Excerpt.Text)) != sources[file][line-1] {
							t.Errorf("%s: excerpt %+v, want the app line %q", linked(f), f.Excerpt, sources[file][line-1])
						}
					}
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// TestLinkCDKFixtureElsewhere: a scan from a working directory that holds
// neither the app nor its cdk.out (the CLI run on a path outside it) finds
// the app under the scan path, and never looks above it.
func TestLinkCDKFixtureElsewhere(t *testing.T) {
	repo := t.TempDir()
	copyFixture(t, "ops-app", repo, "ops-app")
	base := t.TempDir()
	for _, tt := range []struct {
		path, want string
	}{
		{filepath.Join(repo, "ops-app"), "lib/ops-stack.js:62:5"},
		// The scan root is cdk.out: the app is above it, out of reach.
		{filepath.Join(repo, "ops-app", "cdk.out"), "cdk.out/Ops.template.json:220:9"},
	} {
		rep, err := Run(Options{Paths: []string{tt.path}, BaseDir: base})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rep.Findings, func(f rules.Finding) bool { return f.Origin.Resource == "LegacyRole" })
		if i < 0 || !strings.HasSuffix(place(rep.Findings[i].File, rep.Findings[i].Span.Start.Line, rep.Findings[i].Span.Start.Col), "/ops-app/"+tt.want) {
			t.Errorf("scan of %s: LegacyRole finding %v, want at .../ops-app/%s", tt.path, rep.Findings, tt.want)
		}
	}
}

// assembly builds a cloud assembly for the link step: a template with the
// given policy statements in one DefaultPolicy, and metadata whose trace
// for it is trace.
func assembly(statements []string, trace ...string) map[string]string {
	q := make([]string, len(trace))
	for i, s := range trace {
		q[i] = fmt.Sprintf("%q", s)
	}
	return map[string]string{
		"app/cdk.json":              `{"app": "node bin/app.js"}`,
		"app/cdk.out/manifest.json": `{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}, "additionalMetadataFile": "S.metadata.json"}}}`,
		"app/cdk.out/S.metadata.json": `{"/S/Role/DefaultPolicy/Resource": [{"type": "aws:cdk:logicalId", "data": "RoleDefaultPolicy1"},
			{"type": "aws:cdk:creationStack", "data": [` + strings.Join(q, ", ") + `]}]}`,
		"app/cdk.out/S.template.json": `{"Resources": {"RoleDefaultPolicy1": {"Type": "AWS::IAM::Policy",
  "Properties": {"PolicyName": "p", "PolicyDocument": {"Statement": [
    ` + strings.Join(statements, ",\n    ") + `
  ]}}}}}
`,
	}
}

const (
	sendCommand  = `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`
	startSession = `{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}`
	appSource    = "const a = 1;\nfunction stack() {\n  role.addToPolicy(x);\n}\n"
)

// TestLinkCDKFrames checks how a trace's frames are found under the scan
// root, and that the template stays the place whenever none resolves.
func TestLinkCDKFrames(t *testing.T) {
	const atTemplate = "IAM-SSM-1 app/cdk.out/S.template.json:3:5 []"
	for _, tt := range []struct {
		name  string
		trace []string
		files map[string]string // more files; "" removes one, "link:TARGET" makes a symbolic link
		want  string
	}{
		{"trailing components under the app's directory", []string{"new S (/synth/home/app/lib/s.js:3:3)"},
			map[string]string{"app/lib/s.js": appSource}, "IAM-SSM-1 app/lib/s.js:3:3"},
		{"the longest match wins", []string{"new S (/synth/app/lib/s.js:3:3)"},
			map[string]string{"app/lib/s.js": appSource, "app/s.js": appSource, "app/app/lib/s.js": appSource}, "IAM-SSM-1 app/app/lib/s.js:3:3"},
		{"a Windows synth machine", []string{`new S (C:\synth\app\lib\s.js:3:3)`},
			map[string]string{"app/lib/s.js": appSource}, "IAM-SSM-1 app/lib/s.js:3:3"},
		{"a relative frame is relative to the app's directory", []string{"new S (lib/s.js:3:3)"},
			map[string]string{"app/lib/s.js": appSource}, "IAM-SSM-1 app/lib/s.js:3:3"},
		{"a relative frame does not climb out of the scan root", []string{"new S (OUTSIDE_REL/s.js:3:3)"}, nil, atTemplate},
		{"an absolute frame outside the scan root is not read as it is", []string{"new S (OUTSIDE/s.js:3:3)"}, nil, atTemplate},
		{"a frame with no column points at the line", []string{"__init__ (/synth/app/lib/s.py:3)"},
			map[string]string{"app/lib/s.py": appSource}, "IAM-SSM-1 app/lib/s.py:3:1"},
		{"without cdk.json, two components under the scan root", []string{"new S (/synth/app/lib/s.js:3:3)"},
			map[string]string{"app/cdk.json": "", "app/lib/s.js": appSource}, "IAM-SSM-1 app/lib/s.js:3:3"},
		{"without cdk.json, one component is not enough", []string{"new S (/synth/s.js:3:3)"},
			map[string]string{"app/cdk.json": "", "s.js": appSource}, atTemplate},
		{"with cdk.json, one component under its directory", []string{"new S (/synth/app.js:3:3)"},
			map[string]string{"app/app.js": appSource}, "IAM-SSM-1 app/app.js:3:3"},
		{"node_modules frames are skipped for the next one", []string{
			"new Policy (/synth/app/node_modules/aws-cdk-lib/lib/p.js:3:1)", "new S (/synth/app/lib/s.js:3:3)"},
			map[string]string{"app/node_modules/aws-cdk-lib/lib/p.js": appSource, "app/lib/s.js": appSource}, "IAM-SSM-1 app/lib/s.js:3:3"},
		{"a file that is not there: the next frame", []string{"new S (/synth/app/lib/gone.js:3:3)", "<anonymous> (/synth/app/bin/app.js:2:1)"},
			map[string]string{"app/bin/app.js": appSource}, "IAM-SSM-1 app/bin/app.js:2:1"},
		{"a line past the end of the file (the app changed since synth): the next frame",
			[]string{"new S (/synth/app/lib/s.js:30:3)", "<anonymous> (/synth/app/bin/app.js:2:1)"},
			map[string]string{"app/lib/s.js": appSource, "app/bin/app.js": appSource}, "IAM-SSM-1 app/bin/app.js:2:1"},
		{"a directory is not a file", []string{"new S (/synth/app/lib:3:3)"}, map[string]string{"app/lib/x": ""}, atTemplate},
		{"only library frames", []string{"...new Role2 in aws-cdk-lib...", "(no user code in 10 frames, use --stack-trace-limit to capture more)"},
			nil, atTemplate},
		{"the app is not in the repository", []string{"new S (/synth/app/lib/s.js:3:3)"}, nil, atTemplate},
		{"a link out of the scan root is not followed", []string{"new S (/synth/app/lib/s.js:3:3)"},
			map[string]string{"app/lib/s.js": "link:OUTSIDE/s.js"}, atTemplate},
		{"a link inside the scan root is", []string{"new S (/synth/app/lib/s.js:3:3)"},
			map[string]string{"shared/s.js": appSource, "app/lib/s.js": "link:../../shared/s.js"}, "IAM-SSM-1 app/lib/s.js:3:3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := assembly([]string{sendCommand}, tt.trace...)
			links := map[string]string{}
			for k, v := range tt.files {
				switch target, ok := strings.CutPrefix(v, "link:"); {
				case ok:
					links[k] = target
				case v == "" && files[k] != "":
					delete(files, k)
				default:
					files[k] = v
				}
			}
			outside := testkit.WriteTree(t, map[string]string{"s.js": appSource})
			repo := testkit.WriteTree(t, files)
			// Frames that lead out of the scan root name a real file there.
			rel, err := filepath.Rel(filepath.Join(repo, "app"), outside)
			if err != nil {
				t.Fatal(err)
			}
			trace := slices.Clone(tt.trace)
			for i := range trace {
				trace[i] = strings.NewReplacer("OUTSIDE_REL", filepath.ToSlash(rel), "OUTSIDE", outside).Replace(trace[i])
			}
			md := assembly(nil, trace...)["app/cdk.out/S.metadata.json"]
			if err := os.WriteFile(filepath.Join(repo, "app", "cdk.out", "S.metadata.json"), []byte(md), 0o644); err != nil {
				t.Fatal(err)
			}
			for name, target := range links {
				p := filepath.Join(repo, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(strings.Replace(filepath.FromSlash(target), "OUTSIDE", outside, 1), p); err != nil {
					t.Skip("no symbolic links here:", err)
				}
			}
			rep, err := Run(Options{Paths: []string{filepath.Join(repo, "app", "cdk.out")}, BaseDir: repo})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != 1 || len(rep.Warnings) > 0 {
				t.Fatalf("findings %v, warnings %v", rep.Findings, rep.Warnings)
			}
			if got := linked(rep.Findings[0]); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %s, want %s...", got, tt.want)
			}
		})
	}
}

// TestLinkCDKAbsoluteFrame: a trace from the machine that scans (synth and
// scan in one checkout) names the file as it is.
func TestLinkCDKAbsoluteFrame(t *testing.T) {
	repo := t.TempDir()
	files := assembly([]string{sendCommand}, "new S ("+filepath.Join(repo, "elsewhere", "s.js")+":3:3)")
	files["elsewhere/s.js"] = appSource
	for name, content := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	rep, err := Run(Options{Paths: []string{repo}, BaseDir: repo})
	if err != nil || len(rep.Findings) != 1 {
		t.Fatalf("findings %v, err %v", rep, err)
	}
	if got, want := linked(rep.Findings[0]), "IAM-SSM-1 elsewhere/s.js:3:3"; !strings.HasPrefix(got, want) {
		t.Errorf("got %s, want %s...", got, want)
	}
}

// TestLinkCDKOneLineTwoStatements: two statements under one rule in one
// DefaultPolicy are two findings on the one app line its trace records.
// They stay two findings, each with its own template statement, and share
// the line's fingerprint, as upload-sarif would give them.
func TestLinkCDKOneLineTwoStatements(t *testing.T) {
	files := assembly([]string{sendCommand, sendCommand, startSession}, "new S (/synth/app/lib/s.js:3:3)")
	files["app/lib/s.js"] = appSource
	repo := testkit.WriteTree(t, files)
	rep, err := Run(Options{Paths: []string{repo}, BaseDir: repo, LineHashes: lineText})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, linked(f)+" "+f.LineHash)
	}
	want := []string{
		"IAM-SSM-1 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:3:5 (statement in the synthesized template) [S/Role/DefaultPolicy/Resource] 3:role.addToPolicy(x);",
		"IAM-SSM-1 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:4:5 (statement in the synthesized template) [S/Role/DefaultPolicy/Resource] 3:role.addToPolicy(x);",
		"IAM-SSM-2 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:5:5 (statement in the synthesized template) [S/Role/DefaultPolicy/Resource] 3:role.addToPolicy(x);",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestLinkCDKSuppressedInTemplate: a finding the template's own Metadata
// suppresses is shown at its app line too, with its exemption.
func TestLinkCDKSuppressedInTemplate(t *testing.T) {
	files := assembly([]string{sendCommand, startSession}, "new S (/synth/app/lib/s.js:3:3)")
	files["app/lib/s.js"] = appSource
	files["app/cdk.out/S.template.json"] = strings.Replace(files["app/cdk.out/S.template.json"], `"Type": "AWS::IAM::Policy",`,
		`"Type": "AWS::IAM::Policy", "Metadata": {"ssm-guardrails": {"suppress": [{"rule": "IAM-SSM-2", "reason": "sessions, SEC-1"}]}},`, 1)
	repo := testkit.WriteTree(t, files)
	rep, err := Run(Options{Paths: []string{repo}, BaseDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || len(rep.Exempted) != 1 || len(rep.Warnings) > 0 {
		t.Fatalf("open %v, exempted %v, warnings %v", rep.Findings, rep.Exempted, rep.Warnings)
	}
	e := rep.Exempted[0]
	want := "IAM-SSM-2 app/lib/s.js:3:3 <- app/cdk.out/S.template.json:4:5 (statement in the synthesized template) [S/Role/DefaultPolicy/Resource]"
	if got := linked(e.Finding); got != want || e.Exemption.Reason != "sessions, SEC-1" || e.Exemption.Source() != "app/cdk.out/S.template.json:1" {
		t.Errorf("exempted %s (%s, %s), want %s", got, e.Exemption.Reason, e.Exemption.Source(), want)
	}
}

// TestLinkCDKMetadataProblems: metadata that cannot be read leaves the
// findings in their templates, with a warning when it was expected.
func TestLinkCDKMetadataProblems(t *testing.T) {
	trace := "new S (/synth/app/lib/s.js:3:3)"
	for _, tt := range []struct {
		name    string
		files   map[string]string
		maxSize int64
		warning string
	}{
		{"the metadata file is missing", map[string]string{"app/cdk.out/S.metadata.json": ""},
			0, "app/cdk.out/S.metadata.json: CDK metadata not read (no such file or directory): findings in this cloud assembly are shown in its templates"},
		{"the metadata file is broken", map[string]string{"app/cdk.out/S.metadata.json": `{"/S": [`},
			0, "app/cdk.out/S.metadata.json: CDK metadata not read"},
		{"the manifest is broken", map[string]string{"app/cdk.out/manifest.json": `{"artifacts": `},
			0, "app/cdk.out/manifest.json: CDK metadata not read"},
		{"the metadata file is too large", map[string]string{"app/cdk.out/S.metadata.json": `{"/S/Role/DefaultPolicy/Resource": [{"type": "aws:cdk:logicalId", "data": "RoleDefaultPolicy1"},
			{"type": "aws:cdk:creationStack", "data": ["` + trace + `"]}]}` + strings.Repeat(" ", 1000)},
			1000, "app/cdk.out/S.metadata.json: CDK metadata not read (larger than the 1000B limit (--max-file-size))"},
		{"the metadata names a file outside the assembly", map[string]string{
			"app/cdk.out/manifest.json": `{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}, "additionalMetadataFile": "../S.metadata.json"}}}`,
			"app/S.metadata.json":       `{"/S/Role/DefaultPolicy/Resource": [{"type": "aws:cdk:logicalId", "data": "RoleDefaultPolicy1"}, {"type": "aws:cdk:creationStack", "data": ["` + trace + `"]}]}`,
		}, 0, ""},
		{"the stack has no metadata", map[string]string{
			"app/cdk.out/manifest.json": `{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}`,
		}, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := assembly([]string{sendCommand}, trace)
			files["app/lib/s.js"] = appSource
			for k, v := range tt.files {
				if v == "" {
					delete(files, k)
				} else {
					files[k] = v
				}
			}
			repo := testkit.WriteTree(t, files)
			rep, err := Run(Options{Paths: []string{filepath.Join(repo, "app/cdk.out/S.template.json")}, BaseDir: repo, MaxFileSize: tt.maxSize})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != 1 || rep.Findings[0].File != "app/cdk.out/S.template.json" {
				t.Errorf("findings %v, want one in the template", rep.Findings)
			}
			var warnings []string
			for _, w := range rep.Warnings {
				warnings = append(warnings, w.String())
			}
			if tt.warning == "" && len(warnings) > 0 || tt.warning != "" && (len(warnings) != 1 || !strings.HasPrefix(warnings[0], tt.warning)) {
				t.Errorf("warnings %q, want %q", warnings, tt.warning)
			}
		})
	}
}

// TestCDKTreeInAssembly: a tree.json is skipped only in a cloud assembly,
// beside a manifest.json; a look-alike anywhere else is scanned.
func TestCDKTreeInAssembly(t *testing.T) {
	tree := `{"version": "tree-0.1", "tree": {"id": "App", "children": {"P": {"attributes": {"aws:cdk:cloudformation:props": {"policyDocument": {"Statement": [` + sendCommand + `]}}}}}}}`
	repo := testkit.WriteTree(t, map[string]string{
		"cdk.out/manifest.json": `{"version": "36.0.0", "artifacts": {}}`,
		"cdk.out/tree.json":     tree,
		"docs/tree.json":        tree,
		"manifest.json/x":       "", // a directory named manifest.json is not a manifest
		"tree.json":             tree,
	})
	rep, err := Run(Options{Paths: []string{repo}, BaseDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.File)
	}
	if want := []string{"docs/tree.json", "tree.json"}; !slices.Equal(got, want) || len(rep.Warnings) > 0 {
		t.Errorf("findings in %q, want %q; warnings %v", got, want, rep.Warnings)
	}
}

// TestExemptLinkedCDKFindings: a CDK finding shown at its app line is
// exempted by its construct path, or by files naming the app file or the
// template; other selectors are unchanged.
func TestExemptLinkedCDKFindings(t *testing.T) {
	repo := t.TempDir()
	copyFixture(t, "ops-app", repo, "ops-app")
	for _, tt := range []struct {
		name, config string
		exempted     []string // where the exempted findings are shown
	}{
		{"cdk-paths", "cdk-paths: [Ops/BastionRole/**]", []string{"ops-app/lib/ops-stack.js:54", "ops-app/lib/ops-stack.js:54"}},
		{"files naming the app file", "files: [ops-app/lib/patch-nested-stack.js]", []string{"ops-app/lib/patch-nested-stack.js:15"}},
		{"files naming the template", "files: [ops-app/cdk.out/assembly-Prod/*.template.json]", []string{"ops-app/lib/ops-stage.js:15"}},
		{"files naming the template, with a rule", "files: [ops-app/cdk.out/Ops.template.json]\n    rules: [IAM-SSM-2]",
			[]string{"ops-app/lib/ops-stack.js:21", "ops-app/lib/ops-stack.js:31", "ops-app/lib/ops-stack.js:54"}},
		{"files naming another file", "files: [ops-app/lib/ops-stage.js]\n    resources: [LegacyRole]", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := exempt.ParseConfig(".ssm-guardrails.yml", []byte("exemptions:\n  - "+tt.config+"\n    reason: test\n"))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Run(Options{Paths: []string{filepath.Join(repo, "ops-app")}, BaseDir: repo, Config: cfg, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range rep.Exempted {
				got = append(got, fmt.Sprintf("%s:%d", e.File, e.Span.Start.Line))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.exempted) || len(rep.Findings)+len(rep.Exempted) != 9 {
				t.Errorf("exempted %q, want %q (%d open)", got, tt.exempted, len(rep.Findings))
			}
		})
	}
}

// TestLinkCDKWithoutTracesIsUnchanged: with no trace in the metadata, the
// link step changes no finding, not even its fingerprint.
func TestLinkCDKWithoutTracesIsUnchanged(t *testing.T) {
	repo := t.TempDir()
	copyFixture(t, "ops-app-notrace", repo, "ops-app")
	opts := Options{Paths: []string{repo}, BaseDir: repo, Include: DefaultInclude, Exclude: DefaultExclude, LineHashes: lineText}
	rep, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	d, err := discover(opts)
	if err != nil {
		t.Fatal(err)
	}
	var unlinked []rules.Finding
	for _, r := range scanAll(d.files, &opts) {
		if r != nil {
			unlinked = append(unlinked, r.Findings...)
		}
	}
	rules.SortFindings(unlinked)
	if len(rep.Findings) != 9 || fmt.Sprint(rep.Findings) != fmt.Sprint(unlinked) {
		t.Errorf("findings\n  %v\nwant\n  %v", rep.Findings, unlinked)
	}
}
