package scan

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// DefaultInclude and DefaultExclude are the globs used when none are given.
var (
	DefaultInclude = []string{"**/*.json", "**/*.jsonc", "**/*.yaml", "**/*.yml", "**/*.template",
		"**/*.tf", "**/*.tf.json", "**/terragrunt.hcl"}
	DefaultExclude = []string{"**/node_modules/**", "**/.git/**",
		"**/.terraform/**", "**/*.tfstate*", "**/*.tftest.hcl"}
)

// DefaultMaxFileSize is the size above which a file is skipped.
const DefaultMaxFileSize = 10 << 20

// candidate is a file chosen for scanning. The scan keeps one for every
// file until it ends, so it holds only what reading and showing the file
// take.
type candidate struct {
	path  string    // to open
	name  string    // to show: relative to the base directory, forward slashes
	limit int64     // the size limit, checked again when the file is read
	stdin io.Reader // for the path "-": read this instead
	// assembly is the CDK cloud assembly the file sits in: its directory,
	// absolute, when a manifest.json is beside the file; "" otherwise.
	assembly string
}

// discoverer walks the scan roots. Every decision about which files to
// read is made here, from directory entries and Lstat, so files that must
// not be opened (FIFOs, devices, links out of the root) never are.
type discoverer struct {
	opts             Options
	include, exclude []glob
	// seen holds the names of the files added when several paths are
	// given, which may name a file twice; one path never does.
	seen       map[string]bool
	stdin      bool            // standard input is added
	assemblies map[string]bool // directory -> whether it is a cloud assembly
	files      []candidate
	warnings   []source.Warning
	unselected []candidate // with opts.FindUnselected: skipped by the include globs, to probe
	found      func(candidate)
}

func discover(opts Options) (*discoverer, error) { return discoverWith(opts, nil) }

// discoverWith is discover that also gives each file to found as soon as
// it is added, so that the scan of the first files need not wait for the
// walk to end.
func discoverWith(opts Options, found func(candidate)) (*discoverer, error) {
	for _, g := range append(append([]string{}, opts.Include...), opts.Exclude...) {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("invalid glob %q", g)
		}
	}
	d := &discoverer{opts: opts, found: found, assemblies: map[string]bool{},
		include: compileGlobs(opts.Include), exclude: compileGlobs(opts.Exclude)}
	if len(opts.Paths) > 1 {
		d.seen = map[string]bool{}
	}
	for _, root := range opts.Paths {
		if err := d.root(root); err != nil {
			return nil, err
		}
	}
	d.seen, d.assemblies = nil, nil // the scan keeps d: only the lists outlive the walk
	return d, nil
}

func (d *discoverer) warn(path, format string, args ...any) {
	d.warnings = append(d.warnings, source.Warning{File: d.display(path), Message: fmt.Sprintf(format, args...)})
}

// display is the path as every output shows it.
func (d *discoverer) display(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return d.displayAbs(abs)
}

// displayAbs is display for an absolute path.
func (d *discoverer) displayAbs(abs string) string {
	rel, err := filepath.Rel(d.opts.BaseDir, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// stdinPath is the path that names standard input.
const stdinPath = "-"

func (d *discoverer) root(root string) error {
	if root == stdinPath {
		return d.addStdin()
	}
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("cannot scan %s: %w", root, unwrapPathError(err))
	}
	// Each file's absolute path is the root's joined with the file's
	// path below it: filepath.Abs of a relative path asks the system for
	// the working directory every time.
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("cannot scan %s: %w", root, err)
	}
	if !info.IsDir() {
		// A file named on the command line is scanned whatever the globs say.
		d.add(root, absRoot, info)
		return nil
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("cannot scan %s: %w", root, unwrapPathError(err))
	}
	if link, err := os.Lstat(root); err == nil && link.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a root that is a link to a directory;
		// named with a trailing separator, the directory is walked.
		root += string(filepath.Separator)
	}
	return filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			d.warn(path, "cannot read: %v", unwrapPathError(err))
			return nil
		}
		osRel, _ := filepath.Rel(root, path)
		rel := filepath.ToSlash(osRel)
		if entry.IsDir() {
			if path != root && (d.excluded(rel) || isCDKAssetDir(path, entry.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		abs := filepath.Join(absRoot, osRel)
		if !d.included(rel) {
			if d.opts.FindUnselected {
				d.probeUnselected(path, abs, rel, entry)
			}
			return nil
		}
		if d.excluded(rel) {
			return nil
		}
		switch mode := entry.Type(); {
		case mode&fs.ModeSymlink != 0:
			d.symlink(path, abs, realRoot)
		case mode.IsRegular():
			info, err := entry.Info()
			if err != nil {
				d.warn(path, "cannot read: %v", unwrapPathError(err))
				return nil
			}
			d.add(path, abs, info)
		default:
			d.warn(path, "skipped: not a regular file (%s)", describeMode(mode))
		}
		return nil
	})
}

