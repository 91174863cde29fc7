package markdown

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

func render(t *testing.T, src string) string {
	t.Helper()
	out, err := New().Render([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// assertInert fails on anything in out that could run.
func assertInert(t *testing.T, src, out string) {
	t.Helper()
	for _, p := range hostile.Inert(out, nil) {
		t.Errorf("%q rendered %s:\n%s", src, p, out)
	}
}

func TestUntrustedMarkdownStaysInert(t *testing.T) {
	for _, src := range hostile.Vectors {
		assertInert(t, src, render(t, src))
	}
}

func TestUnsafeLinksKeepTheirText(t *testing.T) {
	for src, want := range map[string]string{
		"[click me](javascript:alert(1))":              "<p>click me</p>\n",
		"![a cat](data:image/png;base64,iVBORw0KGgo=)": "<p>a cat</p>\n",
		"<javascript:alert(1)>":                        "<p>javascript:alert(1)</p>\n",
		"[**bold** text](vbscript:x)":                  "<p><strong>bold</strong> text</p>\n",
	} {
		if got := render(t, src); got != want {
			t.Errorf("%q rendered %q; want %q", src, got, want)
		}
	}
}

func TestGitHubFlavour(t *testing.T) {
	src := "## Switchover timeline\n\n| Time | Event |\n| --- | --- |\n| 21:02 | ~~freeze~~ on |\n\n- [x] done\n- [ ] open\n\nSee https://status.example.com and [the PR](https://github.com/acme/p/pull/1) and [the record](../CHG-0001/).\n\nA note[^n].\n\n[^n]: The footnote.\n"
	out := render(t, src)
	for _, want := range []string{
		`<h3 id="switchover-timeline">Switchover timeline <a class="anchor" href="#switchover-timeline" aria-hidden="true" tabindex="-1">#</a></h3>`,
		"<table>", "<del>freeze</del>", `<input checked="" disabled="" type="checkbox"`,
		`<a href="https://status.example.com">https://status.example.com</a>`,
		`<a href="https://github.com/acme/p/pull/1">the PR</a>`,
		`<a href="../CHG-0001/">the record</a>`,
		`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	assertInert(t, src, out)
}

func TestSafeURL(t *testing.T) {
	for _, tt := range []struct {
		url   string
		image bool
		want  bool
	}{
		{"https://a.example/x", false, true},
		{"http://a.example/x", true, true},
		{"../CHG-0001/", false, true},
		{"#section", false, true},
		{"mailto:a@example.com", false, true},
		{"mailto:a@example.com", true, false},
		{"javascript:alert(1)", false, false},
		{" JAVASCRIPT:alert(1)", false, false},
		{"java\nscript:alert(1)", false, false},
		{"data:image/png;base64,x", true, false},
		{"foo:bar", false, false},
		{"a/b:c", false, true},
		{"#fn:1", false, true},
		{"?q=a:b", false, true},
	} {
		if got := SafeURL(tt.url, tt.image); got != tt.want {
			t.Errorf("SafeURL(%q, %v) = %v; want %v", tt.url, tt.image, got, tt.want)
		}
	}
}

func TestRawHTMLIsOmitted(t *testing.T) {
	out := render(t, "before <b>bold</b> after\n\n<div>block</div>\n")
	if strings.Contains(out, "<b>") || strings.Contains(out, "<div>") || !bytes.Contains([]byte(out), []byte("before")) {
		t.Errorf("raw HTML rendered: %s", out)
	}
}

// FuzzRender holds the promise of this package for any input: rendering
// never fails and never produces anything that runs. `go test` runs the
// seeds; `go test -fuzz FuzzRender ./generator/markdown` searches.
func FuzzRender(f *testing.F) {
	for _, v := range hostile.Vectors {
		f.Add(v)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.Render([]byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		assertInert(t, src, string(out))
	})
}

func TestLinksAreRewrittenThenChecked(t *testing.T) {
	links := func(dest string) (string, bool) {
		switch dest {
		case "CHG-0002-index.md":
			return "../CHG-0002/", true
		case "evil.md":
			return "javascript:alert(1)", true
		}
		return "", false
	}
	out, err := New().Render([]byte("[next](CHG-0002-index.md) [x](evil.md) [y](https://a.example/)"), links)
	if err != nil {
		t.Fatal(err)
	}
	want := `<p><a href="../CHG-0002/">next</a> x <a href="https://a.example/">y</a></p>` + "\n"
	if string(out) != want {
		t.Errorf("got %q; want %q", out, want)
	}
}

// TestRenderWithin: an ordinary body renders; one that the parser takes
// quadratic time on is abandoned at the limit.
func TestRenderWithin(t *testing.T) {
	r := New()
	html, err := r.RenderWithin([]byte("# Title\n\nText."), nil, time.Second)
	if err != nil || !strings.Contains(string(html), "Text.") {
		t.Errorf("an ordinary body: %q, %v", html, err)
	}
	if _, err := r.RenderWithin([]byte(strings.Repeat("[a](", 6000)), nil, time.Millisecond); !errors.Is(err, ErrTooSlow) {
		t.Errorf("6,000 unclosed links within 1 ms: %v; want ErrTooSlow", err)
	}
}

// TestTableAlignmentWithoutStyle: column alignment is an align attribute,
// never an inline style (the fuzzer found goldmark's default style
// attribute, which a strict Content-Security-Policy blocks).
func TestTableAlignmentWithoutStyle(t *testing.T) {
	out := render(t, "| a | b |\n|:--|--:|\n| 1 | 2 |\n")
	if !strings.Contains(out, `<th align="left">a</th>`) || !strings.Contains(out, `<td align="right">2</td>`) || strings.Contains(out, "style=") {
		t.Errorf("got:\n%s", out)
	}
}

// TestHeadingsNestUnderThePage: a body's headings keep their structure but
// start at TopHeading (h3), below the record page's own "Notes" h2, and
// stop at h6.
func TestHeadingsNestUnderThePage(t *testing.T) {
	headings := func(out string) []string {
		var got []string
		for _, part := range strings.Split(out, "<h")[1:] {
			if part != "" && part[0] >= '1' && part[0] <= '6' {
				got = append(got, "h"+part[:1])
			}
		}
		return got
	}
	for src, want := range map[string]string{
		"## What happened\n\n### Timeline\n\ntext\n\n## Then\n": "h3 h4 h3",
		"# Top\n\n## Below\n\n###### Deepest\n":                 "h3 h4 h6",
		"#### Small\n\n##### Smaller\n":                         "h3 h4",
		"No heading.\n":                                         "",
	} {
		if got := strings.Join(headings(render(t, src)), " "); got != want {
			t.Errorf("%q renders headings %q; want %q", src, got, want)
		}
	}
}
