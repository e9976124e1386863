package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// The acceptance tests of the action on untrusted pull requests (#15),
// each run as the runner runs the action.

// checkout makes the workspace a git checkout: commit "base" with the
// files, then a "head" commit on branch pr; it leaves head checked out and
// returns both commits.
func checkout(t *testing.T, ws string) (base, head string) {
	t.Helper()
	base = testkit.GitCommitAll(t, ws, "base")
	testkit.Git(t, ws, "checkout", "-q", "-b", "pr")
	head = testkit.GitCommitAll(t, ws, "head")
	return base, head
}

// uploaded is the ref and commit of the one upload api received.
func uploaded(t *testing.T, api *testkit.FakeGitHub) (ref, sha string) {
	t.Helper()
	posts := api.Requests("POST")
	if len(posts) != 1 {
		t.Fatalf("%d uploads, want 1", len(posts))
	}
	body, _ := decodeUpload(t, posts[0])
	return body["ref"], body["commit_sha"]
}

func TestActionFilesResultsUnderTheAnalysedCommit(t *testing.T) {
	const (
		pr    = "refs/pull/42/head"
		merge = "refs/pull/42/merge"
		main  = "refs/heads/main"
	)
	for _, tt := range []struct {
		name    string
		event   string
		ref     string // GITHUB_REF
		sha     string // GITHUB_SHA: "base", "head", or a commit id
		git     string // "head" checked out, "worktree" (head, in a linked worktree), "merge-v1" (checkout@v1's merge ref), "none"
		inputs  map[string]string
		wantRef string
		wantSHA string // "base", "head" or a commit id
	}{
		{"pull_request, merge commit checked out", "pull_request", merge, "head", "head", nil, merge, "head"},
		{"pull_request, head checked out", "pull_request", merge, testSHA, "head", nil, pr, "head"},
		{"pull_request, head checked out in a worktree", "pull_request", merge, testSHA, "worktree", nil, pr, "head"},
		{"pull_request, merge ref checked out by checkout@v1", "pull_request", merge, testSHA, "merge-v1", nil, merge, "head"},
		{"pull_request, no .git", "pull_request", merge, testSHA, "none", nil, merge, testSHA},
		{"pull_request_target, base checked out", "pull_request_target", main, "head", "head", nil, main, "head"},
		{"pull_request_target, head checked out", "pull_request_target", main, testSHA, "head", nil, pr, "head"},
		{"push", "push", main, testSHA, "head", nil, main, "head"},
		{"inputs ref and sha", "pull_request_target", main, testSHA, "head",
			map[string]string{"ref": "refs/heads/release", "sha": testHeadSHA}, "refs/heads/release", testHeadSHA},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var commits = map[string]string{}
			c := actionCase{
				files:  map[string]string{"policies/deploy.json": criticalPolicy},
				inputs: map[string]string{"wait-for-processing": "false"},
				prepare: func(t *testing.T, ws string) {
					if tt.git == "none" {
						return
					}
					commits["base"], commits["head"] = checkout(t, ws)
					switch tt.git {
					case "worktree":
						// The workspace's .git becomes a "gitdir:" file
						// that points into a repository elsewhere, as a
						// linked worktree's does.
						dir := t.TempDir()
						testkit.Git(t, dir, "clone", "-q", ws, "main")
						testkit.Git(t, filepath.Join(dir, "main"), "worktree", "add", "-q", "-b", "prwt", filepath.Join(dir, "wt"), commits["head"])
						link, err := os.ReadFile(filepath.Join(dir, "wt", ".git"))
						if err != nil || !strings.HasPrefix(string(link), "gitdir: ") {
							t.Fatalf("worktree .git: %q, %v", link, err)
						}
						os.RemoveAll(filepath.Join(ws, ".git"))
						os.WriteFile(filepath.Join(ws, ".git"), link, 0o644)
					case "merge-v1":
						testkit.Git(t, ws, "update-ref", "refs/remotes/pull/42/merge", "HEAD")
					}
				},
			}
			for k, v := range tt.inputs {
				c.inputs[k] = v
			}
			c.env = map[string]string{"GITHUB_EVENT_NAME": tt.event, "GITHUB_REF": tt.ref}
			api := codeScanning(complete, accepted)
			// GITHUB_SHA may name a commit the checkout makes: set it once the commits are known.
			prepare := c.prepare
			c.prepare = func(t *testing.T, ws string) {
				prepare(t, ws)
				if id, ok := commits[tt.sha]; ok {
					c.env["GITHUB_SHA"] = id
				} else {
					c.env["GITHUB_SHA"] = tt.sha
				}
			}
			res := runCase(t, c, api)
			if res.code != exitFindings {
				t.Fatalf("exit %d\n%s", res.code, res.stdout)
			}
			ref, sha := uploaded(t, api)
			wantSHA := cmpOrMap(commits, tt.wantSHA)
			if ref != tt.wantRef || sha != wantSHA {
				t.Errorf("filed under %s at %s, want %s at %s\n%s", ref, sha, tt.wantRef, wantSHA, res.stdout)
			}
			// The summary links the analysed commit's files.
			if !strings.Contains(res.summary, "/blob/"+wantSHA+"/policies/deploy.json#L4-L9") {
				t.Errorf("summary links another commit:\n%s", res.summary)
			}
		})
	}
}

