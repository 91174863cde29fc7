package hostile

import (
	"strings"
	"testing"
)

// TestInertJudges: the judge flags what could run and passes ordinary
// markup, so that a test built on it can fail.
func TestInertJudges(t *testing.T) {
	for _, live := range []string{
		`<script>x()</script>`, `<img src=x onerror=x()>`, `<a href=" java	script:x()">a</a>`,
		`<a href="data:text/html,x">a</a>`, `<p style="display:none">`, `<svg><a xlink:href="javascript:x()">`,
		`<form action="vbscript:x"></form>`, `<iframe src="https://a.example/">`, `<b OnClick="x()">b</b>`,
		strings.Repeat("<b>", 600) + `<img src=x onerror=x()>`, // deeper than the parser goes
	} {
		if len(Inert(live, nil)) == 0 {
			t.Errorf("%s: judged inert", live)
		}
	}
	for _, inert := range []string{
		`<p>Text &lt;script&gt;</p>`, `<a href="https://a.example/?q=%22">a</a>`, `<a href="#top">a</a>`,
		`<a href="../CHG-0002/">a</a>`, `<a href="mailto:a@example.com">a</a>`, `<img src="https://a.example/i.png" alt="i">`,
		`<input type="checkbox" disabled>`, strings.Repeat("<strong>", 600) + "deep",
	} {
		if p := Inert(inert, nil); len(p) > 0 {
			t.Errorf("%s: judged live: %v", inert, p)
		}
	}
	if len(Vectors) < 30 {
		t.Errorf("the corpus has %d vectors; the promise is 30 or more", len(Vectors))
	}
}
