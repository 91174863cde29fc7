package site

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/changebook/changebook/generator/search"
)

const (
	dropdownOptions = `Array.from(document.querySelectorAll("#header-q-results [role=option] .id")).map(e => e.textContent)`
	pageResults     = `Array.from(document.querySelectorAll("[data-search-results] .id")).map(e => e.textContent)`
)

// typeInto replaces the text of the header's search box and waits until
// the dropdown shows the results of that text.
func typeInto(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	// The script makes the box's status region once the page has loaded,
	// which may be after the page is visible (a page just opened by Enter).
	run(t, ctx, chromedp.Poll[bool](`document.querySelector(".header-search [role=status]") !== null`))
	run(t, ctx, chromedp.Evaluate[bool](`(() => {
		document.querySelector("#header-q").value = "";
		document.querySelector(".header-search [role=status]").textContent = "";
		return true })()`))
	do(t, ctx, chromedp.Focus("#header-q"), chromedp.SendKeys("#header-q", text))
	run(t, ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector("#header-q-results").dataset.query === %q`, text)))
}

// searchPage changes the query or a facet of the search page and waits
// until the results of the new state are shown.
func searchPage(t *testing.T, ctx context.Context, change string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[bool](`(() => { document.querySelector("[data-search-count]").textContent = ""; return true })()`))
	run(t, ctx, chromedp.Evaluate[bool](change))
	run(t, ctx, chromedp.Poll[bool](`document.querySelector("[data-search-count]").textContent !== ""`))
}

func TestBrowserSearchDropdown(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#header-q`))

	// As-you-type: a prefix finds the record whose title begins a word with it.
	typeInto(t, ctx, "rot")
	if got := run(t, ctx, chromedp.Evaluate[[]string](dropdownOptions)); len(got) == 0 || got[0] != "CHG-0001" {
		t.Errorf(`"rot" shows %v; want CHG-0001 first`, got)
	}
	if exp := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#header-q").getAttribute("aria-expanded")`)); exp != "true" {
		t.Errorf("aria-expanded = %q with results shown", exp)
	}
	if live := run(t, ctx, chromedp.Evaluate[string](`document.querySelector(".header-search [role=status]").textContent`)); !strings.HasSuffix(live, "found") {
		t.Errorf("the live region says %q", live)
	}

	// Arrows move the active option, Enter opens it.
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	if id := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#header-q").getAttribute("aria-activedescendant")`)); id != "header-q-results-0" {
		t.Errorf("after ArrowDown the active option is %q", id)
	}
	do(t, ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(`.record-header`))
	if path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`)); path != "/changes/CHG-0001/" {
		t.Errorf("Enter opened %s", path)
	}

	// Escape closes the list.
	typeInto(t, ctx, "invoice")
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	if hidden := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#header-q-results").hidden`)); !hidden {
		t.Error("Escape left the list open")
	}

	// A typo of one letter still finds the record.
	typeInto(t, ctx, "invocie")
	if got := run(t, ctx, chromedp.Evaluate[[]string](dropdownOptions)); len(got) == 0 || got[0] != "CHG-0002" {
		t.Errorf(`"invocie" shows %v; want CHG-0002`, got)
	}

	// An exact id and Enter jump to the record.
	typeInto(t, ctx, "chg-0002")
	do(t, ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(`.record-header`))
	if path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`)); path != "/changes/CHG-0002/" {
		t.Errorf("an exact id and Enter opened %s", path)
	}
}

func TestBrowserSearchPage(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)

	// The URL's query and facets apply on load.
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=api"), chromedp.WaitVisible(`[data-search-results] li`))
	all := run(t, ctx, chromedp.Evaluate[[]string](pageResults))
	slices.Sort(all)
	if strings.Join(all, ",") != "CHG-0001,CHG-0003" {
		t.Errorf(`?q=api shows %v; want CHG-0001 and CHG-0003`, all)
	}
	// The counts of each facet add up to the results (systems excepted:
	// a change may touch several).
	for _, facet := range []string{"status", "type", "year"} {
		sum := run(t, ctx, chromedp.Evaluate[int](fmt.Sprintf(
			`Array.from(document.querySelectorAll("#facet-%s option")).reduce((n, o) => n + (+(o.textContent.match(/\((\d+)\)$/) || [0, 0])[1]), 0)`, facet)))
		if sum != len(all) {
			t.Errorf("the %s facet counts %d results; the list has %d", facet, sum, len(all))
		}
	}

	// Choosing a facet narrows the results and goes into the URL.
	searchPage(t, ctx, `(() => { const s = document.querySelector("#facet-system"); s.value = "billing"; return s.dispatchEvent(new Event("change")) })()`)
	if got := run(t, ctx, chromedp.Evaluate[[]string](pageResults)); strings.Join(got, ",") != "CHG-0003" {
		t.Errorf("system=billing shows %v; want CHG-0003", got)
	}
	if q := run(t, ctx, chromedp.Evaluate[string](`location.search`)); q != "?q=api&system=billing" {
		t.Errorf("the URL says %q", q)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=api&status=documented"), chromedp.WaitVisible(`[data-search-results] li`))
	if got := run(t, ctx, chromedp.Evaluate[[]string](pageResults)); strings.Join(got, ",") != "CHG-0001" {
		t.Errorf("?q=api&status=documented shows %v; want CHG-0001", got)
	}
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#facet-status").value`)); v != "documented" {
		t.Errorf("the status facet shows %q", v)
	}

	// A word of the body finds the record, with the word marked in its snippet.
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=happened"), chromedp.WaitVisible(`[data-search-results] li mark`))
	if got := run(t, ctx, chromedp.Evaluate[[]string](pageResults)); strings.Join(got, ",") != "CHG-0001" {
		t.Errorf("?q=happened shows %v; want CHG-0001", got)
	}
	if m := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-search-results] mark").textContent`)); !strings.EqualFold(m, "happened") {
		t.Errorf("the snippet marks %q", m)
	}

	// A signer's name finds what they signed.
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=dave+ito"), chromedp.WaitVisible(`[data-search-results] li`))
	if got := run(t, ctx, chromedp.Evaluate[[]string](pageResults)); strings.Join(got, ",") != "CHG-0001" {
		t.Errorf("?q=dave+ito shows %v; want CHG-0001", got)
	}

	// An exact id in the URL goes straight to the record.
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=CHG-0003"), chromedp.WaitVisible(`.record-header`))
	if path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`)); path != "/changes/CHG-0003/" {
		t.Errorf("?q=CHG-0003 landed on %s", path)
	}
}

// TestBrowserSearchHostileRecord: a record whose title and body hold
// markup shows it as text in results and snippets, and nothing runs.
func TestBrowserSearchHostileRecord(t *testing.T) {
	rec := "---\nid: CHG-0009\ntitle: 'zebra <script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">'\n" +
		"type: standard\nsystems: [api]\ncustomer_data: false\npull_request: https://github.com/example/p/pull/9\nreason: zebra\nscope: s\nsteps: [s]\nrisks: [{ id: R1, description: zebra, likelihood: low, impact: low, mitigations: [M1] }]\nmitigations: [{ id: M1, description: m }]\n" +
		"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\nzebra &lt;img src=x onerror=window.__xss=3&gt; <b onmouseover=\"window.__xss=4\">zebra</b>\n"
	site := renderRepo(t, withFiles(t, "testdata/repo", map[string][]byte{"changes/CHG-0009.md": []byte(rec)}))
	srv := serveSite(t, site)
	ctx := browser(t)
	dialogs := failOnDialogs(t, ctx)
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=zebra"), chromedp.WaitVisible(`[data-search-results] li .snippet mark`))
	title := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-search-results] .result-title").textContent`))
	if !strings.Contains(title, "<script>") {
		t.Errorf("the title shows as %q; want its markup as text", title)
	}
	// The title's match is marked, and only that becomes an element.
	if marks := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-search-results] .result-title *")).map(e => e.tagName + " " + e.textContent)`)); strings.Join(marks, ",") != "MARK zebra" {
		t.Errorf("the title's elements are %v; want one mark of zebra", marks)
	}
	typeInto(t, ctx, "zebra")
	if xss := run(t, ctx, chromedp.Evaluate[bool](`window.__xss === undefined && !document.querySelector("main img, .dropdown img, [onerror], [onmouseover]")`)); !xss || dialogs.Load() > 0 {
		t.Errorf("record markup became live: __xss set or an element made (dialogs %d)", dialogs.Load())
	}
}

