// Package gitrepo reads which commit a checkout has checked out, and what
// a ref names, from the files of its .git: HEAD, loose refs, packed-refs,
// and the "gitdir:" and commondir files that link a worktree or a
// submodule to its repository. The action's image has no git binary.
package gitrepo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Repo is the repository of one checkout.
type Repo struct {
	gitDir    string // this checkout's own: HEAD and per-worktree refs
	commonDir string // shared with the other worktrees: refs, packed-refs
}

// maxLinkSize caps the small files read whole: .git, commondir, loose
// refs. A line of packed-refs is capped the same way.
const maxLinkSize = 4 << 10

// maxSymrefDepth is how many symbolic refs are followed, as git does.
const maxSymrefDepth = 5

// Open finds the repository of the checkout at workTree: workTree/.git is
// either the repository or a file that points to it.
func Open(workTree string) (*Repo, error) {
	dotGit := filepath.Join(workTree, ".git")
	info, err := os.Lstat(dotGit)
	if err != nil {
		return nil, fmt.Errorf("not a git checkout: %w", err)
	}
	gitDir := dotGit
	switch {
	case info.IsDir():
	case info.Mode().IsRegular():
		// A worktree or a submodule: "gitdir: PATH", PATH relative to
		// the checkout when it is not absolute.
		line, err := readLine(dotGit)
		if err != nil {
			return nil, err
		}
		target, ok := strings.CutPrefix(line, "gitdir: ")
		if !ok || target == "" {
			return nil, fmt.Errorf("%s: not a \"gitdir:\" link", dotGit)
		}
		gitDir = resolvePath(workTree, target)
	default:
		return nil, fmt.Errorf("%s: neither a directory nor a gitdir file", dotGit)
	}
	r := &Repo{gitDir: gitDir, commonDir: gitDir}
	// A worktree's own directory names the repository's in commondir.
	if line, err := readLine(filepath.Join(gitDir, "commondir")); err == nil {
		r.commonDir = resolvePath(gitDir, line)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(r.commonDir, "reftable")); err == nil {
		return nil, fmt.Errorf("%s: refs in the reftable format cannot be read", r.commonDir)
	}
	if _, err := os.Stat(filepath.Join(gitDir, "HEAD")); err != nil {
		return nil, fmt.Errorf("not a git repository: %w", err)
	}
	return r, nil
}

func resolvePath(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// Head returns the id of the commit the checkout has checked out.
func (r *Repo) Head() (string, error) { return r.Resolve("HEAD") }

// Resolve returns the object id a ref names: "HEAD" or a full ref name
// such as "refs/remotes/pull/7/merge". Symbolic refs are followed. A ref
// that does not exist is an error that wraps os.ErrNotExist.
func (r *Repo) Resolve(name string) (string, error) {
	for range maxSymrefDepth + 1 {
		if !validRefName(name) {
			return "", fmt.Errorf("invalid ref name %q", name)
		}
		value, err := r.readRef(name)
		if err != nil {
			return "", err
		}
		target, symbolic := strings.CutPrefix(value, "ref: ")
		if !symbolic {
			if !isObjectID(value) {
				return "", fmt.Errorf("%s: %q is not an object id", name, value)
			}
			return value, nil
		}
		name = strings.TrimSpace(target)
	}
	return "", fmt.Errorf("%s: symbolic refs nested deeper than %d", name, maxSymrefDepth)
}

// readRef reads a ref's value, loose first, then packed.
func (r *Repo) readRef(name string) (string, error) {
	dir := r.commonDir
	if perWorktree(name) {
		dir = r.gitDir
	}
	value, err := readLine(filepath.Join(dir, filepath.FromSlash(name)))
	// ENOTDIR: a part of the name is a file, "refs/heads/main/x".
	if missing := errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR); !missing || name == "HEAD" {
		return value, err
	}
	if value, ok, err := r.packedRef(name); ok || err != nil {
		return value, err
	}
	return "", fmt.Errorf("ref %s: %w", name, os.ErrNotExist)
}

// packedRef looks name up in packed-refs: "ID NAME" lines, with "#"
// comments and "^ID" lines (the commit an annotated tag points to) between.
func (r *Repo) packedRef(name string) (string, bool, error) {
	path := filepath.Join(r.commonDir, "packed-refs")
	f, err := openRegular(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 256), maxLinkSize)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		id, ref, ok := strings.Cut(line, " ")
		if ok && ref == name {
			if !isObjectID(id) {
				return "", false, fmt.Errorf("%s: %q is not an object id", path, id)
			}
			return id, true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", false, fmt.Errorf("%s: %w", path, err)
	}
	return "", false, nil
}

// perWorktree reports whether a ref belongs to one worktree rather than to
// the repository: HEAD and the other pseudo refs, and refs/worktree/,
// refs/bisect/ and refs/rewritten/.
func perWorktree(name string) bool {
	return !strings.HasPrefix(name, "refs/") ||
		strings.HasPrefix(name, "refs/worktree/") || strings.HasPrefix(name, "refs/bisect/") || strings.HasPrefix(name, "refs/rewritten/")
}

// validRefName accepts "HEAD" and full ref names whose parts could not
// lead out of the repository's directory.
func validRefName(name string) bool {
	if name == "HEAD" {
		return true
	}
	if !strings.HasPrefix(name, "refs/") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part[0] == '.' || strings.ContainsAny(part, "\\:?*[~^ \x00\x7f") {
			return false
		}
		for _, c := range part {
			if c < 0x20 {
				return false
			}
		}
	}
	return true
}

// isObjectID is a SHA-1 or SHA-256 object id in lower-case hex.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// readLine reads the first line of a small regular file.
func readLine(path string) (string, error) {
	f, err := openRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLinkSize+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxLinkSize {
		return "", fmt.Errorf("%s: larger than %d bytes", path, maxLinkSize)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line), nil
}

// openRegular opens path if it is a regular file (following links, as
// git does), so that a device or a FIFO in its place is never read.
func openRegular(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return os.Open(path)
}
