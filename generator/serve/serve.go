// Package serve is the local preview's web server: it serves a site held
// in memory, tells open pages to reload when a rebuild publishes a new
// version (Server-Sent Events, standard library only), and shows the
// current findings over every page.
//
// It is a development server, bound to the loopback address by default,
// and it guards against being reached from elsewhere: requests whose Host
// is not a local name or the bound name are refused (DNS rebinding), only
// GET and HEAD are answered, and paths are looked up in the in-memory site,
// so no request can reach the file system, dotfiles included.
package serve

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/changebook/changebook/generator/diag"
)

// Prefix is the path under which the server's own resources live.
const Prefix = "/_changebook/"

//go:embed live.js
var liveJS []byte

// Finding is a finding as the browser shows it.
type Finding struct {
	Location string `json:"location"` // file:line:col
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// Site is what the server serves: a file by its slash-separated path
// ("changes/CHG-0001/index.html"), and false when there is none.
type Site interface {
	File(ctx context.Context, name string) ([]byte, bool, error)
}

// Files is a Site held as a map.
type Files map[string][]byte

// File returns the file at name.
func (f Files) File(_ context.Context, name string) ([]byte, bool, error) {
	data, ok := f[name]
	return data, ok, nil
}

// Server serves the last good site and the current findings.
type Server struct {
	mu       sync.RWMutex
	site     Site
	findings []Finding
	version  int
	subs     map[chan int]struct{}
	hosts    map[string]bool
	// maxStreams caps the event streams, which are exempt from the time
	// limits, so that they cannot take every connection; 0 is no cap.
	maxStreams int
}

// New returns a server that accepts requests addressed to a local name or
// to bind (the host it listens on).
func New(bind string) *Server {
	hosts := map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	if bind != "" && bind != "0.0.0.0" && bind != "::" {
		hosts[strings.Trim(bind, "[]")] = true
	}
	return &Server{subs: map[chan int]struct{}{}, hosts: hosts}
}

// Publish makes a rebuild current: site is the new site, or nil when the
// build failed (the last good site stays), and findings are what the
// check found. Open pages are told to reload.
func (s *Server) Publish(site Site, findings []diag.Finding) {
	list := make([]Finding, 0, len(findings))
	for _, f := range findings {
		list = append(list, Finding{Location: f.Location(), Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message, Hint: f.Hint})
	}
	s.mu.Lock()
	if site != nil {
		s.site = site
	}
	s.findings = list
	s.version++
	v := s.version
	for c := range s.subs {
		select {
		case c <- v:
		default: // a slow page: it gets the next version
		}
	}
	s.mu.Unlock()
}

// Limits bound what one client can hold of the server: without them an
// idle or slow client keeps its connection, and its file descriptor,
// forever, and a few hundred of them lock everyone out.
type Limits struct {
	ReadHeader time.Duration // to read a request's headers
	Read       time.Duration // to read a whole request
	Write      time.Duration // to write an answer (event streams excepted)
	Idle       time.Duration // a kept-alive connection between requests
	Conns      int           // connections open at once; more wait to be accepted
}

// DefaultLimits are generous for a browser on the same machine: pages are
// small GET requests answered in milliseconds, and a browser opens at most
// six connections to one host (each open page holds one for its event
// stream). 128 connections stay well under the smallest common limit of
// open files (256 on macOS), leaving the rebuilds theirs.
var DefaultLimits = Limits{
	ReadHeader: 5 * time.Second,
	Read:       10 * time.Second,
	Write:      30 * time.Second,
	Idle:       60 * time.Second,
	Conns:      128,
}

// Serve answers the connections of ln until ctx ends, then stops: the
// requests under way (the event streams of open pages) end with ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener, limits Limits) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: limits.ReadHeader,
		ReadTimeout:       limits.Read,
		WriteTimeout:      limits.Write, // lifted by the event streams
		IdleTimeout:       limits.Idle,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	s.mu.Lock()
	s.maxStreams = max(1, limits.Conns/2)
	s.mu.Unlock()
	// Beyond the cap, connections wait in the kernel's queue until one
	// ends, which the limits above make soon.
	served := make(chan error, 1)
	go func() { served <- srv.Serve(netutil.LimitListener(ln, limits.Conns)) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		<-served
		return nil
	}
}

// Version is the number of the current publication.
func (s *Server) Version() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The pages carry their policy in a meta tag; what only a header can
	// say is said here, for every answer: no page of the preview in a
	// frame of another site (clickjacking), no type guessed from content,
	// no address of the preview sent to the sites its pages link to.
	h := w.Header()
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !s.hosts[strings.Trim(host, "[]")] {
		http.Error(w, "changebook serve answers only requests for localhost or the address it is bound to", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case Prefix + "events":
		s.events(w, r)
		return
	case Prefix + "live.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(liveJS)
		return
	case Prefix + "findings.json":
		s.mu.RLock()
		data, _ := json.Marshal(s.findings)
		s.mu.RUnlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(data)
		return
	}
	s.page(w, r)
}

// page serves a file of the site.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") || name == "" {
		name = path.Join(name, "index.html")
	}
	s.mu.RLock()
	site, version := s.site, s.version
	s.mu.RUnlock()
	if site == nil {
		site = Files{}
	}
	var failed error
	get := func(name string) ([]byte, bool) {
		for _, part := range strings.Split(name, "/") {
			if strings.HasPrefix(part, ".") {
				return nil, false // no dotfiles, such as the site's marker file
			}
		}
		data, ok, err := site.File(r.Context(), name)
		if err != nil && failed == nil {
			failed = err
		}
		return data, ok
	}
	status := http.StatusOK
	data, ok := get(name)
	if !ok && failed == nil {
		if _, dir := get(name + "/index.html"); dir {
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
			return
		}
		status, name = http.StatusNotFound, "404.html"
		if data, ok = get(name); !ok {
			data = []byte("<!doctype html><title>Not found</title><body><p>Not found.</p></body>")
		}
	}
	if failed != nil {
		// A theme template that fails on this page: say so, as text.
		http.Error(w, "rendering "+name+": "+failed.Error(), http.StatusInternalServerError)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if strings.HasPrefix(ctype, "text/html") {
		data = inject(data, version)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// inject adds the live-reload script to an HTML page, before </body>.
func inject(page []byte, version int) []byte {
	tag := fmt.Sprintf(`<script src="%slive.js" data-version="%d" defer></script>`, Prefix, version)
	s := string(page)
	if i := strings.LastIndex(s, "</body>"); i >= 0 {
		return []byte(s[:i] + tag + s[i:])
	}
	return []byte(s + tag)
}

// events streams the version number of each publication to a page.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The stream lasts as long as the page is open: the write limit (and
	// the read limit, whose expiry would cancel the request) do not
	// apply to it; its keep-alives find a page gone.
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return
	}
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return
	}
	c := make(chan int, 1)
	s.mu.Lock()
	if s.maxStreams > 0 && len(s.subs) >= s.maxStreams {
		s.mu.Unlock()
		// Closed with the answer: kept alive, each refused page's retry
		// would hold a connection to the idle limit.
		w.Header().Set("Connection", "close")
		http.Error(w, "too many open pages: close some and reload", http.StatusServiceUnavailable)
		return
	}
	s.subs[c] = struct{}{}
	v := s.version
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, c)
		s.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	send := func(v int) bool {
		_, err := fmt.Fprintf(w, "event: version\ndata: %d\n\n", v)
		flusher.Flush()
		return err == nil
	}
	if !send(v) {
		return
	}
	keepAlive := time.NewTicker(30 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case v := <-c:
			if !send(v) {
				return
			}
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}
