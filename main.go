// Command ssm-guardrails finds AWS IAM policies that let a principal run
// commands or open sessions as root on every instance through Systems
// Manager, and reports each at the statement that grants it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
	"github.com/ssm-guardrails/ssm-guardrails/internal/rules"
	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/report"
	"github.com/ssm-guardrails/ssm-guardrails/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// Exit codes.
const (
	exitClean    = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitError    = 2 // usage or I/O error
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// A scan builds a tree for each file, judges it and drops it: it
// allocates several bytes for every byte it parses and keeps almost none.
// At the default GOGC=100 the heap goal stays at a few megabytes and the
// collector runs so often that on two cores it costs more than the scan
// (docs/performance.md has the figures). The binary gives it room, with a
// soft limit that keeps a tree of large files near 160 MiB; a user who
// sets GOGC or GOMEMLIMIT keeps their setting.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}

// settings is everything one run needs, from flags or action inputs.
type settings struct {
	scan     scan.Options
	format   string
	output   string
	sarif    string
	category string
	failOn   rules.Severity
	config   string // exemptions config; "" means the default file, if any
	// configRoot, when set, is the directory the config must be inside
	// once links are resolved (action mode: the workspace).
	configRoot      string
	sarifSuppressed bool // also write exempted findings into the SARIF

	// What only a CLI run has; action mode leaves these unset.
	findConfig bool       // with no config named, look for one from the first path up (cli_config.go)
	style      *textStyle // how text output looks (cli_color.go)
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "action" {
		return runAction(args[1:], os.Getenv, stdout, stderr)
	}
	if len(args) > 0 {
		if cmd := commandNamed(args[0]); cmd != nil {
			if slices.ContainsFunc(args[1:], isHelpFlag) {
				return runHelp(nil, stdout, stderr)
			}
			return cmd.run(args[1:], stdout, stderr)
		}
		if err := mistypedCommand(args[0]); err != nil {
			return usageError(stderr, err)
		}
	}
	st, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitClean
	}
	if errors.Is(err, errVersion) {
		printVersion(stdout)
		return exitClean
	}
	if err != nil {
		return usageError(stderr, err)
	}
	st.scan.Stdin = os.Stdin
	st.style.noColor = os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	return execute(st, stdout, stderr)
}

var errVersion = errors.New("version requested")

// parseFlags reads the command line. With -h or --help it writes the
// usage to help and returns flag.ErrHelp; any other error is returned
// unprinted, for run to report once.
func parseFlags(args []string, help io.Writer) (settings, error) {
	var (
		st               = settings{findConfig: true, style: &textStyle{}}
		include, exclude stringList
		failOn, maxSize  string
		showVersion      bool
	)
	fs := flag.NewFlagSet("ssm-guardrails", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&st.format, "format", "text", "output `FORMAT`: text, json, sarif or github (workflow annotation commands)")
	fs.StringVar(&st.output, "output", "", "write the output to `FILE` instead of standard output")
	fs.StringVar(&st.sarif, "sarif", "", "also write SARIF to `FILE`, whatever --format is")
	fs.Var(&include, "include", "scan files matching `GLOB` (repeatable; default "+strings.Join(scan.DefaultInclude, " ")+")")
	fs.Var(&exclude, "exclude", "skip files matching `GLOB` (repeatable; default "+strings.Join(scan.DefaultExclude, " ")+")")
	fs.StringVar(&st.category, "category", "", "SARIF category: runAutomationDetails.id is `NAME`/ (default none: upload-sarif's category input applies)")
	fs.StringVar(&st.config, "config", "", "exemptions config `FILE` (default: the first "+strings.Join(exempt.ConfigFileNames, " or ")+
		" from the first PATH up to the repository root, else in the working directory)")
	fs.BoolVar(&st.sarifSuppressed, "sarif-suppressed", false, "also write exempted findings into the SARIF, with suppressions")
	fs.StringVar(&maxSize, "max-file-size", scan.FormatSize(scan.DefaultMaxFileSize), "skip files larger than `SIZE` with a warning")
	fs.StringVar(&failOn, "fail-on", "high", "exit 1 on findings at or above `LEVEL`: critical, high, medium, low or none")
	fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	fs.StringVar(&st.scan.StdinName, "stdin-name", "", "show the file read from standard input (PATH \"-\") as `NAME` (default <stdin>)")
	fs.StringVar(&st.style.color, "color", "auto", "colour the text output: `WHEN` auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.BoolVar(&st.style.quiet, "quiet", false, "text output: print the findings only")

	// Flags may come before, between or after the paths.
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(help, fs)
			}
			return st, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		st.scan.Paths = append(st.scan.Paths, args[0])
		args = args[1:]
	}
	if showVersion {
		return st, errVersion
	}
	if st.scan.StdinName != "" && !slices.Contains(st.scan.Paths, "-") {
		return st, errors.New(`--stdin-name names standard input: give "-" as a PATH`)
	}
	switch st.format {
	case "text", "json", "sarif", "github":
	default:
		return st, fmt.Errorf("unknown --format %q: use text, json, sarif or github", st.format)
	}
	if err := checkColor(st.style.color); err != nil {
		return st, err
	}
	var err error
	if st.failOn, err = rules.ParseFailOn(failOn); err != nil {
		return st, fmt.Errorf("--fail-on: %w", err)
	}
	if st.scan.MaxFileSize, err = scan.ParseSize(maxSize); err != nil {
		return st, fmt.Errorf("--max-file-size: %w", err)
	}
	if include != nil {
		st.scan.Include = include
	}
	if exclude != nil {
		st.scan.Exclude = exclude
	}
	return st, nil
}

