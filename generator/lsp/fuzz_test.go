package lsp

import (
	"testing"
	"testing/fstest"
	"time"
)

// FuzzComplete holds the server's promise for any document and cursor an
// editor sends: completion and hover answer without panicking (a panic
// would end the editor's session). Seeds: the draft of the tests and
// testdata/fuzz.
func FuzzComplete(f *testing.F) {
	f.Add(draft, 3, 6)
	f.Add(draft, 11, 17)
	f.Add("---\n  - { a: {\n- é: [x, ", 2, 9)
	f.Add("---\nsignoffs:\n  request: { by: \u00e9\u00e9, da", 2, 40)
	f.Add(tomlDraft, 15, 18)
	f.Add("+++\n[[a.b]]\nx = { y = { z = \"", 2, 20)
	f.Add("{\n  \"risks\": [{ \"likelihood\": \"", 1, 30)
	f.Add("{\"a\\\"{\": [[{\"b\": {\"", 0, 22)
	srv, err := New(".", fstest.MapFS{"changebook.yaml": {Data: []byte(settings)}}, time.Now)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, line, char int) {
		uri := "file:///repo/changes/x.md"
		srv.setDoc(uri, text)
		p := positionParams{TextDocument: textDocument{URI: uri}, Position: position{Line: line, Character: char}}
		srv.complete(p)
		srv.describe(p)
		for l := range 3 {
			lineText := lineOf(text, l)
			utf16Units(lineText, char)
			byteOffset(lineText, char)
			tokenLength(lineText, char)
		}
	})
}
