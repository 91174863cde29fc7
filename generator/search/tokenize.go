package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Words calls fn with each word of text, lowercased: runs of letters and
// digits. Everything else separates words, so "api-gateway" is two words
// here; names that must stay whole (ids, systems) are indexed whole too, by
// the caller.
func Words(text string, fn func(word string)) {
	start := -1
	ascii := true
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		if ascii {
			w = lowerASCII(w)
		} else {
			w = strings.ToLower(w)
		}
		fn(w)
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
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
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

// lowerASCII lowercases an ASCII word without allocating when it is
// lowercase already, which most words are.
func lowerASCII(w string) string {
	for i := 0; i < len(w); i++ {
		if 'A' <= w[i] && w[i] <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

// maxWordLen bounds the words indexed: longer runs are hashes, base64 and
// the like, which nobody searches for by typing.
const maxWordLen = 40

// stemmer stems English words with the Snowball (Porter2) algorithm and
// remembers the answers: a corpus repeats a few thousand words millions of
// times. Not safe for concurrent use; each worker has its own.
type stemmer struct {
	stems map[string]string
}

func newStemmer() *stemmer { return &stemmer{stems: map[string]string{}} }

// stem returns the term that word is indexed under, and false for a stop
// word ("the", "and"), which is not indexed.
func (s *stemmer) stem(word string) (string, bool) {
	if st, ok := s.stems[word]; ok {
		return st, st != ""
	}
	st := ""
	if !english.IsStopWord(word) {
		st = english.Stem(word, true)
	}
	s.stems[strings.Clone(word)] = st
	return st, st != ""
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
