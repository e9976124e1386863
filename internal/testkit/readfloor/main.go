// Command readfloor is what the scan's speed is measured against
// (docs/performance.md): it walks the trees it is given, selects the files
// a scan with the default globs selects, and reads every one of them on
// GOMAXPROCS workers, each into a buffer it reuses, and does nothing else.
// No scan can take less. It is a benchmark helper: nothing in the
// ssm-guardrails binary imports it.
//
//	go build -o /tmp/readfloor ./internal/testkit/readfloor
//	/tmp/readfloor DIR...
package main

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
)

// The scan's defaults (scan.DefaultInclude, scan.DefaultExclude,
// scan.DefaultMaxFileSize), written out so that the floor does not pay
// for initialising the scanner's packages; the test holds them equal.
var (
	include = []string{"**/*.json", "**/*.jsonc", "**/*.yaml", "**/*.yml", "**/*.template",
		"**/*.tf", "**/*.tf.json", "**/terragrunt.hcl"}
	exclude = []string{"**/node_modules/**", "**/.git/**",
		"**/.terraform/**", "**/*.tfstate*", "**/*.tftest.hcl"}
)

const maxFileSize = 10 << 20

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: readfloor DIR...")
		os.Exit(2)
	}
	files, bytes, err := readTrees(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "readfloor:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d bytes\n", files, bytes)
}

// readTrees reads every selected file under roots while the walk goes on,
// and returns how many files and bytes it read.
func readTrees(roots []string) (files int, bytes int64, err error) {
	paths := make(chan string, 256)
	workers := runtime.GOMAXPROCS(0)
	counts := make([]struct {
		files int
		bytes int64
		err   error
	}, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			c := &counts[w]
			for path := range paths {
				var n int
				var err error
				if buf, n, err = read(path, buf); err != nil {
					c.err = cmp.Or(c.err, err)
				} else if n >= 0 {
					c.files++
					c.bytes += int64(n)
				}
			}
		})
	}
	for _, root := range roots {
		if err = walk(root, paths); err != nil {
			break
		}
	}
	close(paths)
	wg.Wait()
	for _, c := range counts {
		files, bytes, err = files+c.files, bytes+c.bytes, cmp.Or(err, c.err)
	}
	return files, bytes, err
}

// walk sends the path of every file under root that the globs select.
func walk(root string, paths chan<- string) error {
	return filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if entry.IsDir() {
			if path != root && (matchAny(exclude, rel) || matchAny(exclude, rel+"/") || isCDKAssetDir(path, entry.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		if matchAny(include, rel) && !matchAny(exclude, rel) && (entry.Type().IsRegular() || entry.Type()&fs.ModeSymlink != 0) {
			paths <- path
		}
		return nil
	})
}

// read reads the file at path into buf's memory; n is -1 for a file the
// scan would skip (not a regular file, or over the size limit).
func read(path string, buf []byte) ([]byte, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return buf, 0, err
	}
	if !info.Mode().IsRegular() || info.Size() > maxFileSize {
		return buf, -1, nil
	}
	if need := int(info.Size()) + 1; cap(buf) < need {
		buf = make([]byte, need)
	}
	buf = buf[:cap(buf)]
	n := 0
	for {
		m, err := f.Read(buf[n:])
		n += m
		if err == io.EOF || n == len(buf) {
			return buf, n, nil
		}
		if err != nil {
			return buf, n, err
		}
	}
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// isCDKAssetDir is the scan's rule: an asset.* directory beside a cloud
// assembly's manifest.json holds bundled code, not policies.
func isCDKAssetDir(dir, name string) bool {
	if !strings.HasPrefix(name, "asset.") {
		return false
	}
	_, err := os.Lstat(filepath.Join(filepath.Dir(dir), "manifest.json"))
	return err == nil
}
