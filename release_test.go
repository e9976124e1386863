package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/ssm-guardrails/ssm-guardrails/scan"
)

// These tests hold the release together: the names and versions that
// action.yml, the workflows, .goreleaser.yaml, the Dockerfiles, the
// pre-commit hook and the README's install section give each other. The
// release workflow's own shell steps are run against throwaway git
// repositories, so what they push is checked, not just what they say.

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	On          map[string]any         `yaml:"on"`
	Permissions map[string]string      `yaml:"permissions"`
	Env         map[string]string      `yaml:"env"`
	Jobs        map[string]workflowJob `yaml:"jobs"`
}

type workflowJob struct {
	Needs       jobNeeds          `yaml:"needs"`
	Uses        string            `yaml:"uses"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Steps       []workflowStep    `yaml:"steps"`
}

type workflowStep struct {
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// jobNeeds is a job's needs: one job or a list of them.
type jobNeeds []string

func (s *jobNeeds) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = jobNeeds{n.Value}
		return nil
	}
	return n.Decode((*[]string)(s))
}

// goreleaserConfig is the part of .goreleaser.yaml these tests read.
type goreleaserConfig struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		NameTemplate    string   `yaml:"name_template"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
	SBOMs     []map[string]any `yaml:"sboms"`
	DockersV2 []struct {
		Dockerfile string            `yaml:"dockerfile"`
		Images     []string          `yaml:"images"`
		Tags       []string          `yaml:"tags"`
		Platforms  []string          `yaml:"platforms"`
		Labels     map[string]string `yaml:"labels"`
	} `yaml:"dockers_v2"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
	} `yaml:"release"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	var w workflow
	readYAML(t, filepath.Join(".github", "workflows", name), &w)
	return w
}

func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	var c goreleaserConfig
	readYAML(t, ".goreleaser.yaml", &c)
	return c
}