// execute scans and writes every requested output.
func execute(st settings, stdout, stderr io.Writer) int {
	text := st.textOptions(stdout)
	st.scan.Excerpts = st.format == "text" && text.Terminal
	st.scan.FindUnselected = st.format == "text" && st.style != nil && !text.Quiet
	// Errors may quote the scanned files or the config (a workflow's run
	// step shows them in its log): they are neutralised as the action's are.
	fail := func(err error) int {
		fmt.Fprintln(stderr, "ssm-guardrails:", safetext.Log(err.Error()))
		return exitError
	}
	rep, _, err := scanReport(st, st.format == "sarif" || st.sarif != "")
	if err != nil {
		return fail(err)
	}
	sarifOpts := sarif.Options{Version: version, Category: st.category, Suppressed: st.sarifSuppressed}
	if st.sarif != "" {
		if err := writeFile(st.sarif, func(w io.Writer) error { return sarif.Write(w, rep, sarifOpts) }); err != nil {
			return fail(err)
		}
	}
	// Text that is not for a terminal (which escapes for itself) may be a
	// workflow log: repository text in it must not act as a command.
	textReport := rep
	if !text.Terminal {
		textReport = report.ForLog(rep)
	}
	write := func(w io.Writer) error {
		switch st.format {
		case "json":
			return report.JSON(w, rep, st.failOn)
		case "sarif":
			return sarif.Write(w, rep, sarifOpts)
		case "github":
			return report.Annotations(w, rep, report.GitHubLimits)
		default:
			return report.Text(w, textReport, text)
		}
	}
	if st.output != "" {
		err = writeFile(st.output, write)
	} else {
		err = write(stdout)
	}
	if err != nil {
		return fail(err)
	}
	return findingsCode(rep, st.failOn)
}

// scanReport loads the exemptions config and scans with it; forSARIF
// asks for the fingerprints SARIF carries.
func scanReport(st settings, forSARIF bool) (*scan.Report, *exempt.Config, error) {
	if forSARIF {
		st.scan.LineHashes = sarif.LineHashes
	}
	cfg, err := st.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	st.scan.Config = cfg
	rep, err := scan.Run(st.scan)
	return rep, cfg, err
}

// findingsCode is the exit code the findings give.
func findingsCode(rep *scan.Report, failOn rules.Severity) int {
	if report.Failing(rep, failOn) > 0 {
		return exitFindings
	}
	return exitClean
}

// loadConfig reads the exemptions config: the one named, which must
// exist, or else .ssm-guardrails.yml in the base directory, if any; inside
// root, when root is set. Its path is shown relative to the base
// directory, like every other path, and its files globs are relative to
// its own directory.
func loadConfig(named, base, root string) (*exempt.Config, error) {
	if base == "" {
		base = "."
	}
	path, required := named, true
	if path == "" {
		path, required = filepath.Join(base, exempt.DefaultConfigFile), false
	}
	cfg, err := exempt.LoadConfig(root, path, required)
	if cfg != nil {
		absBase, errBase := filepath.Abs(base)
		absPath, errPath := filepath.Abs(path)
		if errBase == nil && errPath == nil {
			cfg.Dir, cfg.Base = filepath.Dir(absPath), absBase
		}
		if rel, errRel := filepath.Rel(absBase, absPath); errBase == nil && errPath == nil && errRel == nil {
			cfg.Path = filepath.ToSlash(rel)
		}
	}
	return cfg, err
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
