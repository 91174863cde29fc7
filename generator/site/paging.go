package site

import (
	"fmt"
	"strconv"
	"strings"
)

// rowsPerPage is how many rows one page of a list shows. A list of 25,000
// risks on one page was 19 MB that Chromium took half a minute to lay out;
// a hundred rows read at a glance, print on a few sheets and keep every
// page of any site well under 500 KB.
const rowsPerPage = 100

// pagerNear is how many pages on each side of the current one the pager
// links to, besides the first and the last.
const pagerNear = 2

// Pager says where one page of a list stands among the list's pages, and
// links to the others. Every list pages the same way: page 1 at the
// list's folder, page k at its page/k/ (there is no page/1/).
type Pager struct {
	// List names the list for the JavaScript ("changes": the table's
	// data-list, the count's data-count); "" for the tables it does not
	// drive (a system's, a person's).
	List string
	// Heading names the rows as a heading does ("Changes", "Sign-offs"),
	// noun one of them as a count does ("change").
	Heading, noun string
	Page, Pages   int
	// From and To are the numbers of the first and the last row shown,
	// from 1; Total counts the rows of every page.
	From, To, Total int
	// Prev and Next lead to the neighbouring pages, "" at either end.
	Prev, Next string
	// Links are the pages the pager names: the first, the last, those
	// near the current one, and gaps between them.
	Links []PageLink
}

// PageLink is one entry of a pager: a page, or a gap ("…") between two.
type PageLink struct {
	Number  int
	Href    string
	Current bool
	Gap     bool
}

// pageCount is how many pages a list of n rows fills: one at least, so an
// empty list still has its page saying so.
func pageCount(n int) int {
	return max(1, (n+rowsPerPage-1)/rowsPerPage)
}

// pagePath is the file of page k of the list in folder base ("risks/").
func pagePath(base string, k int) string {
	return pageFolder(base, k) + "index.html"
}

// pageFolder is the folder of page k of the list in folder base.
func pageFolder(base string, k int) string {
	if k <= 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(k) + "/"
}

// pageRows is the slice of rows page k (from 1) shows.
func pageRows[T any](rows []T, k int) []T {
	from := min(len(rows), (k-1)*rowsPerPage)
	return rows[from:min(len(rows), from+rowsPerPage)]
}

// newPager describes page k of a list of total rows in folder base, for a
// page whose root is root.
func newPager(list, heading, noun, base, root string, k, total int) *Pager {
	p := &Pager{List: list, Heading: heading, noun: noun, Page: k, Pages: pageCount(total), Total: total}
	p.From, p.To = min(total, (k-1)*rowsPerPage+1), min(total, k*rowsPerPage)
	href := func(j int) string { return root + pageFolder(base, j) }
	if k > 1 {
		p.Prev = href(k - 1)
	}
	if k < p.Pages {
		p.Next = href(k + 1)
	}
	last := 0
	for j := 1; j <= p.Pages; j++ {
		if j != 1 && j != p.Pages && (j < k-pagerNear || j > k+pagerNear) {
			continue
		}
		if last != 0 && j > last+1 {
			p.Links = append(p.Links, PageLink{Gap: true})
		}
		p.Links = append(p.Links, PageLink{Number: j, Href: href(j), Current: j == k})
		last = j
	}
	return p
}

// Count is the list's count line: "3 risks" on a list that fits one
// page, "Risks 101–200 of 25,114" on a page of many.
func (p *Pager) Count() string {
	if p.Pages <= 1 {
		return pluralNumber(p.Total, p.noun)
	}
	return fmt.Sprintf("%s %s–%s of %s", p.Heading, thousands(p.From), thousands(p.To), thousands(p.Total))
}

// Label names the rows in a sentence: "changes", "sign-offs".
func (p *Pager) Label() string { return strings.ToLower(p.Heading) }

// Title is the page's title: the list's, with the page's number after
// the first.
func (p *Pager) Title(title string) string {
	if p.Page <= 1 {
		return title
	}
	return fmt.Sprintf("%s, page %d of %d", title, p.Page, p.Pages)
}

// pluralNumber counts as plural does, with the thousands separated.
func pluralNumber(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with its thousands separated by commas: 25,114.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