// engineSearch runs q through the theme's search engine in the page and
// returns the ids of every hit, best first.
func engineSearch(t *testing.T, ctx context.Context, q string) []string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(async () => {
		window.idx = window.idx || new SearchIndex("/search/", new ListData("/data/changes/"));
		const r = await window.idx.search(%q);
		return (await window.idx.docs(r.hits)).map(d => d.id);
	})()`, q), chromedp.EvalAwaitPromise))
}

// freshEngineSearch is engineSearch on an index of its own, made for the
// query: what q finds when nothing has been fetched or cached before.
func freshEngineSearch(t *testing.T, ctx context.Context, q string) []string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(async () => {
		const idx = new SearchIndex("/search/", new ListData("/data/changes/"));
		const r = await idx.search(%q);
		return (await idx.docs(r.hits)).map(d => d.id);
	})()`, q), chromedp.EvalAwaitPromise))
}

// TestBrowserSearchRanking: a word in a title ranks above the same word in
// another field, which ranks above the body, whatever the ids.
func TestBrowserSearchRanking(t *testing.T) {
	record := func(id, title, reason, body string) []byte {
		return []byte("---\nid: " + id + "\ntitle: " + title + "\ntype: standard\nsystems: [api]\ncustomer_data: false\n" +
			"pull_request: https://github.com/example/p/pull/9\nreason: " + reason + "\nscope: s\nsteps: [s]\n" +
			"risks: [{ id: R1, description: r, likelihood: low, impact: low, mitigations: [M1] }]\nmitigations: [{ id: M1, description: m }]\n" +
			"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\n" + body + "\n")
	}
	site := renderRepo(t, withFiles(t, "testdata/repo", map[string][]byte{
		"changes/CHG-0007.md": record("CHG-0007", "Quiet change", "r", "The zephyr blew."),
		"changes/CHG-0008.md": record("CHG-0008", "Calm change", "A zephyr came.", "b"),
		"changes/CHG-0009.md": record("CHG-0009", "Zephyr drill", "r", "b"),
	}))
	srv := serveSite(t, site)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/404.html"))
	run(t, ctx, chromedp.Evaluate[bool](engineScript(t)+";true"))
	if got := engineSearch(t, ctx, "zephyr"); strings.Join(got, ",") != "CHG-0009,CHG-0008,CHG-0007" {
		t.Errorf(`"zephyr" ranks %v; want title (CHG-0009), field (CHG-0008), body (CHG-0007)`, got)
	}
	// Every word must match: adding one narrows.
	if got := engineSearch(t, ctx, "zephyr drill"); strings.Join(got, ",") != "CHG-0009" {
		t.Errorf(`"zephyr drill" finds %v`, got)
	}
	// The browser splits words as the index does, or typed words would
	// miss what was indexed.
	text := "CHG-0042: Café ÉCOLE straße x½y ٣٤ naïve-résumé 日本語 a_b"
	var want []string
	search.Words(text, func(w string) { want = append(want, w) })
	if got := run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`searchWords(%q)`, text))); !slices.Equal(got, want) {
		t.Errorf("the browser splits %q into %q; the index into %q", text, got, want)
	}
	// Stemming: another form of the word finds it.
	if got := engineSearch(t, ctx, "drills"); strings.Join(got, ",") != "CHG-0009" {
		t.Errorf(`"drills" finds %v`, got)
	}
}

