package site

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/chromedp/chromedp"
)

// listSiteRecords is the size of the synthetic site the lists' browser
// tests run on, the 10,000: a filtered view spans pages and a
// filter brings up rows from far pages. The site is the one the paging
// and page-size tests read, rendered once per test binary.
const listSiteRecords = 10000

// listSite serves the synthetic site of listSiteRecords records from
// memory and returns its model, which says what every view must show.
func listSite(t *testing.T) (*Model, *httptest.Server) {
	t.Helper()
	m, srv, _ := listSiteLogged(t)
	return m, srv
}

// listSiteLogged is listSite with the paths it serves logged.
func listSiteLogged(t *testing.T) (*Model, *httptest.Server, *pathLog) {
	t.Helper()
	m, files := renderedSynthetic(t, listSiteRecords)
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	log := &pathLog{}
	serve := http.FileServer(http.FS(fsys))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.URL.Path)
		serve.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return m, srv, log
}

// pathLog is the paths a server was asked for.
type pathLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *pathLog) add(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paths = append(l.paths, path)
}

// take returns the paths asked for since the last take that match re.
func (l *pathLog) take(re *regexp.Regexp) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, p := range l.paths {
		if re.MatchString(p) {
			out = append(out, p)
		}
	}
	l.paths = nil
	return out
}

// commas writes n as the count line does: 1,234.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// countLine is what the count line says of page (1-based) of a view of
// shown rows out of all, filtered or not.
func countLine(shown, all, page int, noun string, filtered bool) string {
	plural := func(n int) string {
		if n == 1 {
			return noun
		}
		return noun + "s"
	}
	if shown <= 100 {
		if filtered {
			return fmt.Sprintf("%s of %s %s", commas(shown), commas(all), plural(all))
		}
		return fmt.Sprintf("%s %s", commas(shown), plural(shown))
	}
	first, last := (page-1)*100+1, min(shown, page*100)
	s := fmt.Sprintf("%s–%s of %s %s", commas(first), commas(last), commas(shown), plural(shown))
	if filtered {
		s += fmt.Sprintf(" (%s in all)", commas(all))
	}
	return s
}

const (
	changeRows = `Array.from(document.querySelectorAll("#changes tbody tr")).map(r => r.cells[0].textContent.trim())`
	riskLabels = `Array.from(document.querySelectorAll("#risks tbody tr")).map(r => r.cells[1].querySelector("a").textContent.trim())`
)

func ids(changes []*Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.ID
	}
	return out
}

// firstDiff says where got and want part, for a failure message.
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d is %s; want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d rows; want %d", len(got), len(want))
}

