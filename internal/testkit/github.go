package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// FakeGitHub stands in for the GitHub REST API on 127.0.0.1. A request
// takes the next reply queued for the first route it matches (method and
// path prefix); a route's last reply repeats; a request no route matches
// gets 404. Every request is recorded.
type FakeGitHub struct {
	mu       sync.Mutex
	routes   []*route
	requests []Request
}

type route struct {
	method, prefix string
	replies        []Reply
}

// Reply is one answer of the fake API.
type Reply struct {
	Status  int
	Body    string
	Headers map[string]string
	// HangUp drops the connection without an answer: a network error.
	HangUp bool
	// Hang answers nothing until the client gives up (or a minute passes,
	// so that a test that forgot its deadline still ends).
	Hang bool
}

// Request is what the fake API was sent; Path and Query are escaped as
// sent.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// On queues replies for requests of method whose path starts with prefix.
func (f *FakeGitHub) On(method, prefix string, replies ...Reply) *FakeGitHub {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes = append(f.routes, &route{method: method, prefix: prefix, replies: replies})
	return f
}

// Start serves the fake API until the test ends and returns its URL.
func (f *FakeGitHub) Start(t testing.TB) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Requests returns the requests of method ("" for all) in the order sent.
func (f *FakeGitHub) Requests(method string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

func (f *FakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	path := r.URL.EscapedPath()
	f.requests = append(f.requests, Request{r.Method, path, r.URL.RawQuery, r.Header.Clone(), body})
	reply := Reply{Status: http.StatusNotFound, Body: `{"message":"Not Found"}`}
	for _, rt := range f.routes {
		if rt.method == r.Method && strings.HasPrefix(path, rt.prefix) && len(rt.replies) > 0 {
			reply = rt.replies[0]
			if len(rt.replies) > 1 {
				rt.replies = rt.replies[1:]
			}
			break
		}
	}
	f.mu.Unlock()
	if reply.Hang {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	}
	if reply.HangUp {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range reply.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(reply.Status)
	io.WriteString(w, reply.Body)
}
