package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/gitrepo"
)

// uploadTarget is the commit and ref code scanning files the results
// under.
type uploadTarget struct {
	ref, sha string
	why      string // how they were chosen, for the log
}

// checkRefInputs: inputs ref and sha go together, as upload-sarif's do
// (codeql-action src/git-utils.ts getRef: "Both 'ref' and 'sha' are
// required if one of them is provided").
func checkRefInputs(ref, sha string) error {
	switch {
	case ref == "" && sha == "":
		return nil
	case ref == "" || sha == "":
		return errors.New("inputs ref and sha: give both or neither")
	case !strings.HasPrefix(ref, "refs/"):
		return fmt.Errorf("input ref: %q is not a full ref name such as refs/heads/main", ref)
	case !objectID.MatchString(sha):
		return fmt.Errorf("input sha: %q is not a commit id", sha)
	}
	return nil
}

var (
	objectID = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
	mergeRef = regexp.MustCompile(`^refs/pull/(\d+)/merge$`)
)

// uploadTarget decides where the results go.
//
// The commit is the one checked out (read from .git), falling back to
// GITHUB_SHA, as codeql-action's getCommitOid does. On a pull_request,
// where GITHUB_REF is refs/pull/N/merge, a checkout of another commit
// than the merge commit (the head, typically) is filed under
// refs/pull/N/head (codeql-action getRef). On pull_request_target,
// GITHUB_REF and GITHUB_SHA are the base branch's: a checkout of another
// commit is the pull request's code, filed under refs/pull/N/head, so
// that it never replaces the base branch's analysis; and when the
// checkout cannot be read, nothing is uploaded rather than risk that.
// Inputs ref and sha override all of this, together.
func (r *actionRun) uploadTarget() (uploadTarget, error) {
	if r.refInput != "" {
		return uploadTarget{r.refInput, r.shaInput, "from the inputs ref and sha"}, nil
	}
	envRef, envSHA, event := r.getenv("GITHUB_REF"), r.getenv("GITHUB_SHA"), r.getenv("GITHUB_EVENT_NAME")
	repo, err := gitrepo.Open(r.workspace)
	var head string
	if err == nil {
		head, err = repo.Head()
	}
	checkoutErr := err
	t := uploadTarget{ref: envRef, sha: head, why: "the checked-out commit"}
	if checkoutErr != nil {
		t.sha, t.why = envSHA, fmt.Sprintf("GITHUB_SHA (the checkout's commit cannot be read: %v)", checkoutErr)
	}
	switch {
	case envRef == "":
		return t, errors.New("GITHUB_REF is not set: set the inputs ref and sha to say where the results go, or upload: false")
	case t.sha == "":
		return t, errors.New("the checked-out commit cannot be read and GITHUB_SHA is not set: set the inputs ref and sha, or upload: false")
	case event == "pull_request_target" && checkoutErr != nil:
		return t, fmt.Errorf("on pull_request_target the checked-out commit decides whether the results belong to the base branch, and it cannot be read (%v): set the inputs ref and sha, or upload: false", checkoutErr)
	case event == "pull_request_target" && head != envSHA:
		n, err := r.pullNumber()
		if err != nil {
			return t, fmt.Errorf("pull_request_target with the pull request's code checked out, but %v: set the inputs ref and sha, or upload: false", err)
		}
		t.ref, t.why = "refs/pull/"+n+"/head", "the checked-out commit, not the base branch's: the pull request's head"
	case checkoutErr == nil && head != envSHA:
		m := mergeRef.FindStringSubmatch(envRef)
		if m == nil {
			break
		}
		// actions/checkout@v1 checked out GITHUB_REF itself, fetched as
		// refs/remotes/pull/N/merge; that is still the merge commit.
		if merge, err := repo.Resolve("refs/remotes/pull/" + m[1] + "/merge"); err == nil && merge == head {
			break
		}
		t.ref, t.why = "refs/pull/"+m[1]+"/head", "the checked-out commit, not the merge commit: the pull request's head"
	}
	return t, nil
}

// pullNumber is the pull request's number from the event payload.
func (r *actionRun) pullNumber() (string, error) {
	ev, err := r.event()
	if err != nil {
		return "", err
	}
	if ev.PullRequest.Number <= 0 {
		return "", errors.New("the event payload names no pull request number")
	}
	return strconv.Itoa(ev.PullRequest.Number), nil
}

// pullEvent is the part of a pull_request(_target) event payload the
// action reads.
type pullEvent struct {
	PullRequest struct {
		Number int `json:"number"`
		Base   struct {
			SHA string `json:"sha"`
		} `json:"base"`
	} `json:"pull_request"`
}

// event reads GITHUB_EVENT_PATH (the runner writes it; at most 16 MiB read).
func (r *actionRun) event() (*pullEvent, error) {
	path := r.getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return nil, errors.New("GITHUB_EVENT_PATH is not set")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the event payload: %w", err)
	}
	defer f.Close()
	var ev pullEvent
	if err := json.NewDecoder(io.LimitReader(f, 16<<20)).Decode(&ev); err != nil {
		return nil, fmt.Errorf("the event payload: %w", err)
	}
	return &ev, nil
}

// blobURL is where the summary links files: the analysed commit's tree.
func (r *actionRun) blobURL(t uploadTarget) string {
	server, sha := r.getenv("GITHUB_SERVER_URL"), t.sha
	if server == "" || r.repo == "" || !objectID.MatchString(sha) {
		return ""
	}
	return strings.TrimRight(server, "/") + "/" + r.repo + "/blob/" + sha
}