func cmpOrMap(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// findingOutputs checks what every run that scanned findingFiles must
// leave whatever else failed: the annotations, the summary, the outputs.
func checkReportsWritten(t *testing.T, res actionResult) {
	t.Helper()
	anns := annotations(res)
	if !slices.ContainsFunc(anns, func(a string) bool {
		return strings.HasPrefix(a, "::error endLine=9,file=policies/deploy.json,line=4,")
	}) {
		t.Errorf("annotations %q", anns)
	}
	if !strings.Contains(res.summary, "## :x: ssm-guardrails: failed") || !strings.Contains(res.summary, "policies/deploy.json:4") {
		t.Errorf("summary:\n%s", res.summary)
	}
	if res.outputs["findings"] != "2" || res.outputs["sarif-file"] == "" {
		t.Errorf("outputs %v", res.outputs)
	}
}

// errorAnnotation is the message of the first error annotation titled title.
func errorAnnotation(res actionResult, title string) string {
	for _, c := range res.commands {
		if c.Name == "error" && c.Props["title"] == title {
			return c.Data
		}
	}
	return ""
}

func TestActionSkipsOnlyTheUploadWhenItCannotTellWhere(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no GITHUB_REF", map[string]string{"GITHUB_REF": ""}, "GITHUB_REF is not set"},
		{"pull_request_target without a readable checkout", map[string]string{"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_REF": "refs/heads/main"},
			"on pull_request_target the checked-out commit decides whether the results belong to the base branch"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := codeScanning(complete, accepted)
			res := runCase(t, actionCase{files: findingFiles, env: tt.env}, api)
			if res.code != exitError {
				t.Fatalf("exit %d, want %d", res.code, exitError)
			}
			if msg := errorAnnotation(res, "Code scanning upload skipped"); !strings.Contains(msg, tt.want) || !strings.Contains(msg, "set the inputs ref and sha") {
				t.Errorf("error %q", msg)
			}
			if len(api.Requests("POST")) != 0 {
				t.Error("uploaded anyway")
			}
			checkReportsWritten(t, res)
			if _, err := os.Stat(filepath.Join(res.workspace, "ssm-guardrails.sarif")); err != nil {
				t.Error("SARIF file not written:", err)
			}
			if !strings.Contains(res.summary, "**Code scanning:** upload skipped: "+safetext.Markdown(tt.want)) {
				t.Errorf("summary does not say why:\n%s", res.summary)
			}
		})
	}
	t.Run("ref without sha", func(t *testing.T) {
		res := runCase(t, actionCase{files: findingFiles, inputs: map[string]string{"ref": "refs/heads/main"}}, new(testkit.FakeGitHub))
		if res.code != exitError || !strings.Contains(res.stdout, "::error::inputs ref and sha: give both or neither") {
			t.Errorf("exit %d\n%s", res.code, res.stdout)
		}
	})
}