// TestBrowserListFiltersAllRows: a filter of the changes list answers
// over all rows, not the page's: the view shows the matching changes of
// far pages, in the list's order, pages through them, says how many, and
// lives in the URL (reload keeps it, the back button goes back a view).
func TestBrowserListFiltersAllRows(t *testing.T) {
	m, srv := listSite(t)
	ctx := browser(t)
	where := func(keep func(*Change) bool) []*Change {
		var out []*Change
		for _, c := range m.Changes {
			if keep(c) {
				out = append(out, c)
			}
		}
		return out
	}
	check := func(what string, want []*Change, page int, filtered bool) {
		t.Helper()
		drawn(t, ctx, "#changes")
		shown := want[min(len(want), (page-1)*100):min(len(want), page*100)]
		if got := run(t, ctx, chromedp.Evaluate[[]string](changeRows)); !slices.Equal(got, ids(shown)) {
			t.Errorf("%s: %s", what, firstDiff(got, ids(shown)))
		}
		wantCount := countLine(len(want), len(m.Changes), page, "change", filtered)
		if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('[data-count="changes"]').textContent`)); got != wantCount {
			t.Errorf("%s: the count line says %q; want %q", what, got, wantCount)
		}
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#changes`))
	staticRows := run(t, ctx, chromedp.Evaluate[[]string](changeRows))

	// The system of the list's last change, with a status: a view whose
	// rows come from the whole list, the last page's change among them.
	last := m.Changes[len(m.Changes)-1]
	system := last.Systems[0]
	narrow := where(func(c *Change) bool {
		return c.Status == last.Status && c.Level == last.Level && slices.Contains(c.Systems, system)
	})
	if len(narrow) > 100 || narrow[len(narrow)-1] != last {
		t.Fatalf("status %s, level %s on %s: %d changes; the test needs at most 100, ending with %s", last.Status, last.Level, system, len(narrow), last.ID)
	}
	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/changes/?status=%s&level=%s&system=%s", srv.URL, last.Status, last.Level, system)))
	check("status, level and system in the URL", narrow, 1, true)

	// One status: a view of several pages, paged by the pager's links.
	documented := where(func(c *Change) bool { return c.Status == "documented" })
	if len(documented) <= 200 {
		t.Fatalf("%d documented changes; the test needs three pages", len(documented))
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?status=documented"))
	check("status=documented", documented, 1, true)
	do(t, ctx, chromedp.Click(`nav[data-pager="changes"] a[rel=next]`))
	check("the next page", documented, 2, true)
	if loc := run(t, ctx, chromedp.Evaluate[string](`location.search`)); loc != "?status=documented&page=2" {
		t.Errorf("the next page's URL is %q; want ?status=documented&page=2", loc)
	}
	do(t, ctx, chromedp.Reload())
	check("page 2 reloaded", documented, 2, true)
	run(t, ctx, chromedp.Evaluate[bool](`history.back(), true`))
	run(t, ctx, chromedp.Poll[bool](`location.search === "?status=documented"`))
	check("back from page 2", documented, 1, true)

	// The form narrows the view further, a history entry per choice.
	run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector("#f-system"); s.value = %q; s.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, system)))
	check("documented on "+system, where(func(c *Change) bool { return c.Status == "documented" && slices.Contains(c.Systems, system) }), 1, true)
	if loc := run(t, ctx, chromedp.Evaluate[string](`location.search`)); loc != "?status=documented&system="+system {
		t.Errorf("the form wrote %q", loc)
	}
	run(t, ctx, chromedp.Evaluate[bool](`history.back(), true`))
	run(t, ctx, chromedp.Poll[bool](`location.search === "?status=documented"`))
	check("back from the system", documented, 1, true)
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#f-system").value`)); v != "" {
		t.Errorf("back from the system leaves %q in its box", v)
	}

	// Dates over all rows: requested in one month.
	month := last.Requested.String()[:7]
	inMonth := where(func(c *Change) bool { return strings.HasPrefix(c.Requested.String(), month) })
	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/changes/?from=%s-01&to=%s-31", srv.URL, month, month)))
	check("requested in "+month, inMonth, 1, true)

	// Clearing the form shows the static page again.
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?status=documented"))
	drawn(t, ctx, "#changes")
	do(t, ctx, chromedp.Click(`form[data-filters] button[type=reset]`))
	run(t, ctx, chromedp.Poll[bool](`location.search === ""`))
	drawn(t, ctx, "#changes")
	if got := run(t, ctx, chromedp.Evaluate[[]string](changeRows)); !slices.Equal(got, staticRows) {
		t.Errorf("cleared: %s", firstDiff(got, staticRows))
	}
}

// TestBrowserListSortsAllRows: a sort orders every row of the list, not
// the page's, ties in the list's order: the risk register by likelihood,
// the changes list by date of request (the undated last).
func TestBrowserListSortsAllRows(t *testing.T) {
	m, srv := listSite(t)
	ctx := browser(t)

	risks := slices.Clone(m.Risks())
	slices.SortStableFunc(risks, func(a, b *RiskEntry) int { return a.Likelihood.Rank() - b.Likelihood.Rank() })
	var want []string
	for _, r := range risks[:100] {
		want = append(want, r.Change.ID+" "+r.ID)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(`#risks th:nth-child(5) button.sort`), chromedp.Click(`#risks th:nth-child(5) button.sort`))
	drawn(t, ctx, "#risks")
	if got := run(t, ctx, chromedp.Evaluate[[]string](riskLabels)); !slices.Equal(got, want) {
		t.Errorf("risks by likelihood: %s", firstDiff(got, want))
	}
	if loc := run(t, ctx, chromedp.Evaluate[string](`location.search`)); loc != "?sort=likelihood&dir=asc" {
		t.Errorf("the sort's URL is %q", loc)
	}
	if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#risks th:nth-child(5)").getAttribute("aria-sort")`)); got != "ascending" {
		t.Errorf("the sorted column's aria-sort is %q", got)
	}

	changes := slices.Clone(m.Changes)
	slices.SortStableFunc(changes, func(a, b *Change) int {
		x, y := a.Requested.String(), b.Requested.String()
		if (x == "") != (y == "") {
			return cmp.Compare(y, x) // the undated last
		}
		return strings.Compare(y, x)
	})
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?sort=requested&dir=desc&page=10"))
	drawn(t, ctx, "#changes")
	if got, want := run(t, ctx, chromedp.Evaluate[[]string](changeRows)), ids(changes[900:1000]); !slices.Equal(got, want) {
		t.Errorf("changes by request, newest first, page 10: %s", firstDiff(got, want))
	}
}

