package publish

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkWriteSite writes files as a build does: shards of a list's
// data, four folders deep, and pages each in a folder of its own.
func BenchmarkWriteSite(b *testing.B) {
	data := []byte("{}")
	for b.Loop() {
		b.StopTimer()
		s, err := Stage(filepath.Join(b.TempDir(), "public"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := range 2000 {
			if err := s.WriteFile(fmt.Sprintf("data/changes/0123456789abcdef/r/%d.json", i), data); err != nil {
				b.Fatal(err)
			}
			if err := s.WriteFile(fmt.Sprintf("changes/CHG-%05d/index.html", i), data); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.Abort()
		b.StartTimer()
	}
}
