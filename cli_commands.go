package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// command is a subcommand: a first argument that names one runs it
// instead of a scan.
type command struct {
	name    string
	args    string // what it takes, for the usage
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order the usage shows them. It is
// a function, not a variable, because help's run refers back to it.
func commands() []command {
	return []command{
		{"rules", "", "list the rules: id, name, severity, what each flags", runRules},
		{"explain", "RULE", "show a rule's help, with its fix in JSON, YAML and Terraform", runExplain},
		{"version", "", "print the version", runVersion},
		{"help", "", "show this help", runHelp},
		// Dispatched by run itself (see action.go); listed for the usage
		// and for "did you mean".
		{"action", "", "run as the GitHub Action: read the INPUT_* variables the runner sets", nil},
	}
}

func commandNamed(name string) *command {
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return &c
		}
	}
	return nil
}

// commandLike is a word that could be a mistyped subcommand rather than a
// path: letters, digits and dashes, starting with a letter.
var commandLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// mistypedCommand returns an error for a first argument that is no path
// and looks like a subcommand with a typo in it; nil for anything else,
// which is scanned as a path (and reported if it does not exist).
func mistypedCommand(arg string) error {
	if !commandLike.MatchString(arg) {
		return nil
	}
	if _, err := os.Lstat(arg); err == nil {
		return nil
	}
	names := make([]string, 0, len(commands()))
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if s := suggest(arg, names); s != "" {
		return fmt.Errorf("%q is not a command, file or directory: did you mean %q?", arg, s)
	}
	return nil
}

func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// usageError reports a command-line mistake once, with where to read more.
func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "ssm-guardrails: %v\nRun 'ssm-guardrails --help' for usage.\n", err)
	return exitError
}

// flagError rewords the flag package's error for a flag that does not
// exist, with the flag the user probably meant.
func flagError(fs *flag.FlagSet, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return err
	}
	name = strings.TrimPrefix(name, "-")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if s := suggest(name, names); s != "" {
		return fmt.Errorf("unknown flag --%s: did you mean --%s?", name, s)
	}
	return fmt.Errorf("unknown flag --%s", name)
}

// printUsage writes the help: the commands, what a scan reads, its flags
// and the exit status.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Finds IAM policies that allow ssm:SendCommand or ssm:StartSession on every instance.\n\nUsage:\n")
	fmt.Fprintf(w, "  %-40s%s\n", "ssm-guardrails [flags] [PATH ...]", "scan files and directories (default \".\")")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-40s%s\n", strings.TrimSpace("ssm-guardrails "+c.name+" "+c.args), c.summary)
	}
	fmt.Fprintf(w, "\nPATH is a file or a directory; \"-\" reads one file from standard input. Write a\n"+
		"path named like a command as ./NAME. Flags may come before, between or after the paths.\n\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if f.DefValue != "" && f.DefValue != "false" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace("--"+f.Name+" "+arg), usage)
	})
	fmt.Fprintf(w, "\nExit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or I/O error.\n")
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return usageError(stderr, errors.New("help takes no arguments"))
	}
	parseFlags([]string{"--help"}, stdout) // the flag set prints the usage
	return exitClean
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return usageError(stderr, errors.New("version takes no arguments"))
	}
	printVersion(stdout)
	return exitClean
}

// printVersion is the one place the version is printed, for the version
// command and --version.
func printVersion(w io.Writer) { fmt.Fprintln(w, "ssm-guardrails", version) }