// TestBrowserSearchPageOverListData: the search page on the synthetic
// site narrows by a facet (the rows and the facets come from the changes
// list's data) and still counts each facet's values.
func TestBrowserSearchPageOverListData(t *testing.T) {
	m, srv := listSite(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=rollback&status=documented"), chromedp.WaitVisible(`#q`))
	run(t, ctx, chromedp.Poll[bool](`document.querySelector("[data-search-results] li") !== null`))
	statuses := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-search-results] .badge[class*=status-]")).map(b => b.textContent)`))
	if len(statuses) == 0 {
		t.Fatal("rollback, documented: no results")
	}
	for _, s := range statuses {
		if s != "documented" {
			t.Fatalf("rollback, documented shows a %s change", s)
		}
	}
	// The type facet counts the documented changes that say rollback, of
	// each type; the status facet (its own filter left out) those of each
	// status.
	want := map[string]int{}
	for _, c := range m.Changes {
		if !mentionsRollback(c) {
			continue
		}
		want["status "+string(c.Status)]++
		if c.Status == "documented" {
			want["type "+string(c.Type)]++
		}
	}
	got := map[string]int{}
	for _, facet := range []string{"status", "type"} {
		for _, label := range run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll("#facet-%s option")).slice(1).map(o => o.textContent)`, facet))) {
			var value string
			var n int
			if _, err := fmt.Sscanf(label, "%s (%d)", &value, &n); err != nil {
				t.Fatalf("the %s facet's option %q has no count", facet, label)
			}
			got[facet+" "+value] = n
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("facet counts %v; want %v", got, want)
	}
	counted := run(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#facet-system option")).filter(o => /\(\d+\)$/.test(o.textContent)).length`))
	if counted == 0 {
		t.Error("the system facet shows no counts")
	}
}

// TestBrowserListHostileRecord: a record whose title, risk and mitigation
// hold markup shows it as text in the rows a filtered view draws, and
// nothing of it runs.
func TestBrowserListHostileRecord(t *testing.T) {
	bad := `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`
	rec := "---\nid: CHG-0009\ntitle: 'zebra " + bad + "'\n" +
		"type: standard\nsystems: [api]\ncustomer_data: false\npull_request: https://github.com/example/p/pull/9\nreason: zebra\nscope: s\nsteps: [s]\n" +
		"risks: [{ id: R1, description: '" + bad + "', likelihood: low, impact: low, mitigations: [M1] }]\nmitigations: [{ id: M1, description: '" + bad + "' }]\n" +
		"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\nzebra\n"
	srv := serveSite(t, renderRepo(t, withFiles(t, "testdata/repo", map[string][]byte{"changes/CHG-0009.md": []byte(rec)})))
	ctx := browser(t)
	dialogs := failOnDialogs(t, ctx)
	for _, view := range []struct{ path, table string }{
		{"/changes/?system=api&sort=status&dir=asc", "#changes"},
		{"/risks/?level=low", "#risks"},
		{"/mitigations/?system=api", "#mitigations"},
	} {
		do(t, ctx, chromedp.Navigate(srv.URL+view.path), chromedp.WaitVisible(view.table))
		drawn(t, ctx, view.table)
		text := run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).tBodies[0].textContent`, view.table)))
		if !strings.Contains(text, "<script>") || !strings.Contains(text, "CHG-0009") {
			t.Errorf("%s: the rows read %q; want CHG-0009 with its markup as text", view.path, text)
		}
		if clean := run(t, ctx, chromedp.Evaluate[bool](`window.__xss === undefined && !document.querySelector("main img, main script, [onerror]")`)); !clean || dialogs.Load() > 0 {
			t.Errorf("%s: record markup became live (dialogs %d)", view.path, dialogs.Load())
		}
	}
}

// mentionsRollback tells whether the search index holds a word of c that
// begins with "rollback", as the search page's query "rollback" (still
// being typed) matches.
func mentionsRollback(c *Change) bool {
	d := searchDoc(c)
	text := strings.Join(slices.Concat([]string{d.ID, d.Title, d.Body}, d.Fields, d.People, d.Systems, d.Tags), " ")
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.HasPrefix(w, "rollback") {
			return true
		}
	}
	return false
}

// A view begun on a later static page is of all rows: not that page's
// title nor its neighbours, and its pager leads to the list's first page.
func TestBrowserViewFromALaterPage(t *testing.T) {
	_, srv := listSite(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/page/3/?status=approved"), chromedp.WaitVisible(`#changes`))
	drawn(t, ctx, "#changes")
	if title := run(t, ctx, chromedp.Evaluate[string](`document.title`)); strings.Contains(title, "page 3") {
		t.Errorf("title %q: a view of all rows is not page 3", title)
	}
	if rels := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('head link[rel="prev"], head link[rel="next"]').length`)); rels != 0 {
		t.Errorf("%d <link rel=prev/next> of the static page 3", rels)
	}
	paths := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("nav[data-pager=changes] a")).map(a => new URL(a.href).pathname)`))
	if len(paths) == 0 {
		t.Fatal("no pager links")
	}
	for _, p := range paths {
		if p != "/changes/" {
			t.Errorf("a pager link leads to %s; want /changes/?…", p)
		}
	}
}

