package gitrepo

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzResolve: whatever HEAD, a loose ref and packed-refs hold, Resolve
// returns an object id or an error, never panics, and never reads outside
// the repository.
func FuzzResolve(f *testing.F) {
	id := "4b6472266afd7b471e86085a6659e8c7f2b119da"
	f.Add("ref: refs/heads/main\n", "ref: refs/remotes/pull/1/merge\n", "# pack-refs with: peeled\n"+id+" refs/remotes/pull/1/merge\n^"+id+"\n")
	f.Add(id+"\n", "", "")
	f.Add("ref: refs/heads/x\n", "ref: refs/heads/main\n", id+" refs/heads/x\n")
	f.Fuzz(func(t *testing.T, head, loose, packed string) {
		dir := t.TempDir()
		git := filepath.Join(dir, ".git")
		os.MkdirAll(filepath.Join(git, "refs", "heads"), 0o755)
		os.WriteFile(filepath.Join(git, "HEAD"), []byte(head), 0o644)
		os.WriteFile(filepath.Join(git, "refs", "heads", "main"), []byte(loose), 0o644)
		os.WriteFile(filepath.Join(git, "packed-refs"), []byte(packed), 0o644)
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.Head(); err == nil && !isObjectID(got) {
			t.Fatalf("Head() = %q", got)
		}
	})
}