func TestActionNeverWritesThroughLinks(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	os.WriteFile(victim, []byte("precious\n"), 0o644)
	link := func(name, target string) func(t *testing.T, ws string) {
		return func(t *testing.T, ws string) {
			if err := os.Symlink(target, filepath.Join(ws, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("a committed link at the SARIF file's path is replaced", func(t *testing.T) {
		res := runCase(t, actionCase{files: findingFiles, inputs: map[string]string{"upload": "false"}, prepare: link("ssm-guardrails.sarif", victim)}, new(testkit.FakeGitHub))
		if res.code != exitFindings {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		if data, _ := os.ReadFile(victim); string(data) != "precious\n" {
			t.Errorf("the link's target was written: %.80q", data)
		}
		info, err := os.Lstat(filepath.Join(res.workspace, "ssm-guardrails.sarif"))
		if err != nil || !info.Mode().IsRegular() {
			t.Fatalf("SARIF file %v, %v", info, err)
		}
		checkReportsWritten(t, res)
	})
	for _, tt := range []struct {
		name    string
		inputs  map[string]string
		prepare func(t *testing.T, ws string)
		want    string
	}{
		{"paths through a link", map[string]string{"paths": "policies\nelsewhere"}, link("elsewhere", outside),
			`input paths: "elsewhere" leads outside the workspace through a symbolic link`},
		{"paths absolute", map[string]string{"paths": outside}, nil, `input paths: "` + outside + `" is absolute`},
		{"paths with ..", map[string]string{"paths": "../x"}, nil, `input paths: "../x" leads out of the workspace with ..`},
		{"config through a link", map[string]string{"config": "cfg.yml"}, link("cfg.yml", victim),
			`input config: "cfg.yml" leads outside the workspace through a symbolic link`},
		{"sarif-file in a linked directory", map[string]string{"sarif-file": "out/x.sarif"}, link("out", outside),
			`input sarif-file: "out/x.sarif" leads outside the workspace through a symbolic link`},
		{"sarif-file with ..", map[string]string{"sarif-file": "../x.sarif"}, nil, `input sarif-file: "../x.sarif" leads out of the workspace with ..`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := runCase(t, actionCase{files: findingFiles, inputs: tt.inputs, prepare: tt.prepare}, new(testkit.FakeGitHub))
			if res.code != exitError || !strings.Contains(res.stdout, "::error::"+tt.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s", res.code, tt.want, res.stdout)
			}
			if entries, _ := os.ReadDir(outside); len(entries) != 1 {
				t.Errorf("something was written outside the workspace: %v", entries)
			}
		})
	}
	t.Run("a default config that is a link to a device", func(t *testing.T) {
		start := time.Now()
		res := runCase(t, actionCase{files: findingFiles, prepare: link(".ssm-guardrails.yml", "/dev/zero")}, new(testkit.FakeGitHub))
		if res.code != exitError || !strings.Contains(errorAnnotation(res, "ssm-guardrails could not scan"), ".ssm-guardrails.yml: cannot read: it leads outside the workspace") {
			t.Errorf("exit %d\n%s", res.code, res.stdout)
		}
		if time.Since(start) > time.Minute {
			t.Error("took a minute")
		}
	})
	t.Run("a config too large", func(t *testing.T) {
		files := map[string]string{".ssm-guardrails.yml": "exemptions: []\n#" + strings.Repeat("x", 2<<20)}
		res := runCase(t, actionCase{files: files}, new(testkit.FakeGitHub))
		if res.code != exitError || !strings.Contains(errorAnnotation(res, "ssm-guardrails could not scan"), ".ssm-guardrails.yml: cannot read: larger than 1024 KiB") {
			t.Errorf("exit %d\n%s", res.code, res.stdout)
		}
	})
	t.Run("a directory at the SARIF file's path", func(t *testing.T) {
		api := codeScanning(complete, accepted)
		res := runCase(t, actionCase{files: findingFiles, inputs: map[string]string{"wait-for-processing": "false"},
			prepare: func(t *testing.T, ws string) { os.Mkdir(filepath.Join(ws, "ssm-guardrails.sarif"), 0o755) }}, api)
		if res.code != exitError {
			t.Fatalf("exit %d, want 2", res.code)
		}
		if msg := errorAnnotation(res, "SARIF file not written"); !strings.Contains(msg, `input sarif-file: "ssm-guardrails.sarif" cannot be written: a directory is in its place`) {
			t.Errorf("error %q", msg)
		}
		checkReportsWritten(t, res)
		// The upload does not need the file: it still happens.
		if len(api.Requests("POST")) != 1 {
			t.Error("the upload was skipped too")
		}
	})
	t.Run("runner files that are links", func(t *testing.T) {
		dir := t.TempDir()
		out, sum := filepath.Join(dir, "out"), filepath.Join(dir, "sum")
		os.Symlink(victim, out)
		os.Symlink(victim, sum)
		res := runCase(t, actionCase{files: findingFiles, inputs: map[string]string{"upload": "false"},
			env: map[string]string{"GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": sum}}, new(testkit.FakeGitHub))
		if data, _ := os.ReadFile(victim); string(data) != "precious\n" {
			t.Errorf("written through the link: %.80q", data)
		}
		if res.code != exitFindings || !strings.Contains(res.stdout, "could not write the job summary") {
			t.Errorf("exit %d\n%s", res.code, res.stdout)
		}
	})
}

func TestActionUploadDegradesGracefully(t *testing.T) {
	farReset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	for _, tt := range []struct {
		name    string
		api     *testkit.FakeGitHub
		inputs  map[string]string
		code    int
		title   string // of the error or warning annotation
		message string // in it
		summary string
	}{
		{"a rate-limit 403 is waited out",
			codeScanning(complete, testkit.Reply{Status: 403, Body: `{"message":"You have exceeded a secondary rate limit"}`, Headers: map[string]string{"Retry-After": "1"}}, accepted),
			nil, exitFindings, "", "", "uploaded and processed"},
		{"a rate limit past the deadline is a rate limit, not code scanning being off",
			codeScanning(complete, testkit.Reply{Status: 403, Body: `{"message":"API rate limit exceeded"}`, Headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": farReset}}),
			nil, exitError, "Code scanning upload failed", "stopped waiting for the GitHub API: upload-timeout (2m0s) ran out", "upload failed: stopped waiting"},
		{"an error while polling an accepted upload is a warning",
			codeScanning(testkit.Reply{Status: 403, Body: `{"message":"Resource not accessible by integration"}`}, accepted),
			nil, exitFindings, "Code scanning processing not checked", "the upload was accepted and the step's result follows the findings", "uploaded (SARIF id 6c8bb0a2-sarif); could not check"},
		{"a 422 shows its details",
			codeScanning(complete, testkit.Reply{Status: 422, Body: `{"message":"Validation Failed","errors":[{"resource":"Sarif","field":"ref","code":"invalid"},"ref is not a valid ref"]}`}),
			nil, exitError, "Code scanning upload failed", "422 Unprocessable Entity: Validation Failed (Sarif ref invalid; ref is not a valid ref)", "upload failed: "},
		{"a hanging API stops at upload-timeout",
			codeScanning(complete, testkit.Reply{Hang: true}),
			map[string]string{"upload-timeout": "2"}, exitError, "Code scanning upload failed", "stopped waiting for the GitHub API: upload-timeout (2s) ran out", "upload failed: stopped waiting"},
		{"processing that outlasts upload-timeout is a warning",
			codeScanning(testkit.Reply{Status: 200, Body: `{"processing_status":"pending"}`}, accepted),
			map[string]string{"upload-timeout": "3"}, exitFindings, "Code scanning still processing", "still processing SARIF id 6c8bb0a2-sarif after upload-timeout (3s)", "uploaded (SARIF id 6c8bb0a2-sarif), still processing when upload-timeout ran out"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res := runCase(t, actionCase{files: findingFiles, inputs: tt.inputs}, tt.api)
			if elapsed := time.Since(start); elapsed > 30*time.Second {
				t.Errorf("the step took %s", elapsed)
			}
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tt.code, res.stdout)
			}
			var msg string
			for _, c := range res.commands {
				if c.Props["title"] == tt.title && strings.Contains(c.Data, tt.message) {
					msg = c.Data
				}
				if c.Props["title"] == "Code scanning upload skipped" {
					t.Errorf("told as code scanning being unavailable: %q", c.Data)
				}
			}
			if tt.title != "" && msg == "" {
				t.Errorf("no %q annotation saying %q:\n%s", tt.title, tt.message, res.stdout)
			}
			if !strings.Contains(res.summary, "**Code scanning:** "+tt.summary) {
				t.Errorf("summary lacks the outcome %q:\n%s", tt.summary, res.summary)
			}
			checkReportsWritten(t, res)
		})
	}
}

// TestActionReviewsExemptionsAddedByThePullRequest: the config is
// compared with the base commit's, fetched with the token; each new or
// changed entry is annotated on its line and listed in the summary.
func TestActionReviewsExemptionsAddedByThePullRequest(t *testing.T) {
	base := "exemptions:\n  - files: [policies/admin-*.json]\n    reason: break-glass role, SEC-101\n"
	head := base + "  - files: [policies/deploy.json]\n    reason: \"just this once\"\n"
	files := map[string]string{".ssm-guardrails.yml": head, "policies/admin-ir.json": criticalPolicy, "policies/deploy.json": criticalPolicy}
	contents := "/repos/" + testRepo + "/contents/.ssm-guardrails.yml"
	for _, tt := range []struct {
		name   string
		reply  testkit.Reply
		added  []int // lines annotated
		review string
	}{
		{"an entry added", contentsReply(base), []int{4}, "| [.ssm-guardrails.yml:4](https://github.com/" + testRepo + "/blob/" + testSHA + "/.ssm-guardrails.yml#L4) | just this once | files: policies/deploy.json |"},
		{"no config on the base branch", testkit.Reply{Status: 404, Body: `{"message":"Not Found"}`}, []int{2, 4}, "| [.ssm-guardrails.yml:2]"},
		{"the base config cannot be fetched", testkit.Reply{Status: 403, Body: `{"message":"Resource not accessible by integration"}`}, nil,
			"Not checked: GET "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := new(testkit.FakeGitHub).On("GET", contents, tt.reply)
			res := runCase(t, actionCase{files: files, inputs: map[string]string{"upload": "false"}}, api)
			if res.code != exitClean {
				t.Fatalf("exit %d: both findings are exempted\n%s", res.code, res.stdout)
			}
			gets := api.Requests("GET")
			if len(gets) != 1 || gets[0].Query != "ref="+testBaseSHA || gets[0].Header.Get("Authorization") != "Bearer "+testToken {
				t.Fatalf("requests %+v", gets)
			}
			var lines []int
			var unavailable int
			for _, c := range res.commands {
				switch {
				case c.Name == "warning" && strings.HasPrefix(c.Data, "exemption added by this pull request: review it"):
					if c.Props["file"] != ".ssm-guardrails.yml" {
						t.Errorf("on file %q", c.Props["file"])
					}
					n, _ := strconv.Atoi(c.Props["line"])
					lines = append(lines, n)
				case c.Name == "warning" && c.Props["title"] == "Exemptions not reviewed":
					unavailable++
				}
			}
			if !slices.Equal(lines, tt.added) {
				t.Errorf("annotated lines %v, want %v", lines, tt.added)
			}
			if wantUnavailable := len(tt.added) == 0; (unavailable == 1) != wantUnavailable || unavailable > 1 {
				t.Errorf("%d warnings that the config could not be compared", unavailable)
			}
			if !strings.Contains(res.summary, "### Exemptions added by this pull request") || !strings.Contains(res.summary, tt.review) {
				t.Errorf("summary lacks %q:\n%s", tt.review, res.summary)
			}
		})
	}
	t.Run("not on push", func(t *testing.T) {
		api := new(testkit.FakeGitHub)
		res := runCase(t, actionCase{files: files, inputs: map[string]string{"upload": "false"}, env: map[string]string{"GITHUB_EVENT_NAME": "push"}}, api)
		if len(api.Requests("")) != 0 || strings.Contains(res.summary, "added by this pull request") {
			t.Errorf("reviewed on push: %d requests", len(api.Requests("")))
		}
	})
}
