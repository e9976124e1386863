//go:build unix

package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

func TestDiscover(t *testing.T) {
	dir := testkit.WriteTree(t, map[string]string{
		"b.json":                             "{}",
		"a/c.yaml":                           "a: 1",
		"a/d.yml":                            "a: 1",
		"e.template":                         "{}",
		"f.jsonc":                            "{}",
		"g.tpl":                              "{}",
		"README.md":                          "# x",
		"node_modules/pkg/policy.json":       "{}",
		".git/config.json":                   "{}",
		"cdk.out/manifest.json":              "{}",
		"cdk.out/Stack.template.json":        "{}",
		"cdk.out/asset.abc123/template.json": "{",
		"assets/asset.notcdk.json":           "{}",
		"big.json":                           strings.Repeat(" ", 2048) + "{}",
	})
	outside := testkit.WriteTree(t, map[string]string{"secret.json": "{}"})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(dir, "out-link.json")))
	must(os.Symlink(filepath.Join(dir, "b.json"), filepath.Join(dir, "in-link.json")))
	must(os.Symlink("loop-b.json", filepath.Join(dir, "loop-a.json")))
	must(os.Symlink("loop-a.json", filepath.Join(dir, "loop-b.json")))
	must(os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "dir-link.json")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.json"), 0o644))

	tests := []struct {
		name     string
		opts     Options
		files    []string
		warnings []string
	}{
		{
			name: "defaults",
			opts: Options{Paths: []string{dir}, MaxFileSize: 1024},
			files: []string{"a/c.yaml", "a/d.yml", "assets/asset.notcdk.json", "b.json", "cdk.out/Stack.template.json",
				"cdk.out/manifest.json", "e.template", "f.jsonc", "in-link.json"},
			warnings: []string{
				"big.json: skipped: 2050B is larger than the 1KiB limit (--max-file-size)",
				"loop-a.json: skipped: symbolic link loop",
				"loop-b.json: skipped: symbolic link loop",
				"out-link.json: skipped: symbolic link points outside the scan root",
				"pipe.json: skipped: not a regular file (named pipe)",
			},
		},
		{
			name:  "include and exclude globs",
			opts:  Options{Paths: []string{dir}, Include: []string{"**/*.tpl", "a/**"}, Exclude: []string{"**/*.yml"}},
			files: []string{"a/c.yaml", "g.tpl"},
		},
		{
			name:  "a file named on the command line is scanned whatever the globs say",
			opts:  Options{Paths: []string{filepath.Join(dir, "README.md"), filepath.Join(dir, "b.json"), dir}, Include: []string{"**/*.json"}, Exclude: []string{"**"}},
			files: []string{"README.md", "b.json"},
		},
		{
			name: "a file that several paths name is scanned once",
			opts: Options{Paths: []string{filepath.Join(dir, "a"), filepath.Join(dir, "a", "c.yaml"), dir, dir + "/a/../a/d.yml"},
				Include: []string{"**/*.yaml", "**/*.yml"}},
			files: []string{"a/c.yaml", "a/d.yml"},
		},
		{
			name:     "a FIFO named on the command line is not opened",
			opts:     Options{Paths: []string{filepath.Join(dir, "pipe.json")}},
			warnings: []string{"pipe.json: skipped: not a regular file (named pipe)"},
		},
		{
			name:  "no exclusions: node_modules and .git are read",
			opts:  Options{Paths: []string{filepath.Join(dir, "node_modules"), filepath.Join(dir, ".git")}, Exclude: []string{}},
			files: []string{"node_modules/pkg/policy.json", ".git/config.json"}, // in the order of the paths
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.BaseDir = dir
			if tt.opts.Include == nil {
				tt.opts.Include = DefaultInclude
			}
			if tt.opts.Exclude == nil {
				tt.opts.Exclude = DefaultExclude
			}
			d, err := discover(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			files, warnings := d.files, d.warnings
			var names, ws []string
			for _, f := range files {
				names = append(names, f.name)
			}
			for _, w := range warnings {
				ws = append(ws, w.String())
			}
			if !slices.Equal(names, tt.files) {
				t.Errorf("files = %q, want %q", names, tt.files)
			}
			if !slices.Equal(ws, tt.warnings) {
				t.Errorf("warnings = %q, want %q", ws, tt.warnings)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"missing path", Options{Paths: []string{"/no/such/path"}}, "cannot scan /no/such/path: no such file or directory"},
		{"bad include glob", Options{Include: []string{"a/[b"}}, `invalid glob "a/[b"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(tt.opts); err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSizes(t *testing.T) {
	for in, want := range map[string]int64{"10MiB": 10 << 20, "512KiB": 512 << 10, "2MB": 2e6, "1000": 1000, "3 M": 3 << 20, "0": 0} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "big", "-1", "1.5MiB", "10XB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
	for n, want := range map[int64]string{10 << 20: "10MiB", 1536 << 10: "1.5MiB", 2048: "2KiB", 100: "100B"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
