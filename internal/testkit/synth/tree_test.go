package synth

import (
	"os"
	"path/filepath"
	"testing"
)

// TestYAMLShare holds the tree to what docs/performance.md says of it: at
// least a seventh of its bytes are YAML, and the tally is the files'.
func TestYAMLShare(t *testing.T) {
	root := t.TempDir()
	tree, err := WriteTree(root, 10e6, 1)
	if err != nil {
		t.Fatal(err)
	}
	var total, yaml int64
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ExpectedFindingsFile {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
			yaml += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != tree.Bytes || yaml != tree.YAMLBytes {
		t.Errorf("tallied %d bytes (%d YAML), the files hold %d (%d YAML)", tree.Bytes, tree.YAMLBytes, total, yaml)
	}
	if 7*yaml < total {
		t.Errorf("YAML is %d of %d bytes (%.1f%%), less than a seventh", yaml, total, 100*float64(yaml)/float64(total))
	}
}