// TestBrowserSearchExampleSite: on the example repository, every record is
// found by a word of its body, of a risk, a signer's name and a system,
// and comes first when searched by its id.
func TestBrowserSearchExampleSite(t *testing.T) {
	fsys := os.DirFS("../..")
	res := checkRepo(t, fsys)
	srv := serveSite(t, renderRepo(t, fsys))
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/404.html"))
	run(t, ctx, chromedp.Evaluate[bool](engineScript(t)+";true"))

	longest := func(text string) string {
		best := ""
		search.Words(text, func(w string) {
			if len(w) > len(best) && !strings.ContainsAny(w, "0123456789") {
				best = w
			}
		})
		return best
	}
	asked := 0
	for _, r := range res.Repository.Records {
		queries := map[string]string{
			"its id":   r.ID,
			"a system": r.Systems[0],
		}
		if w := longest(string(r.Body)); w != "" {
			queries["a word of its body"] = w
		}
		if len(r.Risks) > 0 {
			queries["a word of a risk"] = longest(r.Risks[0].Description)
		}
		if s := r.Signoffs.Request; s != nil {
			if p, ok := res.Repository.Config.People[s.By]; ok {
				queries["its requester's name"] = p.Name
			}
		}
		// In a fixed order, so that a failure is the same on every run; and
		// each answer of the page's one index (which has cached what the
		// earlier queries fetched, as a reader's page has) must be the
		// answer of an index that has fetched nothing yet.
		for _, what := range slices.Sorted(maps.Keys(queries)) {
			q := queries[what]
			asked++
			got := engineSearch(t, ctx, q)
			if fresh := freshEngineSearch(t, ctx, q); !slices.Equal(got, fresh) {
				t.Errorf("%s: searching %s (%q) after earlier queries finds %v; a fresh index finds %v", r.ID, what, q, got, fresh)
			}
			if !slices.Contains(got, r.ID) {
				t.Errorf("%s: searching %s (%q) does not find it (%d hits)", r.ID, what, q, len(got))
			}
			if what == "its id" && (len(got) == 0 || got[0] != r.ID) {
				t.Errorf("%s: searching its id ranks %v first", r.ID, got)
			}
		}
	}
	if n := len(res.Repository.Records); n < 20 || asked < 4*n {
		t.Errorf("asked %d questions about %d records; the example has more to ask", asked, n)
	}
}

