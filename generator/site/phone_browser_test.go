package site

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserListsOnAPhone: at 390 px, no list page scrolls sideways, and
// every cell of every table (a change's status among them) lies within the
// viewport, labelled (the ::before the stylesheet gives it) with its
// column's heading.
func TestBrowserListsOnAPhone(t *testing.T) {
	srv := exampleSite(t)
	ctx := browser(t)
	for _, kind := range listKinds {
		open(t, ctx, srv, 390, pageKinds[kind])
		problems := run(t, ctx, chromedp.Evaluate[[]string](`(() => {
			const out = [];
			const doc = document.documentElement;
			if (doc.scrollWidth > window.innerWidth) out.push("the page is " + doc.scrollWidth + " px wide in a " + window.innerWidth + " px viewport");
			let statuses = 0;
			for (const table of document.querySelectorAll("main table.data")) {
				const heads = Array.from(table.tHead.rows[0].cells).map((th) => th.textContent.trim());
				for (const row of table.tBodies[0].rows) {
					for (const [i, td] of Array.from(row.cells).entries()) {
						if (td.colSpan > 1) continue;
						const r = td.getBoundingClientRect();
						if (r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 0.5)) out.push(row.cells[0].textContent.trim() + ": " + heads[i] + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
						const before = getComputedStyle(td, "::before").content;
						const label = before.startsWith('"') ? JSON.parse(before) : before;
						if (label !== heads[i]) out.push(row.cells[0].textContent.trim() + ": the " + heads[i] + " cell is labelled " + JSON.stringify(label));
					}
					const status = row.querySelector(".badge[class*=status-]");
					if (status) {
						statuses++;
						const r = status.getBoundingClientRect();
						if (r.width === 0 || r.left < 0 || r.right > window.innerWidth) out.push(row.cells[0].textContent.trim() + ": its status is not on screen");
					}
				}
			}
			return out.slice(0, 8);
		})()`))
		for _, p := range problems {
			t.Errorf("%s at 390 px: %s", kind, p)
		}
	}
}
