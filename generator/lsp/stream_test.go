package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawClient talks to a server frame by frame, malformed ones included.
type rawClient struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
	done chan error // Serve's return
}

func startRaw(t *testing.T) *rawClient {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := New(dir, os.DirFS(dir), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, b := net.Pipe()
	c := &rawClient{t: t, conn: b, r: bufio.NewReader(b), done: make(chan error, 1)}
	go func() { c.done <- srv.Serve(ctx, a) }()
	t.Cleanup(func() { b.Close(); cancel() })
	return c
}

// send writes body in one frame whose Content-Length is its length.
func (c *rawClient) send(body string) {
	c.t.Helper()
	c.sendRaw("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

func (c *rawClient) sendRaw(frame string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c.conn, frame); err != nil {
		c.t.Fatalf("writing %.100q: %v", frame, err)
	}
}

// answer is a response as the wire has it.
type answer struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// next reads the next frame the server writes.
func (c *rawClient) next() answer {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	header, err := textproto.NewReader(c.r).ReadMIMEHeader()
	if err != nil {
		c.t.Fatalf("no answer: %v", err)
	}
	n, err := strconv.Atoi(header.Get("Content-Length"))
	if err != nil {
		c.t.Fatalf("Content-Length %q", header.Get("Content-Length"))
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		c.t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		c.t.Fatalf("answer %s: %v", body, err)
	}
	return a
}

// TestMalformedMessagesAreAnswered: a body that is not JSON gets a parse
// error (-32700, id null), JSON that is no message an invalid request
// (-32600, with its id when it has one), and the server goes on: the
// valid request after them is answered.
func TestMalformedMessagesAreAnswered(t *testing.T) {
	c := startRaw(t)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{`)
	if a := c.next(); a.Error == nil || a.Error.Code != -32700 || string(a.ID) != "null" {
		t.Errorf("a body that is not JSON: %+v; want a parse error (-32700) for id null", a)
	}
	c.send(`{"jsonrpc":"2.0","id":2}`)
	if a := c.next(); a.Error == nil || a.Error.Code != -32600 || string(a.ID) != "2" {
		t.Errorf("JSON that is no message: %+v; want an invalid request (-32600) for id 2", a)
	}
	// A body over the limit is skipped, not held.
	big := `{"jsonrpc":"2.0","id":4,"method":"x","params":"` + strings.Repeat("a", maxMessage) + `"}`
	go io.WriteString(c.conn, "Content-Length: "+strconv.Itoa(len(big))+"\r\n\r\n"+big) // read as it is written
	if a := c.next(); a.Error == nil || a.Error.Code != -32600 || string(a.ID) != "null" {
		t.Errorf("a message over the limit: %+v; want an invalid request (-32600)", a)
	}
	c.send(`{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"rootUri":"file:///nowhere"}}`)
	if a := c.next(); a.Error != nil || string(a.ID) != "3" || len(a.Result) == 0 {
		t.Errorf("a valid request after them: %+v; want its answer", a)
	}
}

// TestBrokenStreamEndsTheSession: a frame that cannot be delimited (its
// Content-Length is no number) leaves nothing to resynchronise on: the
// server ends the session.
func TestBrokenStreamEndsTheSession(t *testing.T) {
	for _, frame := range []string{
		"Content-Length: many\r\n\r\n{}",
		"Content-Type: application/json\r\n\r\n{}",
		"Content-Length: 2\n\n{}",
	} {
		t.Run(fmt.Sprintf("%q", frame), func(t *testing.T) {
			c := startRaw(t)
			go io.WriteString(c.conn, frame)
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
				t.Fatal("the server still reads after a broken frame")
			}
		})
	}
}
