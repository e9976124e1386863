package gitrepo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// repo makes a repository with two commits on main and returns its
// directory and the commits.
func repo(t *testing.T, initArgs ...string) (dir, first, second string) {
	t.Helper()
	dir = t.TempDir()
	testkit.Git(t, dir, append([]string{"init", "-q", "-b", "main"}, initArgs...)...)
	os.WriteFile(filepath.Join(dir, "a.json"), []byte("{}\n"), 0o644)
	first = testkit.GitCommitAll(t, dir, "first")
	os.WriteFile(filepath.Join(dir, "a.json"), []byte("[]\n"), 0o644)
	second = testkit.GitCommitAll(t, dir, "second")
	return dir, first, second
}

func mustOpen(t *testing.T, dir string) *Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func checkResolve(t *testing.T, r *Repo, name, want string) {
	t.Helper()
	got, err := r.Resolve(name)
	if err != nil || got != want {
		t.Errorf("Resolve(%s) = %q, %v; want %q", name, got, err, want)
	}
}

// TestResolveAsGitDoes holds each answer against git rev-parse in the
// same checkout: branches, detached heads, packed and loose refs,
// symbolic refs, worktrees, separate git directories and SHA-256.
func TestResolveAsGitDoes(t *testing.T) {
	t.Run("branch", func(t *testing.T) {
		dir, _, second := repo(t)
		checkResolve(t, mustOpen(t, dir), "HEAD", second)
		checkResolve(t, mustOpen(t, dir), "refs/heads/main", second)
	})
	t.Run("detached head", func(t *testing.T) {
		dir, first, _ := repo(t)
		testkit.Git(t, dir, "checkout", "-q", "--detach", first)
		checkResolve(t, mustOpen(t, dir), "HEAD", first)
	})
	t.Run("packed refs, and a loose ref newer than its packed copy", func(t *testing.T) {
		dir, first, second := repo(t)
		testkit.Git(t, dir, "update-ref", "refs/remotes/pull/7/merge", first)
		testkit.Git(t, dir, "update-ref", "refs/remotes/pull/8/head", first)
		testkit.Git(t, dir, "tag", "-a", "-m", "annotated", "v1", first)
		testkit.Git(t, dir, "pack-refs", "--all", "--prune")
		if _, err := os.Stat(filepath.Join(dir, ".git", "refs", "remotes", "pull", "7", "merge")); err == nil {
			t.Fatal("pack-refs left the loose ref")
		}
		testkit.Git(t, dir, "update-ref", "refs/remotes/pull/8/head", second)
		r := mustOpen(t, dir)
		checkResolve(t, r, "HEAD", second)
		checkResolve(t, r, "refs/remotes/pull/7/merge", first)
		checkResolve(t, r, "refs/remotes/pull/8/head", testkit.Git(t, dir, "rev-parse", "refs/remotes/pull/8/head"))
		checkResolve(t, r, "refs/tags/v1", testkit.Git(t, dir, "rev-parse", "refs/tags/v1"))
	})
	t.Run("symbolic ref", func(t *testing.T) {
		dir, _, second := repo(t)
		testkit.Git(t, dir, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
		testkit.Git(t, dir, "checkout", "-q", "alias")
		checkResolve(t, mustOpen(t, dir), "HEAD", second)
	})
	t.Run("worktree", func(t *testing.T) {
		dir, first, second := repo(t)
		wt := filepath.Join(t.TempDir(), "wt")
		testkit.Git(t, dir, "worktree", "add", "-q", "-b", "other", wt, first)
		r := mustOpen(t, wt)
		checkResolve(t, r, "HEAD", first)
		checkResolve(t, r, "refs/heads/main", second)
		checkResolve(t, mustOpen(t, dir), "HEAD", second)
	})
	t.Run("separate git directory (relative gitdir:)", func(t *testing.T) {
		dir, _, second := repo(t)
		// What a submodule checkout looks like: .git is a file with a
		// relative path.
		if err := os.Rename(filepath.Join(dir, ".git"), filepath.Join(dir, "..", filepath.Base(dir)+".gitdir")); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: ../"+filepath.Base(dir)+".gitdir\n"), 0o644)
		checkResolve(t, mustOpen(t, dir), "HEAD", second)
		checkResolve(t, mustOpen(t, dir), "HEAD", testkit.Git(t, dir, "rev-parse", "HEAD"))
	})
	t.Run("sha256", func(t *testing.T) {
		dir, _, second := repo(t, "--object-format=sha256")
		if len(second) != 64 {
			t.Fatalf("commit id %q", second)
		}
		checkResolve(t, mustOpen(t, dir), "HEAD", second)
	})
}

func TestErrors(t *testing.T) {
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a git checkout") {
		t.Errorf("no .git: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".git"), []byte("nonsense\n"), 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), `not a "gitdir:" link`) {
		t.Errorf("bad .git file: %v", err)
	}

	unborn := t.TempDir()
	testkit.Git(t, unborn, "init", "-q", "-b", "main")
	if _, err := mustOpen(t, unborn).Head(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unborn branch: %v", err)
	}

	r, _, _ := repo(t)
	write := func(name, content string) {
		p := filepath.Join(r, ".git", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	write("refs/heads/loop1", "ref: refs/heads/loop2\n")
	write("refs/heads/loop2", "ref: refs/heads/loop1\n")
	write("refs/heads/garbage", "not an id\n")
	write("refs/heads/escape", "ref: refs/../../../../etc/passwd\n")
	write("refs/heads/huge", strings.Repeat("0", maxLinkSize+1))
	repoObj := mustOpen(t, r)
	for name, want := range map[string]string{
		"refs/heads/loop1":           "symbolic refs nested deeper than",
		"refs/heads/garbage":         "is not an object id",
		"refs/heads/escape":          `invalid ref name "refs/../../../../etc/passwd"`,
		"refs/heads/huge":            "larger than",
		"refs/heads/none":            "ref refs/heads/none: file does not exist",
		"refs/heads/main/x":          "file does not exist",
		"../config":                  "invalid ref name",
		"refs/remotes/pull/1/merge ": "invalid ref name",
	} {
		if _, err := repoObj.Resolve(name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q): %v, want %q", name, err, want)
		}
	}
}
