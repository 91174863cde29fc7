package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzWords holds the tokeniser's promises for any text, valid UTF-8 or
// not: no panic; every word is a non-empty run of lowercase letters and
// digits, in valid UTF-8; the words come in the order of the text; the
// stemmer takes every word. TextOfHTML never panics and leaves text
// without markup alone. Seeds: the hostile corpus, the example records
// and testdata/fuzz.
func FuzzWords(f *testing.F) {
	for _, v := range hostile.Vectors {
		f.Add(v)
	}
	for _, data := range hostile.Records("../../changes") {
		f.Add(string(data))
	}
	f.Add("İstanbul ǅemal ΣΑΣ straße ﬁle 12ab \xff\xfe api-gateway")
	f.Fuzz(func(t *testing.T, text string) {
		lower := strings.ToLower(text)
		at := 0
		Words(text, func(w string) {
			if w == "" || !utf8.ValidString(w) {
				t.Fatalf("word %q: empty or not UTF-8", w)
			}
			for _, r := range w {
				if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
					t.Fatalf("word %q holds %q", w, r)
				}
			}
			if strings.ToLower(w) != w {
				t.Fatalf("word %q is not lowercase", w)
			}
			// Lowercasing may change a word's length ("İ"), so the
			// order is checked on the lowercased text: Go lowercases
			// rune by rune, so a word lowercased alone is found there.
			i := strings.Index(lower[at:], w)
			if i < 0 {
				t.Fatalf("word %q not found, in order, in %q", w, text)
			}
			at += i + len(w)
			stem(w)
		})
		plain := TextOfHTML(text)
		if !strings.ContainsAny(text, "<&") && plain != text {
			t.Fatalf("TextOfHTML changed text without markup: %q -> %q", text, plain)
		}
		Words(plain, func(string) {})
	})
}