// TestBrowserFilteredPageFromFewFiles: the page of a view filtered on a
// value with a layout comes from a few of the value's shards, not from a
// shard of the list's order for nearly every row (documented changes of
// one system lie every 30 rows or so: a page of them spans over 100 of
// the list's shards), and a filter change that keeps the value fetches
// few more. The rows are the view's, as TestBrowserListFiltersAllRows
// checks them.
func TestBrowserFilteredPageFromFewFiles(t *testing.T) {
	m, srv, log := listSiteLogged(t)
	ctx := browser(t)
	system := m.Changes[len(m.Changes)-1].Systems[0]
	rowFiles := regexp.MustCompile(`^/data/changes/[0-9a-f]{16}/[rv]/`)
	const most = 5
	for _, status := range []string{"documented", "approved"} {
		var want []string
		for _, c := range m.Changes {
			if string(c.Status) == status && slices.Contains(c.Systems, system) && len(want) < 100 {
				want = append(want, c.ID)
			}
		}
		if len(want) < 100 {
			t.Fatalf("%d %s changes on %s; the test needs a page of them", len(want), status, system)
		}
		if status == "documented" {
			do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/changes/?status=%s&system=%s", srv.URL, status, system)))
		} else {
			log.take(rowFiles)
			run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector("#f-status"); s.value = %q; s.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, status)))
			run(t, ctx, chromedp.Poll[bool](fmt.Sprintf(`location.search === "?status=%s&system=%s"`, status, system)))
		}
		drawn(t, ctx, "#changes")
		if got := run(t, ctx, chromedp.Evaluate[[]string](changeRows)); !slices.Equal(got, want) {
			t.Errorf("%s on %s: %s", status, system, firstDiff(got, want))
		}
		if files := log.take(rowFiles); len(files) > most {
			t.Errorf("%s on %s: the page's rows came from %d files; want at most %d: %v", status, system, len(files), most, files)
		}
	}
}

// TestBrowserSortByTheFilteredFacet: a sort by status of a view filtered
// on one status is the list's order of that status's rows, and fetches
// no other status's rows (a sort walks the statuses in order, fetching
// each one's rows until the page is full: here five for nothing).
func TestBrowserSortByTheFilteredFacet(t *testing.T) {
	m, srv, log := listSiteLogged(t)
	ctx := browser(t)
	var want []string
	for _, c := range m.Changes {
		if c.Status == "documented" && len(want) < 100 {
			want = append(want, c.ID)
		}
	}
	statusSets := regexp.MustCompile(`^/data/changes/[0-9a-f]{16}/f/0/`) // status is the changes' first facet
	for _, dir := range []string{"asc", "desc"} {
		log.take(statusSets)
		do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?status=documented&sort=status&dir="+dir))
		drawn(t, ctx, "#changes")
		if got := run(t, ctx, chromedp.Evaluate[[]string](changeRows)); !slices.Equal(got, want) {
			t.Errorf("documented by status, %s: %s", dir, firstDiff(got, want))
		}
		if sets := log.take(statusSets); len(sets) != 1 {
			t.Errorf("documented by status, %s: fetched %d statuses' rows, want 1: %v", dir, len(sets), sets)
		}
	}
}

// TestBrowserStatusOnASystem: a view of a status on a system fetches the
// rows of that pair (one set, not the status's and the system's) and its
// page from the pair's layout, where its rows lie together: the risk
// register, whose rows are the largest.
func TestBrowserStatusOnASystem(t *testing.T) {
	m, srv, log := listSiteLogged(t)
	ctx := browser(t)
	system := m.Changes[len(m.Changes)-1].Systems[0]
	var want []string
	for _, r := range m.Risks() {
		if r.Change.Status == "approved" && slices.Contains(r.Change.Systems, system) && len(want) < 100 {
			want = append(want, r.Change.ID+" "+r.ID)
		}
	}
	if len(want) < 100 {
		t.Fatalf("%d risks of approved changes on %s; the test needs a page of them", len(want), system)
	}
	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/risks/?status=approved&system=%s", srv.URL, system)))
	drawn(t, ctx, "#risks")
	if got := run(t, ctx, chromedp.Evaluate[[]string](riskLabels)); !slices.Equal(got, want) {
		t.Errorf("approved on %s: %s", system, firstDiff(got, want))
	}
	files := log.take(regexp.MustCompile(`^/data/risks/[0-9a-f]{16}/[frv]/`))
	var sets, rows []string
	for _, f := range files {
		if strings.Contains(f, "/f/") {
			sets = append(sets, f)
		} else {
			rows = append(rows, f)
		}
	}
	if len(sets) != 1 || len(rows) > 3 {
		t.Errorf("approved on %s: %d row sets (want 1) and %d files of rows (want at most 3): %v", system, len(sets), len(rows), files)
	}
}
