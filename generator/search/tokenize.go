package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Words calls fn with each word of text, lowercased: runs of letters and
// digits. Everything else separates words, so "api-gateway" is two words.
func Words(text string, fn func(word string)) {
	var buf []byte
	words(text, &buf, func(w []byte) { fn(string(w)) })
}

// words is Words without an allocation per word: fn gets the word in
// *buf, which the next call reuses.
func words(text string, buf *[]byte, fn func(word []byte)) {
	start := -1
	ascii := true
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		if ascii {
			*buf = append((*buf)[:0], w...)
			for i, c := range *buf {
				if 'A' <= c && c <= 'Z' {
					(*buf)[i] = c + 'a' - 'A'
				}
			}
		} else {
			*buf = append((*buf)[:0], strings.ToLower(w)...)
		}
		fn(*buf)
		start, ascii = -1, true
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start = i
				}
			} else {
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) { // \p{L} and \p{N}, as the browser splits
			if start < 0 {
				start = i
			}
			ascii = false
		} else {
			flush(i)
		}
		i += size
	}
	flush(len(text))
}

// maxWordLen bounds the words indexed: longer runs are hashes, base64 and
// the like, which nobody searches for by typing.
const maxWordLen = 40

// stem returns the term that word is indexed under: its Snowball
// (Porter2) stem, and false for a stop word ("the", "and"), which is not
// indexed.
func stem(word string) (string, bool) {
	if english.IsStopWord(word) {
		return "", false
	}
	return english.Stem(word, true), true
}

// TextOfHTML returns the text of an HTML fragment written by the markdown
// package: tags dropped, entities decoded. Tags separate words, so
// "a<br>b" is two words.
func TextOfHTML(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		b.WriteByte(' ')
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		h = h[i+j+1:]
	}
	text := b.String()
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	return text
}
