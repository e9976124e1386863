package cdk

import (
	"slices"
	"testing"
)

func TestParseFrame(t *testing.T) {
	for _, tt := range []struct {
		line string
		want Frame
		ok   bool
	}{
		{"new OpsStack (/tmp/synth-home/runner/work/ops-app/ops-app/lib/ops-stack.js:21:20)",
			Frame{"/tmp/synth-home/runner/work/ops-app/ops-app/lib/ops-stack.js", 21, 20}, true},
		{"<anonymous> (/w/app/bin/ops.js:13:1)", Frame{"/w/app/bin/ops.js", 13, 1}, true},
		{"    at Object.<anonymous> (/w/app/bin/ops.js:13:1)", Frame{"/w/app/bin/ops.js", 13, 1}, true},
		{"Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)",
			Frame{"node:internal/modules/run_main", 164, 12}, true},
		{"/w/app/node_modules/aws-cdk-lib/core/lib/private/synthesis.js:2:5699",
			Frame{"/w/app/node_modules/aws-cdk-lib/core/lib/private/synthesis.js", 2, 5699}, true},
		{"new TsStack (/w/ts/lib/ts-stack.ts:8:28)", Frame{"/w/ts/lib/ts-stack.ts", 8, 28}, true},
		{"new EsmStack (file:///w/esm/bin/my%20app.mjs:6:5)", Frame{"/w/esm/bin/my app.mjs", 6, 5}, true},
		{"file:///w/esm/bin/app.mjs:10 (:)", Frame{"/w/esm/bin/app.mjs", 10, 0}, true},
		{"__init__ (/Users/me/my_app/my_app/stack.py:12)", Frame{"/Users/me/my_app/my_app/stack.py", 12, 0}, true},
		{`new OpsStack (C:\w\app\lib\ops-stack.js:20:28)`, Frame{`C:\w\app\lib\ops-stack.js`, 20, 28}, true},
		{"fn (/w/a (copy)/lib/x.js:3:4)", Frame{"/w/a (copy)/lib/x.js", 3, 4}, true},

		{"...new Role2 in aws-cdk-lib...", Frame{}, false},
		{"...node internals...", Frame{}, false},
		{"(no user code in 10 frames, use --stack-trace-limit to capture more)", Frame{}, false},
		{"stack traces disabled", Frame{}, false},
		{"", Frame{}, false},
		{"x (/w/a.js:0:1)", Frame{}, false},
		{"x (/w/a.js:-1:1)", Frame{}, false},
		{"x (/w/a.js:+3:1)", Frame{}, false},
		{"x (/w/a.js:1234567890:1)", Frame{}, false},
		{"x (:12:3)", Frame{}, false},
		{"x (file:///w/%zz.js:1:1)", Frame{}, false},
	} {
		got, ok := ParseFrame(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseFrame(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUserFrames(t *testing.T) {
	for _, tt := range []struct {
		name  string
		trace []string
		want  []Frame
	}{
		{"just my code: summaries are skipped", []string{
			"...PropertyInjectable.<anonymous> in aws-cdk-lib...",
			"new OpsStack (/w/app/lib/ops-stack.js:21:20)",
			"<anonymous> (/w/app/bin/ops.js:13:1)",
			"...node internals...",
		}, []Frame{{"/w/app/lib/ops-stack.js", 21, 20}, {"/w/app/bin/ops.js", 13, 1}}},
		{"raw --debug trace: node_modules and node internals are skipped", []string{
			"new Policy2 (/w/app/node_modules/aws-cdk-lib/aws-iam/lib/policy.js:1:5770)",
			`WrappedClass.addToPolicy (C:\w\app\node_modules\aws-cdk-lib\aws-iam\lib\role.js:1:17297)`,
			"new OpsStack (/w/app/lib/ops-stack.js:21:20)",
			"Module._compile (node:internal/modules/cjs/loader:1521:14)",
			"Module._compile (internal/modules/cjs/loader.js:1137:30)",
			"node:internal/main/run_main_module:28:49",
		}, []Frame{{"/w/app/lib/ops-stack.js", 21, 20}}},
		{"no user code", []string{"...aws-cdk-lib...", "(no user code in 10 frames, use --stack-trace-limit to capture more)"}, nil},
		{"jsii host frames come after the JS part", []string{
			"...aws-cdk-lib, jsii runtime, node internals...",
			"(no user code in 10 frames, use --stack-trace-limit to capture more)",
			"__init__ (/w/py/app/stack.py:14)",
		}, []Frame{{"/w/py/app/stack.py", 14, 0}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := UserFrames(tt.trace); !slices.Equal(got, tt.want) {
				t.Errorf("UserFrames = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUserFramesReadsAtMostMaxTraceFrames(t *testing.T) {
	trace := make([]string, maxTraceFrames+1)
	for i := range trace {
		trace[i] = "...aws-cdk-lib..."
	}
	trace[maxTraceFrames] = "new X (/w/app/lib/x.js:1:1)"
	if got := UserFrames(trace); len(got) != 0 {
		t.Errorf("a frame past the first %d was read: %+v", maxTraceFrames, got)
	}
}

func TestPathComponents(t *testing.T) {
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/tmp/synth/ops-app/lib/ops-stack.js", []string{"tmp", "synth", "ops-app", "lib", "ops-stack.js"}},
		{`C:\w\app\lib\x.js`, []string{"C:", "w", "app", "lib", "x.js"}},
		{"./lib//x.js", []string{"lib", "x.js"}},
		{"../x.js", []string{"..", "x.js"}},
	} {
		if got := PathComponents(tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("PathComponents(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// FuzzParseFrame checks that any line gives either no frame or one with a
// path and a line, and never panics.
//
//	go test ./internal/extract/cdk -run '^$' -fuzz FuzzParseFrame -fuzztime 30s
func FuzzParseFrame(f *testing.F) {
	for _, s := range []string{
		"new OpsStack (/w/app/lib/ops-stack.js:21:20)", "file:///w/app.mjs:10 (:)", "/w/a.js:1", "...x...",
		`C:\a\b.js:1:2`, "x (file:///%41.js:3:4)", "a (b (c:1:2)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fr, ok := ParseFrame(line)
		if ok && (fr.Path == "" || fr.Line < 1 || fr.Col < 0) {
			t.Errorf("ParseFrame(%q) = %+v", line, fr)
		}
	})
}
