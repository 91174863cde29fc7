package frontmatter

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// jsonObject is where an object sits in the text: its opening and
// closing braces, where its last member ends, and the indentation of its
// first member's line (nil when it has none).
type jsonObject struct {
	open, close, lastEnd int64
	indent               *string
	members              map[string]*jsonObject
}

// addJSON adds the entry to the JSON object table, after its last member
// and indented as its members are; a missing object is added as the
// front matter's last member.
func (t *lines) addJSON(doc *Document, table, key string, fields []Field) error {
	content := t.bytes()
	start := 0
	for n := 1; n < doc.Start.Line; n++ {
		start += len(t.lines[n-1])
	}
	dec := json.NewDecoder(bytes.NewReader(content[start:]))
	root, err := readJSONObject(dec, content[start:])
	if err != nil {
		return fmt.Errorf("reading the JSON front matter: %w", err)
	}
	line := entry(JSON, key, fields)
	at, insert := int64(0), ""
	if obj := root.members[table]; obj != nil {
		if obj.indent == nil { // "table": {}
			at, insert = obj.open+1, " "+line+" "
		} else {
			at, insert = obj.lastEnd, ","+t.eol+*obj.indent+line
		}
	} else {
		in := "  "
		if root.indent != nil {
			in = *root.indent
		}
		at = root.lastEnd
		insert = "," + t.eol + in + jsonString(table) + ": {" + t.eol + in + in + line + t.eol + in + "}"
		if root.indent == nil {
			at, insert = root.open+1, " "+jsonString(table)+": { "+line+" } "
		}
	}
	pos := int64(start) + at
	*t = *newLines([]byte(string(content[:pos]) + insert + string(content[pos:])))
	return nil
}

// readJSONObject reads the object that starts at the decoder's position
// and records where each of its members that is an object sits.
func readJSONObject(dec *json.Decoder, src []byte) (*jsonObject, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	o := &jsonObject{open: dec.InputOffset() - 1, members: map[string]*jsonObject{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if o.indent == nil {
			keyEnd := dec.InputOffset()
			lineStart := bytes.LastIndexByte(src[:keyEnd], '\n') + 1
			line := src[lineStart:keyEnd]
			in := string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
			o.indent = &in
		}
		if dec.More() && peekObject(src, dec.InputOffset()) {
			member, err := readJSONObject(dec, src)
			if err != nil {
				return nil, err
			}
			o.members[key] = member
		} else {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
		o.lastEnd = dec.InputOffset()
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	o.close = dec.InputOffset() - 1
	return o, nil
}

// peekObject reports whether the next value after offset (past the
// colon and blanks) is an object.
func peekObject(src []byte, offset int64) bool {
	rest := bytes.TrimLeft(src[offset:], " \t\r\n:")
	return len(rest) > 0 && rest[0] == '{'
}
