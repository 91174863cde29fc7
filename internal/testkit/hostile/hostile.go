// Package hostile holds what the tests of untrusted input share: a corpus
// of cross-site scripting vectors an author could commit in a record, and
// an independent judge of whether HTML could run anything.
//
// The judge is deliberately not the code under test: it parses the HTML
// the way a browser does (golang.org/x/net/html) and applies its own,
// stricter idea of what is safe.
package hostile

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Vectors are strings an attacker could put in a record's fields or body:
// markup, event handlers, script URLs in every disguise browsers accept,
// template and attribute breakouts. Each one, if it ever became live,
// would call alert or set window.__xss.
var Vectors = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<iframe src=\"javascript:alert(1)\"></iframe>",
	"<style>body{display:none}</style>",
	"<svg onload=alert(1)>",
	"<svg/onload=alert(1)//",
	"<body onload=alert(1)>",
	"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
	"<details open ontoggle=alert(1)>",
	"<input autofocus onfocus=alert(1)>",
	"<object data=\"javascript:alert(1)\"></object>",
	"<embed src=\"javascript:alert(1)\">",
	"<base href=\"javascript:alert(1)//\">",
	"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
	"<form action=\"javascript:alert(1)\"><button>x</button></form>",
	"\"><script>alert(1)</script>",
	"'><img src=x onerror=alert(1)>",
	"\" autofocus onfocus=\"alert(1)\" x=\"",
	"</title><script>alert(1)</script>",
	"</script><script>alert(1)</script>",
	"</textarea><script>alert(1)</script>",
	"<!--<script>alert(1)</script>-->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"{{.}}{{template \"x\"}}${alert(1)}`${alert(1)}`",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&#60;script&#62;alert(1)&#60;/script&#62;",
	"javascript:alert(1)",
	"\u2028<script>alert(1)</script>\u2029",
	"<scr<script>ipt>alert(1)</scr</script>ipt>",
	"<IMG SRC=JaVaScRiPt:alert(1)>",
	"<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](java&#9;script:alert(1))",
	"[x](<javascript:alert(1)>)",
	"[x](%6Aavascript:alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](file:///etc/passwd)",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
	"![x](data:image/png;base64,iVBORw0KGgo=)",
	"![x](javascript:alert(1))",
	"<javascript:alert(1)>",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x](http://a.example \"\\\" onmouseover=\\\"alert(1)\")",
	"[x](http://a.example/\"onmouseover=\"alert(1))",
	"# <script>alert(1)</script> title",
	"| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [y](javascript:alert(1)) |",
	"Note[^1]\n\n[^1]: [z](javascript:alert(1)) <script>alert(1)</script>",
	"- [ ] <b onclick=alert(1)>task</b>",
	"```html\n<script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	"# Title {onclick=alert(1)}",
	"[x](mailto:a@example.com?body=<script>)",
	"![x\"onerror=\"alert(1)](https://a.example/i.png)",
}

// Inert parses page, an HTML document or fragment, and returns what in it
// could run: elements that load or run code or restyle the page, event
// handler and style attributes, and URLs whose scheme (as a browser reads
// it) is not http, https or mailto. allow, when not nil, vouches for
// elements the page's own theme writes (its script, stylesheet, forms).
func Inert(page string, allow func(n *html.Node) bool) []string {
	var problems []string
	judge := func(tag string, attrs []html.Attribute) {
		switch tag {
		case "script", "iframe", "object", "embed", "style", "svg", "math", "form", "base", "meta", "link", "details":
			problems = append(problems, fmt.Sprintf("a <%s> element", tag))
		}
		for _, a := range attrs {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" {
				problems = append(problems, fmt.Sprintf("attribute %s=%q on <%s>", a.Key, a.Val, tag))
			}
			switch key {
			case "href", "src", "action", "formaction", "data", "xlink:href", "poster":
				if !SafeURL(a.Val) {
					problems = append(problems, fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, tag))
				}
			}
		}
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		// The parser refuses what browsers flatten (elements nested more
		// than 512 deep): judge every tag as the tokenizer reads it.
		z := html.NewTokenizer(strings.NewReader(page))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
				t := z.Token()
				judge(t.Data, t.Attr)
			}
		}
		return problems
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (allow == nil || !allow(n)) {
			judge(n.Data, n.Attr)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

// Attr returns the value of n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var schemePattern = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*):`)

// SafeURL is this package's own idea of a safe URL: the scheme a browser
// would see (the WHATWG URL parser drops leading blanks and controls and
// every tab and newline) is none, http(s) or mailto.
func SafeURL(v string) bool {
	v = strings.TrimLeft(v, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	m := schemePattern.FindStringSubmatch(v)
	if m == nil {
		return true
	}
	switch strings.ToLower(m[1]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}
