package main

import (
	"net"
	"regexp"
	"strconv"
	"testing"
)

// TestBusyPort: a port taken by another server is an error naming a free
// port to pass to --port when the port was asked for; the default port is
// replaced by the next free one, and the note says so.
func TestBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port

	_, _, err = listen("127.0.0.1", port, true)
	if err == nil {
		t.Fatalf("--port %d, which is busy: no error", port)
	}
	m := regexp.MustCompile(`^port (\d+) is in use \(another changebook serve\?\): use --port (\d+)$`).FindStringSubmatch(err.Error())
	if m == nil || m[1] != strconv.Itoa(port) {
		t.Fatalf("--port %d, which is busy: %q", port, err)
	}
	free, _ := strconv.Atoi(m[2])
	if ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", m[2])); err != nil {
		t.Errorf("the port suggested, %d, is not free: %v", free, err)
	} else {
		ln.Close()
	}

	ln, note, err := listen("127.0.0.1", port, false)
	if err != nil {
		t.Fatalf("the default port busy: %v", err)
	}
	defer ln.Close()
	got := ln.Addr().(*net.TCPAddr).Port
	want := "port " + strconv.Itoa(port) + " is in use (another changebook serve?): serving on port " + strconv.Itoa(got) + " instead (--port N chooses one)"
	if got == port || note != want {
		t.Errorf("the default port busy: listening on %d with the note %q; want another port and %q", got, note, want)
	}

	// Another failure is no port question.
	if _, _, err := listen("203.0.113.1", 0, true); err == nil || regexp.MustCompile(`in use`).MatchString(err.Error()) {
		t.Errorf("an address not of this machine: %v", err)
	}
}
