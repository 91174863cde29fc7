package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
)

// JSON-RPC's codes for messages that cannot be read.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
)

// maxMessage bounds one message's body: a document is at most the record
// size limit (1 MiB), which JSON escaping can at most multiply by six.
const maxMessage = 8 << 20

// maxHeaderLine bounds a header line, so that a stream without line
// breaks cannot grow a buffer without end.
const maxHeaderLine = 1024

// stream frames JSON-RPC messages as the base protocol of LSP does
// (Content-Length headers). Unlike jsonrpc2's own, which ends the session
// on any body it cannot decode, it answers a body that is not JSON with a
// parse error and JSON that is no message with an invalid request, as
// JSON-RPC asks, and reads on: one malformed message from an editor or
// plugin must not end the editor's session. Only a stream it cannot
// delimit any more (a bad header, a short body, the end) ends it.
type stream struct {
	rwc io.ReadWriteCloser
	r   *bufio.Reader
	mu  sync.Mutex // one frame written at a time: answers come from two goroutines
}

func newStream(rwc io.ReadWriteCloser) *stream {
	return &stream{rwc: rwc, r: bufio.NewReaderSize(rwc, maxHeaderLine)}
}

// WriteObject writes obj in one frame.
func (s *stream) WriteObject(obj any) error {
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := fmt.Fprintf(s.rwc, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err = s.rwc.Write(body)
	return err
}

// ReadObject reads the next message that decodes into v, answering those
// that do not.
func (s *stream) ReadObject(v any) error {
	for {
		body, err := s.frame()
		if err != nil {
			return err
		}
		if body == nil { // too large, skipped
			if err := s.refuse(nil, codeInvalidRequest, fmt.Sprintf("message larger than %d bytes", maxMessage)); err != nil {
				return err
			}
			continue
		}
		// One pass: Unmarshal checks the whole body is JSON before it
		// decodes (a syntax error), then that it is a message.
		err = json.Unmarshal(body, v)
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			err = s.refuse(nil, codeParseError, "parse error: the message is not JSON")
		case err != nil:
			err = s.refuse(body, codeInvalidRequest, "invalid request: "+err.Error())
		default:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// refuse answers a message that cannot be handled, with its id when it
// has a usable one (null otherwise, as JSON-RPC says).
func (s *stream) refuse(body []byte, code int64, message string) error {
	answer := struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: jsonrpc2.Error{Code: code, Message: message}}
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &m) == nil && len(m.ID) > 0 {
		var id jsonrpc2.ID
		if json.Unmarshal(m.ID, &id) == nil {
			answer.ID = m.ID
		}
	}
	return s.WriteObject(answer)
}

// frame reads one frame's body; nil (and no error) for a body over
// maxMessage, which is skipped.
func (s *stream) frame() ([]byte, error) {
	length := -1
	for {
		line, err := s.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("lsp: a header line longer than %d bytes", maxHeaderLine)
		}
		if err != nil {
			return nil, err
		}
		header, ok := bytes.CutSuffix(line, []byte("\r\n"))
		if !ok {
			return nil, errors.New(`lsp: header lines must end with \r\n`)
		}
		if len(header) == 0 {
			break
		}
		name, value, ok := strings.Cut(string(header), ":")
		if !ok {
			return nil, fmt.Errorf("lsp: a header line without a colon: %q", header)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.ParseUint(strings.TrimSpace(value), 10, 31)
			if err != nil {
				return nil, fmt.Errorf("lsp: bad Content-Length %q", value)
			}
			length = int(n)
		}
	}
	if length < 0 {
		return nil, errors.New("lsp: a message without Content-Length")
	}
	if length > maxMessage {
		if _, err := io.CopyN(io.Discard, s.r, int64(length)); err != nil {
			return nil, err
		}
		return nil, nil
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// Close closes the connection.
func (s *stream) Close() error { return s.rwc.Close() }