// TestBrowserSearchSnippetIsRecordText: a snippet is taken from the
// record's own text (its fields and body), never from the page around it
// (stage names, signers, dates, headings), and the words the query matched
// are marked in the title too.
func TestBrowserSearchSnippetIsRecordText(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=rotate+old"), chromedp.WaitVisible(`[data-search-results] li .snippet mark`))
	if got := run(t, ctx, chromedp.Evaluate[[]string](pageResults)); len(got) == 0 || got[0] != "CHG-0001" {
		t.Fatalf("?q=rotate+old shows %v; want CHG-0001 first", got)
	}
	snippet := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-search-results] li .snippet").textContent`))
	for _, chrome := range []string{"#", "Stages", "Not signed", "Alice Martin", "developer", "2026-03-", "Reason", "Scope", "Notes"} {
		if strings.Contains(snippet, chrome) {
			t.Errorf("the snippet holds the page's %q: %q", chrome, snippet)
		}
	}
	if !strings.Contains(snippet, "The key is three years old.") {
		t.Errorf("the snippet %q does not show the reason's matched words", snippet)
	}
	marked := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-search-results] li .result-title mark")).map(m => m.textContent)`))
	if strings.Join(marked, ",") != "Rotate" {
		t.Errorf("the title marks %v; want Rotate", marked)
	}
}