// modulePath is go.mod's module path, github.com/OWNER/REPO: the one name
// the repository, the image, go install and pre-commit all derive from.
func modulePath(t *testing.T) string {
	t.Helper()
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^module (github\.com/[^/\s]+/[^/\s]+)$`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod: no module github.com/OWNER/REPO")
	}
	return string(m[1])
}

// repoName is OWNER/REPO.
func repoName(t *testing.T) string {
	return strings.TrimPrefix(modulePath(t), "github.com/")
}

func imageName(t *testing.T) string {
	return "ghcr.io/" + repoName(t)
}

// TestActionDescription: the Marketplace refuses a description of 125
// characters or more.
func TestActionDescription(t *testing.T) {
	var meta struct {
		Description string `yaml:"description"`
	}
	readYAML(t, "action.yml", &meta)
	if n := len([]rune(meta.Description)); n == 0 || n >= 125 {
		t.Errorf("action.yml description has %d characters, want 1 to 124: %q", n, meta.Description)
	}
}

// TestReleaseImageName: the image GoReleaser pushes, the one the release
// commit names and the ones the README shows are the same.
func TestReleaseImageName(t *testing.T) {
	image := imageName(t)
	if got := readWorkflow(t, "release.yml").Env["IMAGE"]; got != image {
		t.Errorf("release.yml IMAGE %q, want %q", got, image)
	}
	cfg := readGoreleaser(t)
	if cfg.Release.GitHub.Owner+"/"+cfg.Release.GitHub.Name != repoName(t) {
		t.Errorf(".goreleaser.yaml releases to %s/%s, want %s", cfg.Release.GitHub.Owner, cfg.Release.GitHub.Name, repoName(t))
	}
	if len(cfg.DockersV2) != 1 {
		t.Fatalf(".goreleaser.yaml has %d dockers_v2 entries, want 1", len(cfg.DockersV2))
	}
	d := cfg.DockersV2[0]
	if !slices.Equal(d.Images, []string{image}) {
		t.Errorf("dockers_v2 images %v, want [%s]", d.Images, image)
	}
	// The release commit's action.yml names v<version>: it must be pushed.
	if !slices.Contains(d.Tags, "v{{ .Version }}") {
		t.Errorf("dockers_v2 tags %v lack v{{ .Version }}", d.Tags)
	}
	if !slices.Equal(d.Platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("dockers_v2 platforms %v, want linux/amd64 and linux/arm64", d.Platforms)
	}
	if got, want := d.Labels["org.opencontainers.image.source"], "https://"+modulePath(t); got != want {
		t.Errorf("image source label %q, want %q (it links the package to the repository)", got, want)
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`ghcr\.io/[\w./-]+(:[\w.-]+)?`).FindAllString(string(readme), -1)
	if len(refs) == 0 {
		t.Error("README.md names no image")
	}
	for _, ref := range refs {
		if !strings.HasPrefix(ref, image+":v") {
			t.Errorf("README.md names the image %s, want %s:vN", ref, image)
		}
	}
}

// TestReleaseBuilds: six static binaries with the release version, named
// as go install names the command.
func TestReleaseBuilds(t *testing.T) {
	cfg := readGoreleaser(t)
	if len(cfg.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml has %d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	if want := filepath.Base(modulePath(t)); b.Binary != want || cfg.ProjectName != want {
		t.Errorf("binary %q, project %q, want %q", b.Binary, cfg.ProjectName, want)
	}
	if !slices.Equal(b.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("builds for %v x %v, want linux, darwin, windows x amd64, arm64", b.Goos, b.Goarch)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("env %v, flags %v: want CGO_ENABLED=0 and -trimpath", b.Env, b.Flags)
	}
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{ .Version }}") {
		t.Errorf("ldflags %v do not set main.version", b.Ldflags)
	}
	if len(cfg.SBOMs) == 0 {
		t.Error("no sboms")
	}
}

// TestReleaseDockerfile: the released image is the Dockerfile's final
// stage with GoReleaser's binary in it.
func TestReleaseDockerfile(t *testing.T) {
	cfg := readGoreleaser(t)
	if len(cfg.DockersV2) != 1 {
		t.Fatalf(".goreleaser.yaml has %d dockers_v2 entries, want 1", len(cfg.DockersV2))
	}
	release := readDockerfile(t, cfg.DockersV2[0].Dockerfile)
	source := readDockerfile(t, "Dockerfile")
	instr := func(stage []dockerInstr, op string) []string {
		var args []string
		for _, in := range stage {
			if in.op == op {
				args = append(args, in.args)
			}
		}
		return args
	}
	final, sourceFinal := release[len(release)-1], source[len(source)-1]
	if got, want := instr(final, "ENTRYPOINT"), instr(sourceFinal, "ENTRYPOINT"); !slices.Equal(got, want) {
		t.Errorf("ENTRYPOINT %v, want the Dockerfile's %v", got, want)
	}
	if got, want := instr(final, "FROM"), instr(sourceFinal, "FROM"); !slices.Equal(got, want) {
		t.Errorf("final stage FROM %v, want the Dockerfile's %v", got, want)
	}
	for _, op := range []string{"USER", "WORKDIR", "RUN"} {
		if args := instr(final, op); len(args) > 0 {
			t.Errorf("final stage has %s %v", op, args)
		}
	}
	// The certificates come from the image the Dockerfile builds with.
	certs := strings.TrimPrefix(instr(release[0], "FROM")[0], "--platform=$BUILDPLATFORM ")
	if build := instr(source[0], "FROM")[0]; strings.Fields(certs)[0] != strings.Fields(build)[0] {
		t.Errorf("certificates from %s, want the Dockerfile's %s", certs, build)
	}
	copies := strings.Join(instr(final, "COPY"), "\n")
	for _, want := range []string{
		"/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
		"${TARGETPLATFORM}/" + cfg.Builds[0].Binary + " /" + cfg.Builds[0].Binary,
	} {
		if !strings.Contains(copies, want) {
			t.Errorf("final stage does not COPY %s:\n%s", want, copies)
		}
	}
}

// TestWorkflowsPinActions: every action is pinned to a full commit SHA
// with its version in a comment, the same pin everywhere.
func TestWorkflowsPinActions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	line := regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(\S+))?\s*$`)
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	version := regexp.MustCompile(`^v\d+(\.\d+){0,2}$`)
	pins := map[string]string{} // action -> "sha # version"
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(data), "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil || strings.HasPrefix(m[1], "./") {
				continue
			}
			if !pinned.MatchString(m[1]) || !version.MatchString(m[2]) {
				t.Errorf("%s:%d: %s: want OWNER/REPO@<40-hex SHA> # vX.Y.Z", file, i+1, strings.TrimSpace(l))
				continue
			}
			action, sha, _ := strings.Cut(m[1], "@")
			if prev, ok := pins[action]; ok && prev != sha+" "+m[2] {
				t.Errorf("%s:%d: %s pinned to %s here and %s elsewhere", file, i+1, action, sha+" "+m[2], prev)
			}
			pins[action] = sha + " " + m[2]
		}
	}
}

