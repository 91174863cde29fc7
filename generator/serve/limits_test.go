package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingListener counts the connections open at once.
type countingListener struct {
	net.Listener
	mu        sync.Mutex
	open, max int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.open++
	l.max = max(l.max, l.open)
	l.mu.Unlock()
	return &countedConn{Conn: c, l: l}, nil
}

func (l *countingListener) peak() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// startServer serves s on a loopback port under limits until the test ends.
func startServer(t *testing.T, s *Server, limits Limits) (string, *countingListener) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &countingListener{Listener: inner}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, limits) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return inner.Addr().String(), ln
}

// closedWithin reports whether the server closes c within d (reading
// until then returns EOF or a reset, not a timeout).
func closedWithin(c net.Conn, r io.Reader, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, r)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout()) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestSlowClientsAreCutOff: connections that send nothing, headers a byte
// at a time, a body a byte at a time, or nothing after a first answer, are
// closed after the limits, and never more than Conns are open at once; a
// real request made while three times Conns of them hang on is answered.
func TestSlowClientsAreCutOff(t *testing.T) {
	s := New("127.0.0.1")
	s.Publish(Files(site("one")), nil)
	limits := Limits{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond, Conns: 8}
	addr, ln := startServer(t, s, limits)

	type client struct {
		kind  string
		c     net.Conn
		r     io.Reader
		ready chan struct{} // closed once r may be read
	}
	var clients []client
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	trickle := func(c net.Conn, head string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := io.WriteString(c, head); err != nil {
				return
			}
			for range 200 {
				time.Sleep(50 * time.Millisecond)
				if _, err := io.WriteString(c, "x"); err != nil {
					return // closed by the server
				}
			}
		}()
	}
	for i := range 3 * limits.Conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cl := client{c: c, r: c, ready: make(chan struct{})}
		switch i % 4 {
		case 0:
			cl.kind = "silent"
		case 1:
			cl.kind = "slow headers"
			trickle(c, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
		case 2:
			cl.kind = "slow body"
			trickle(c, "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n")
		case 3:
			cl.kind = "idle after an answer"
			br := bufio.NewReader(c)
			go func() {
				defer close(cl.ready)
				fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
				if resp, err := http.ReadResponse(br, nil); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
			cl.r = br
		}
		if cl.kind != "idle after an answer" {
			close(cl.ready)
		}
		clients = append(clients, cl)
	}

	real := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	resp, err := real.Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("a real request behind %d slow clients: %v", len(clients), err)
	}
	resp.Body.Close()
	t.Logf("a real request behind %d slow clients answered in %s", len(clients), time.Since(start).Round(time.Millisecond))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a real request: %s", resp.Status)
	}
	for _, cl := range clients {
		<-cl.ready
		if !closedWithin(cl.c, cl.r, 5*time.Second) {
			t.Errorf("a client (%s) was still connected 5 s after the limits", cl.kind)
		}
	}
	if n := ln.peak(); n > limits.Conns {
		t.Errorf("%d connections were open at once; the cap is %d", n, limits.Conns)
	}
}

// TestEventStreamOutlivesTheLimits: an open page's event stream is not
// cut by the write, read or idle limits, and still gets the next version.
func TestEventStreamOutlivesTheLimits(t *testing.T) {
	s := New("127.0.0.1")
	s.Publish(Files(site("one")), nil)
	limits := Limits{ReadHeader: 200 * time.Millisecond, Read: 200 * time.Millisecond, Write: 200 * time.Millisecond, Idle: 200 * time.Millisecond, Conns: 8}
	addr, _ := startServer(t, s, limits)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "GET "+Prefix+"events HTTP/1.1\r\nHost: localhost\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "data: ") {
				return lines.Text()
			}
		}
		return "end: " + fmt.Sprint(lines.Err())
	}
	if got := next(); got != "data: 1" {
		t.Fatalf("first event: %q", got)
	}
	time.Sleep(time.Second) // five times every limit
	s.Publish(Files(site("two")), nil)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got := next(); got != "data: 2" {
		t.Errorf("after a second the stream gave %q; want the next version", got)
	}

	// Streams may take half the connections, no more: the other half
	// stays for pages.
	stream := func() int {
		resp, err := http.Get("http://" + addr + Prefix + "events")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp.StatusCode
	}
	for i := 1; i < limits.Conns/2; i++ {
		if code := stream(); code != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, code)
		}
	}
	if code := stream(); code != http.StatusServiceUnavailable {
		t.Errorf("stream %d of a cap of %d: %d, want 503", limits.Conns/2+1, limits.Conns/2, code)
	}
	// A refused stream's connection is closed with the answer, not kept
	// alive to the idle limit: a page that kept reconnecting held a slot
	// each time, and 130 of them kept a page waiting 51 s.
	refused, err := http.Get("http://" + addr + Prefix + "events")
	if err != nil {
		t.Fatal(err)
	}
	refused.Body.Close()
	if refused.StatusCode != http.StatusServiceUnavailable || !refused.Close {
		t.Errorf("a refused stream: %d, connection closed %v; want 503 and closed", refused.StatusCode, refused.Close)
	}
}
