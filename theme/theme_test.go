package theme

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestContrastAA checks every badge and the theme's text colours against
// WCAG AA (4.5:1 for normal text), in light and dark mode.
func TestContrastAA(t *testing.T) {
	data, err := fs.ReadFile(FS(), "assets/main.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(data)
	badges := regexp.MustCompile(`\.([\w-]+) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}`).FindAllStringSubmatch(css, -1)
	if len(badges) < 15 {
		t.Fatalf("found %d badge rules; the pattern no longer matches the stylesheet", len(badges))
	}
	for _, b := range badges {
		if r := contrast(b[2], b[3]); r < 4.5 {
			t.Errorf(".%s: contrast %.2f:1, below 4.5:1", b[1], r)
		}
	}
	vars := regexp.MustCompile(`--(bg|surface|text|muted|link|warn-bg|warn-text): (#[0-9a-f]{6});`).FindAllStringSubmatch(css, -1)
	// The first occurrence of each variable is light mode, the second dark.
	modes := []map[string]string{{}, {}}
	for _, v := range vars {
		if _, ok := modes[0][v[1]]; !ok {
			modes[0][v[1]] = v[2]
		} else if _, ok := modes[1][v[1]]; !ok {
			modes[1][v[1]] = v[2]
		}
	}
	for i, m := range modes {
		for _, pair := range [][2]string{{"text", "bg"}, {"muted", "bg"}, {"muted", "surface"}, {"link", "bg"}, {"warn-text", "warn-bg"}} {
			fg, bg := m[pair[0]], m[pair[1]]
			if fg == "" || bg == "" {
				t.Fatalf("mode %d: no --%s or --%s", i, pair[0], pair[1])
			}
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("mode %d: --%s on --%s: contrast %.2f:1, below 4.5:1", i, pair[0], pair[1], r)
			}
		}
	}
}
