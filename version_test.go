package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// goldenVersion is the version the in-process tests write, whatever the
// test binary's build information says: the golden files hold it (see
// TestMain in cli_test.go).
const goldenVersion = "0.0.0-dev"

func TestBuildVersion(t *testing.T) {
	const rev = "395c1effb67f5931f16700b1a1d93e322e5e54ba"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "0.0.0-devel"},
		{"go install ...@v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "1.2.3"},
		{"go install ...@v1.3.0-rc.1", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc.1"}}, "1.3.0-rc.1"},
		{"go build in a clone between tags", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261122105116-395c1effb67f"}, Settings: vcs("false")},
			"0.0.0-20261122105116-395c1effb67f"},
		{"go build in a clone with changes", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20261122105116-395c1effb67f+dirty"}, Settings: vcs("true")},
			"1.2.4-0.20261122105116-395c1effb67f+dirty"},
		{"a commit but no module version", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")}, "0.0.0-devel+395c1effb67f"},
		{"a commit with changes but no module version", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")}, "0.0.0-devel+395c1effb67f.dirty"},
		{"neither (a source tarball, -buildvcs=false)", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0.0.0-devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildVersion(tt.info)
			if got != tt.want {
				t.Fatalf("buildVersion = %q, want %q", got, tt.want)
			}
			// Every form is SemVer, so code scanning sees it as the
			// tool's semanticVersion rather than a free-form version.
			log, err := sarif.Build(&scan.Report{}, sarif.Options{Version: got})
			if err != nil {
				t.Fatal(err)
			}
			d := log.Runs[0].Tool.Driver
			if d.SemanticVersion == nil || *d.SemanticVersion != got {
				t.Errorf("SARIF driver semanticVersion %v, version %v; want semanticVersion %q", d.SemanticVersion, d.Version, got)
			}
		})
	}
}

// TestBuildReportsItsVersion builds the command from a git repository as
// someone who cloned it would (a plain go build), then at a release tag,
// then as a release does (-ldflags), and checks what --version prints.
func TestBuildReportsItsVersion(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	copyModuleSource(t, ".", repo)
	// The build runs in a repository of its own, whatever repository (or
	// git hook, through GIT_DIR) the test runs in, with Go's default VCS
	// stamping: a GOFLAGS=-buildvcs=false in the environment or in go env
	// would make any build version-less.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOFLAGS=-buildvcs=auto")
	command := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	command("git", "init", "-q")
	// Everything below commits and tags: make sure it is in this repository.
	gitDir, _ := filepath.EvalSymlinks(command("git", "rev-parse", "--absolute-git-dir"))
	if want, _ := filepath.EvalSymlinks(filepath.Join(repo, ".git")); gitDir != want {
		t.Fatalf("git works in %s, not in %s", gitDir, want)
	}
	command("git", "add", "-A")
	command("git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot")
	commit := command("git", "rev-parse", "HEAD")

	bin := filepath.Join(t.TempDir(), "ssm-guardrails") // outside the repository, which stays clean
	steps := []struct {
		name  string
		tag   string   // git tag to add before building
		flags []string // go build flags
		want  string   // --version output, a regular expression
	}{
		{"a plain go build names the commit", "", nil, `^ssm-guardrails 0\.0\.0-\d{14}-` + commit[:12] + `$`},
		{"a build at a release tag names it", "v1.2.3", nil, `^ssm-guardrails 1\.2\.3$`},
		{"the Dockerfile's empty VERSION changes nothing", "", []string{"-ldflags", "-X main.version="}, `^ssm-guardrails 1\.2\.3$`},
		{"a release build's version comes first", "", []string{"-ldflags", "-X main.version=2.0.0"}, `^ssm-guardrails 2\.0\.0$`},
	}
	for _, s := range steps {
		if s.tag != "" {
			command("git", "tag", s.tag)
		}
		command("go", append(append([]string{"build", "-o", bin}, s.flags...), ".")...)
		if got := command(bin, "--version"); !regexp.MustCompile(s.want).MatchString(got) {
			t.Errorf("%s: --version printed %q, want %s", s.name, got, s.want)
		}
	}
}

// copyModuleSource copies what building the command needs: the module's
// files but for tests, test data and dot-files; a .git (a directory, or a
// file in a worktree) must never be copied, or git would act on the
// repository it names.
func copyModuleSource(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path == from {
			return nil
		}
		if strings.HasPrefix(name, ".") || name == "testdata" || name == "dist" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