// TestReleaseNeedsTests: the release runs all of ci.yml first, and no job
// that can write anything runs unless it passed.
func TestReleaseNeedsTests(t *testing.T) {
	ci := readWorkflow(t, "ci.yml")
	for _, event := range []string{"push", "pull_request", "workflow_call"} {
		if _, ok := ci.On[event]; !ok {
			t.Errorf("ci.yml does not run on %s", event)
		}
	}
	if !mapsEqual(ci.Permissions, map[string]string{"contents": "read"}) {
		t.Errorf("ci.yml permissions %v, want contents: read", ci.Permissions)
	}
	for name, job := range ci.Jobs {
		if job.Permissions != nil {
			t.Errorf("ci.yml job %s sets permissions %v", name, job.Permissions)
		}
	}

	rel := readWorkflow(t, "release.yml")
	if len(rel.Permissions) != 0 {
		t.Errorf("release.yml grants %v to every job, want permissions: {}", rel.Permissions)
	}
	test, ok := rel.Jobs["test"]
	if !ok || test.Uses != "./.github/workflows/ci.yml" {
		t.Fatalf("release.yml's test job is %+v, want uses: ./.github/workflows/ci.yml", test)
	}
	var after func(name string, seen map[string]bool) bool
	after = func(name string, seen map[string]bool) bool {
		if seen[name] {
			return false
		}
		seen[name] = true
		return slices.ContainsFunc(rel.Jobs[name].Needs, func(n string) bool { return n == "test" || after(n, seen) })
	}
	writers := 0
	for name, job := range rel.Jobs {
		for scope, access := range job.Permissions {
			if access == "write" {
				writers++
				if !after(name, map[string]bool{}) {
					t.Errorf("release.yml job %s may write %s without needing test", name, scope)
				}
			}
		}
	}
	if writers == 0 {
		t.Error("release.yml has no job that writes anything: what publishes?")
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCISARIFSchema: CI downloads the schema the shared directory holds.
func TestCISARIFSchema(t *testing.T) {
	shared := filepath.Join("..", "shared", "schemas", "sarif-schema-2.1.0.json")
	data, err := os.ReadFile(shared)
	if err != nil {
		t.Skipf("no %s to compare with: %v", shared, err)
	}
	sum := sha256.Sum256(data)
	env := readWorkflow(t, "ci.yml").Jobs["test"].Env
	if got, want := env["SCHEMA_SHA256"], hex.EncodeToString(sum[:]); got != want {
		t.Errorf("ci.yml SCHEMA_SHA256 %s, want %s, the hash of %s", got, want, shared)
	}
	if sources, err := os.ReadFile(filepath.Join(filepath.Dir(shared), "SOURCES")); err == nil {
		commit := regexp.MustCompile(`\b[0-9a-f]{40}\b`).FindString(string(sources))
		if commit == "" || !strings.Contains(env["SCHEMA_URL"], commit) {
			t.Errorf("ci.yml SCHEMA_URL %s is not at the commit SOURCES names (%q)", env["SCHEMA_URL"], commit)
		}
	}
}

// runStep runs a run: step of release.yml as the runner does (bash -e -o
// pipefail), in dir, with the workflow's env, then the step's, then vars.
// Git reads no configuration but the repository's.
func runStep(t *testing.T, job, id, dir string, vars map[string]string) ([]byte, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	w := readWorkflow(t, "release.yml")
	var step *workflowStep
	for i, s := range w.Jobs[job].Steps {
		if s.ID == id {
			step = &w.Jobs[job].Steps[i]
		}
	}
	if step == nil || step.Run == "" {
		t.Fatalf("release.yml has no run: step %s in job %s", id, job)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	for _, m := range []map[string]string{w.Env, step.Env, vars} {
		for k, v := range m {
			if !strings.Contains(v, "${{") {
				env = append(env, k+"="+v)
			}
		}
	}
	cmd := exec.Command(bash, "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.Run)
	cmd.Dir, cmd.Env = dir, env
	return cmd.CombinedOutput()
}

// TestReleaseVersionCheck runs the check job's step on versions.
func TestReleaseVersionCheck(t *testing.T) {
	tests := []struct {
		version, ref string
		ok           bool
	}{
		{"1.2.3", "refs/heads/main", true},
		{"0.1.0", "refs/heads/main", true},
		{"1.3.0-rc.1", "refs/heads/main", true},
		{"v1.2.3", "refs/heads/main", false},
		{"1.2", "refs/heads/main", false},
		{"01.2.3", "refs/heads/main", false},
		{"1.2.3+build.5", "refs/heads/main", false},
		{"1.2.3; touch pwned", "refs/heads/main", false},
		{"1.2.3", "refs/heads/feature", false},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		out, err := runStep(t, "check", "request", dir, map[string]string{"VERSION": tt.version, "REF": tt.ref})
		if (err == nil) != tt.ok {
			t.Errorf("version %q on %s: error %v, want ok=%v\n%s", tt.version, tt.ref, err, tt.ok, out)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("version %q wrote %v", tt.version, entries)
		}
	}
}

// TestReleaseCommit runs the tag job's step against a repository with a
// stand-in origin: the tag, and only the tag, gets an action.yml that runs
// the released image; then the promote job's step moves the major tag.
func TestReleaseCommit(t *testing.T) {
	root := t.TempDir()
	origin, work := filepath.Join(root, "origin.git"), filepath.Join(root, "work")
	action, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.invalid", "GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.invalid")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	git(root, "init", "-q", "--bare", origin)
	git(root, "init", "-q", work)
	if err := os.WriteFile(filepath.Join(work, "action.yml"), action, 0o644); err != nil {
		t.Fatal(err)
	}
	git(work, "add", "action.yml")
	git(work, "commit", "-q", "-m", "tested")
	git(work, "remote", "add", "origin", origin)
	git(work, "push", "-q", "origin", "HEAD:refs/heads/main")
	tested := git(work, "rev-parse", "HEAD")

	if out, err := runStep(t, "tag", "release-commit", work, map[string]string{"VERSION": "1.2.3"}); err != nil {
		t.Fatalf("release commit: %v\n%s", err, out)
	}
	if got := git(origin, "rev-parse", "main"); got != tested {
		t.Errorf("origin's main moved to %s", got)
	}
	if got := git(origin, "rev-parse", "v1.2.3^{commit}^"); got != tested {
		t.Errorf("the release commit's parent is %s, want the tested commit %s", got, tested)
	}
	if got := git(origin, "show", "main:action.yml"); got != strings.TrimSpace(string(action)) {
		t.Error("action.yml changed on main")
	}
	released := git(origin, "show", "v1.2.3:action.yml")
	wantImage := "docker://" + imageName(t) + ":v1.2.3"
	var meta actionMeta
	if err := yaml.Unmarshal([]byte(released), &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Runs.Using != "docker" || meta.Runs.Image != wantImage {
		t.Errorf("released runs: using %q, image %q; want docker, %q", meta.Runs.Using, meta.Runs.Image, wantImage)
	}
	// Everything else, inputs and outputs included, is main's, line for line.
	before, after := strings.Split(strings.TrimSpace(string(action)), "\n"), strings.Split(released, "\n")
	if len(before) != len(after) {
		t.Fatalf("released action.yml has %d lines, main's %d", len(after), len(before))
	}
	for i := range before {
		if before[i] != after[i] && !(before[i] == "  image: Dockerfile" && after[i] == "  image: "+wantImage) {
			t.Errorf("line %d: %q became %q", i+1, before[i], after[i])
		}
	}

	// The promote job checks the tag out and moves v1 to it.
	clone := filepath.Join(root, "clone")
	git(root, "clone", "-q", "--branch", "v1.2.3", origin, clone)
	if out, err := runStep(t, "promote", "move-major", clone, map[string]string{"VERSION": "1.2.3"}); err != nil {
		t.Fatalf("move major: %v\n%s", err, out)
	}
	if got, want := git(origin, "rev-parse", "v1^{commit}"), git(origin, "rev-parse", "v1.2.3^{commit}"); got != want {
		t.Errorf("v1 is at %s, want the release commit %s", got, want)
	}
	// Releasing the same version again is refused by origin: tags do not move.
	released123 := git(origin, "rev-parse", "v1.2.3")
	git(work, "checkout", "-q", tested)
	git(work, "tag", "-d", "v1.2.3")
	// A later date: the same second would make the same commit and tag.
	later := map[string]string{"VERSION": "1.2.3", "GIT_AUTHOR_DATE": "2030-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2030-01-02T03:04:05Z"}
	if out, err := runStep(t, "tag", "release-commit", work, later); err == nil {
		t.Errorf("releasing 1.2.3 twice succeeded:\n%s", out)
	}
	if got := git(origin, "rev-parse", "v1.2.3"); got != released123 {
		t.Errorf("v1.2.3 moved from %s to %s", released123, got)
	}
}

// TestREADMEInstall: the install section's commands name what the release
// makes: the module, the archives and checksums file GoReleaser names, the
// repository, the hook, the action and the image.
func TestREADMEInstall(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Install\n")
	if !ok {
		t.Fatal("README.md has no ## Install section")
	}
	section, _, _ = strings.Cut(section, "\n## ")

	cfg := readGoreleaser(t)
	render := func(tmpl, goos string) string {
		t.Helper()
		var b strings.Builder
		err := template.Must(template.New("").Parse(tmpl)).Execute(&b, map[string]string{
			"ProjectName": cfg.ProjectName, "Version": "${VERSION}", "Os": goos, "Arch": "amd64"})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	archive := cfg.Archives[0]
	want := []string{
		"go install " + modulePath(t) + "@latest",
		"https://" + modulePath(t) + "/releases/download/v$VERSION",
		render(archive.NameTemplate, "linux") + "." + archive.Formats[0],
		render(cfg.Checksum.NameTemplate, "linux"),
		"--ignore-missing -c",
		"gh attestation verify",
		"uses: " + repoName(t) + "@v",
		imageName(t) + ":v",
		"Linux runners only",
	}
	for _, o := range archive.FormatOverrides {
		want = append(want, "windows_amd64."+o.Formats[0])
	}
	for _, w := range want {
		if !strings.Contains(section, w) {
			t.Errorf("the install section lacks %q", w)
		}
	}

	var hooks []struct {
		ID string `yaml:"id"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	var config struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Hooks []struct {
				ID string `yaml:"id"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	for _, block := range yamlBlocks(section) {
		if strings.Contains(block, "repos:") {
			if err := yaml.Unmarshal([]byte(block), &config); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(config.Repos) != 1 || config.Repos[0].Repo != "https://"+modulePath(t) || len(config.Repos[0].Hooks) != 1 ||
		len(hooks) != 1 || config.Repos[0].Hooks[0].ID != hooks[0].ID {
		t.Errorf("the pre-commit example %+v does not use the hook %+v of https://%s", config, hooks, modulePath(t))
	}
}

// yamlBlocks returns the ```yaml blocks of a Markdown text.
func yamlBlocks(md string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(md, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestREADMEActionInputs: every step in the README that runs the action
// or its image passes only inputs action.yml declares; a docker:// step,
// which reads no action.yml, passes args: action and the token.
func TestREADMEActionInputs(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	inputs := readActionMeta(t).Inputs
	image, action := "docker://"+imageName(t)+":", repoName(t)+"@"
	steps := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			uses, _ := v["uses"].(string)
			with, _ := v["with"].(map[string]any)
			switch {
			case strings.HasPrefix(uses, action):
				steps++
				for name := range with {
					if _, ok := inputs[name]; !ok {
						t.Errorf("README: %s with unknown input %s", uses, name)
					}
				}
			case strings.HasPrefix(uses, image):
				steps++
				for name := range with {
					if _, ok := inputs[name]; !ok && name != "args" {
						t.Errorf("README: %s with unknown input %s", uses, name)
					}
				}
				if with["args"] != "action" || with["token"] == nil {
					t.Errorf("README: %s needs args: action and a token, has %v", uses, with)
				}
			}
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, block := range yamlBlocks(string(readme)) {
		var v any
		if err := yaml.Unmarshal([]byte(block), &v); err != nil {
			t.Errorf("README yaml block does not parse: %v\n%s", err, block)
			continue
		}
		walk(v)
	}
	if steps == 0 {
		t.Error("README has no step that uses the action")
	}
}

// TestPreCommitHook: the hook installs the command go install builds and
// passes it the files the scanner reads by default, and Terraform's.
func TestPreCommitHook(t *testing.T) {
	var hooks []struct {
		ID            string `yaml:"id"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.Language != "golang" || h.Entry != filepath.Base(modulePath(t)) {
		t.Errorf("language %q, entry %q; want golang and the binary go install makes, %s", h.Language, h.Entry, filepath.Base(modulePath(t)))
	}
	if h.PassFilenames != nil && !*h.PassFilenames {
		t.Error("pass_filenames is false: the hook would scan the whole tree on every commit")
	}
	files := regexp.MustCompile(h.Files)
	var match []string
	for _, glob := range scan.DefaultInclude {
		match = append(match, "dir/policy"+strings.TrimPrefix(glob, "**/*"))
	}
	match = append(match, "main.tf", "infra/main.tf.json", "config.hcl")
	for _, name := range match {
		if !files.MatchString(name) {
			t.Errorf("files %q does not match %s", h.Files, name)
		}
	}
	for _, name := range []string{"main.go", "README.md", "policy.json.bak", "template.go"} {
		if files.MatchString(name) {
			t.Errorf("files %q matches %s", h.Files, name)
		}
	}
}
