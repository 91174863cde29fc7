package site

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/generator/record"
)

// TestBrowserBadgeContrast measures, in the browser and in both colour
// schemes, the contrast of every badge (each status, type, risk level and
// customer data) and every heat-map cell against its own background, as
// rendered: WCAG AA (4.5:1), no filter that would make the measure a lie,
// and a background that follows the scheme (dark on the dark page: light
// pastel badges on a dark page glare), and dark ink when printed.
func TestBrowserBadgeContrast(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	var badges []string
	for _, s := range record.Statuses {
		badges = append(badges, "status-"+string(s))
	}
	for _, ty := range record.ChangeType("").Enum() {
		badges = append(badges, "type-"+ty)
	}
	for _, l := range record.RiskLevels {
		badges = append(badges, "level-"+string(l))
	}
	badges = append(badges, "customer-data")
	cells := []string{}
	for rank := 0; rank <= len(record.RiskLevels); rank++ {
		cells = append(cells, fmt.Sprintf("heat-%d", rank))
	}
	// Printed, a reader whose system is dark still gets dark ink on paper.
	for _, name := range []string{"light", "dark", "printed dark"} {
		media := ""
		if name == "printed dark" {
			media = "print"
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Media:    media,
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: strings.TrimPrefix(name, "printed ")}},
		}); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, srv, 1400, "/")
		// Every class in one place, as the pages use them: badges in a
		// table cell, heat classes on cells of a .heatmap table.
		results := run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
			const main = document.querySelector("main");
			const table = document.createElement("table");
			table.className = "data";
			const row = table.insertRow();
			for (const c of %s) {
				const span = document.createElement("span");
				span.className = "badge " + c;
				span.textContent = c;
				row.insertCell().appendChild(span);
			}
			main.appendChild(table);
			const heat = document.createElement("table");
			heat.className = "heatmap";
			const hrow = heat.insertRow();
			for (const c of %s) {
				const cell = hrow.insertCell();
				cell.className = c;
				cell.textContent = "3";
			}
			main.appendChild(heat);
			const rgb = (s) => s.match(/[\d.]+/g).map(Number);
			const lum = ([r, g, b]) => {
				const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
				return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
			};
			// The colour behind an element: its own, or its nearest
			// ancestor's that is not transparent.
			const background = (el) => {
				for (; el; el = el.parentElement) {
					const c = rgb(getComputedStyle(el).backgroundColor);
					if (c.length < 4 || c[3] > 0) return c;
				}
				return [255, 255, 255];
			};
			const out = [];
			for (const el of document.querySelectorAll(".badge, .heatmap td")) {
				const st = getComputedStyle(el);
				const fg = lum(rgb(st.color)), bg = lum(background(el));
				const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
				out.push([el.className, ratio.toFixed(2), st.filter, fg > bg ? "light-on-dark" : "dark-on-light"].join("|"));
			}
			return out;
		})()`, jsList(badges), jsList(cells))))
		seen := map[string]bool{}
		for _, r := range results {
			f := strings.Split(r, "|")
			class, ratio, filter, polarity := f[0], f[1], f[2], f[3]
			seen[class] = true
			var x float64
			fmt.Sscan(ratio, &x)
			if x < 4.5 {
				t.Errorf("%s scheme: .%s has contrast %s:1, below 4.5:1", name, class, ratio)
			}
			if filter != "none" {
				t.Errorf("%s scheme: .%s has filter %s: its colours are not what the reader sees", name, class, filter)
			}
			if want := map[string]string{"light": "dark-on-light", "dark": "light-on-dark", "printed dark": "dark-on-light"}[name]; polarity != want {
				t.Errorf("%s scheme: .%s is %s; want %s", name, class, polarity, want)
			}
		}
		for _, c := range append(append([]string{}, badges...), cells...) {
			if !seen["badge "+c] && !seen[c] {
				t.Errorf("%s scheme: .%s was not measured", name, c)
			}
		}
	}
}

// jsList is a JavaScript array literal of strings.
func jsList(items []string) string {
	return "[" + `"` + strings.Join(items, `","`) + `"` + "]"
}
