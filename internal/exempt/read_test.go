package exempt

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadConfigRefusesWhatIsNotAConfig: a config that is a device, a
// FIFO, a directory, a huge file, or (with a root) a link out of the root
// is refused with a message, without reading it or blocking on it.
func TestLoadConfigRefusesWhatIsNotAConfig(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.yml")
	os.WriteFile(secret, []byte("exemptions: []\n"), 0o644)
	root := t.TempDir()
	link := func(name, target string) string {
		p := filepath.Join(root, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(root, "fifo.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(root, "big.yml")
	os.WriteFile(big, []byte("exemptions: []\n#"+strings.Repeat("x", MaxConfigSize)), 0o644)
	inside := filepath.Join(root, "real.yml")
	os.WriteFile(inside, []byte("exemptions: []\n"), 0o644)
	os.Mkdir(filepath.Join(root, "dir.yml"), 0o755)

	for _, tt := range []struct {
		name, root, path, want string
	}{
		{"device", "", link("zero.yml", "/dev/zero"), "cannot read: not a regular file"},
		{"device within a root", root, filepath.Join(root, "zero.yml"), "cannot read: it leads outside the workspace"},
		{"fifo", "", fifo, "cannot read: not a regular file"},
		{"directory", "", filepath.Join(root, "dir.yml"), "cannot read: not a regular file"},
		{"too large", "", big, "cannot read: larger than 1024 KiB"},
		{"link out of the root", root, link("out.yml", secret), "cannot read: it leads outside the workspace"},
		{"relative link out of the root", root, link("rel.yml", "../"+filepath.Base(outside)+"/secret.yml"), "cannot read: it leads outside the workspace"},
		{"dot-dot path", root, filepath.Join(root, "..", filepath.Base(outside), "secret.yml"), "cannot read: it leads outside the workspace"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(tt.root, tt.path, false)
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.path+": ") {
				t.Errorf("error %v, want %q naming the file", err, tt.want)
			}
		})
	}
	// Without a root the link out is the user's own choice, and it is read.
	if cfg, err := LoadConfig("", filepath.Join(root, "out.yml"), true); err != nil || cfg == nil {
		t.Errorf("link without a root: %v, %v", cfg, err)
	}
	// A link inside the root to a regular file is read.
	if cfg, err := LoadConfig(root, link("alias.yml", "real.yml"), true); err != nil || cfg == nil {
		t.Errorf("link inside the root: %v, %v", cfg, err)
	}
	// A missing optional config inside a root is no config.
	if cfg, err := LoadConfig(root, filepath.Join(root, "none.yml"), false); cfg != nil || err != nil {
		t.Errorf("missing optional config: %v, %v", cfg, err)
	}
}