// symlink adds the file a link points to when it stays inside the scan
// root; links to directories are not followed (their files inside the
// root are scanned where they are, and loops cannot arise).
func (d *discoverer) symlink(path, abs, realRoot string) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		if strings.Contains(err.Error(), "too many links") {
			d.warn(path, "skipped: symbolic link loop")
		} else {
			d.warn(path, "skipped: symbolic link cannot be resolved (%v)", unwrapPathError(err))
		}
		return
	}
	if rel, err := filepath.Rel(realRoot, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		d.warn(path, "skipped: symbolic link points outside the scan root")
		return
	}
	info, err := os.Stat(target)
	if err != nil {
		d.warn(path, "cannot read: %v", unwrapPathError(err))
		return
	}
	if info.IsDir() {
		return
	}
	d.add(path, abs, info)
}

// add adds the file at path, whose absolute path is abs.
func (d *discoverer) add(path, abs string, info fs.FileInfo) {
	if !info.Mode().IsRegular() {
		d.warn(path, "skipped: not a regular file (%s)", describeMode(info.Mode().Type()))
		return
	}
	if d.opts.MaxFileSize > 0 && info.Size() > d.opts.MaxFileSize {
		d.warn(path, "skipped: %s is larger than the %s limit (--max-file-size)", FormatSize(info.Size()), FormatSize(d.opts.MaxFileSize))
		return
	}
	name := d.displayAbs(abs)
	if name == path {
		name = path // one string for both, as for a scan path relative to the base
	}
	if d.seen != nil {
		if d.seen[name] {
			return
		}
		d.seen[name] = true
	}
	d.keep(candidate{path: path, name: name, limit: d.opts.MaxFileSize, assembly: d.assembly(filepath.Dir(abs))})
}

// keep adds c to the files to scan.
func (d *discoverer) keep(c candidate) {
	d.files = append(d.files, c)
	if d.found != nil {
		d.found(c)
	}
}

// assembly returns dir when it is a CDK cloud assembly: it holds a
// manifest.json.
func (d *discoverer) assembly(dir string) string {
	is, ok := d.assemblies[dir]
	if !ok {
		info, err := os.Lstat(filepath.Join(dir, "manifest.json"))
		is = err == nil && info.Mode().IsRegular()
		d.assemblies[dir] = is
	}
	if is {
		return dir
	}
	return ""
}

// addStdin adds standard input as one file, once however often "-" is
// given.
func (d *discoverer) addStdin() error {
	if d.opts.Stdin == nil {
		return errors.New("cannot scan -: no standard input")
	}
	if d.stdin {
		return nil
	}
	d.stdin = true
	name := "<stdin>"
	if d.opts.StdinName != "" {
		name = d.display(d.opts.StdinName)
	}
	d.keep(candidate{name: name, limit: d.opts.MaxFileSize, stdin: d.opts.Stdin})
	return nil
}

// isCDKAssetDir reports whether dir is an asset folder of a CDK cloud
// assembly (asset.<hash> beside the assembly's manifest.json): it holds the
// app's bundled code, never synthesized policies.
func isCDKAssetDir(dir, name string) bool {
	if !strings.HasPrefix(name, "asset.") {
		return false
	}
	_, err := os.Lstat(filepath.Join(filepath.Dir(dir), "manifest.json"))
	return err == nil
}

func (d *discoverer) included(rel string) bool { return matchAny(d.include, rel) }

// excluded also prunes directories: "**/node_modules/**" excludes the
// node_modules directory itself. No literal of a glob holds a slash, so
// rel+"/" is worth matching only where rel holds them all.
func (d *discoverer) excluded(rel string) bool {
	for _, g := range d.exclude {
		if g.mayMatch(rel) && (g.match(rel) || g.match(rel+"/")) {
			return true
		}
	}
	return false
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeDir != 0:
		return "directory"
	default:
		return m.String()
	}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
