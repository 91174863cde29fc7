package policy

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/hostile"
	"github.com/changebook/changebook/internal/testkit/synth"
	"github.com/changebook/changebook/internal/testkit/timebound"
)

// worstHead is a record's fields up to systems, for the shapes below.
const worstHead = "id: CHG-0001\ntitle: t\ntype: standard\nreason: r\nscope: s\ncustomer_data: false\nsteps: [a]\n"

// worstShape is a repository that used to cost far more than its size.
type worstShape struct {
	name  string
	files fstest.MapFS
	// records is the number of record files, for the memory budget.
	records int
}

// worstShapes returns the worst inputs under the size limits: every bomb
// of internal/testkit/hostile at about 800 KB (under the 1 MiB record limit), 15,000
// unknown systems and 19,000 unknown fields on one line of about 1 MB,
// lists of 500,000 values, and 1,000 records on one system in one window.
func worstShapes() []worstShape {
	cfg := &fstest.MapFile{Data: []byte("systems: [api, billing, postgres]\n")}
	one := func(name, src string) worstShape {
		return worstShape{name, fstest.MapFS{"changebook.yaml": cfg, "changes/CHG-0001.md": {Data: []byte(src)}}, 1}
	}
	var shapes []worstShape
	for _, b := range hostile.Bombs(800_000) {
		shapes = append(shapes, one(b.Name, b.Src))
	}
	systems := make([]string, 15_000)
	for i := range systems {
		systems[i] = fmt.Sprintf("unknown-system-with-a-rather-long-name-to-fill-the-line-%08d", i)
	}
	shapes = append(shapes, one("unknown-systems-one-line", "---\n"+worstHead+"systems: ["+strings.Join(systems, ", ")+"]\n---\n"))
	fields := make([]string, 19_000)
	for i := range fields {
		fields[i] = fmt.Sprintf("unknown-field-with-a-long-name-%012d: 1", i)
	}
	shapes = append(shapes, one("unknown-fields-one-line", "---\n{"+strings.Join(fields, ", ")+"}\n---\n"))
	// Wide rather than deep: the node budget (20,000 values) applies once
	// the YAML library has built its tree of all 500,000; the heap this
	// takes is yaml.v3's and is the largest of these shapes.
	shapes = append(shapes, one("yaml-wide-flow-one-line", "---\na: ["+strings.Repeat("1,", 500_000)+"1]\n---\n"))
	shapes = append(shapes, one("yaml-wide-flow-under-the-refusal", "---\na: ["+strings.Repeat("1,", 199_000)+"1]\n---\n"))
	shapes = append(shapes, one("yaml-wide-block", "---\na:\n"+strings.Repeat("- 1\n", 250_000)+"---\n"))
	// Numbers that are not integers, each resolved by the fast YAML
	// path's port of yaml.v3's rules (it asked yaml.v3 for each one,
	// 8 us a value, and sat at the bound).
	shapes = append(shapes, one("yaml-wide-flow-of-floats", "---\na: ["+strings.Repeat("1.5,", 199_000)+"1]\n---\n"))
	shapes = append(shapes, one("yaml-wide-flow-of-versions", "---\na: ["+strings.Repeat("1.2.3,", 170_000)+"1]\n---\n"))
	// A syntax error after 40,000 keys: finding its place parses
	// prefixes of the text again (see frontmatter.yamlDoomedAt).
	shapes = append(shapes, one("yaml-keys-then-a-mistake", "---\n"+strings.Repeat("k: v\n", 40_000)+"risks:\n  - id: R1\n    likelihood: low\n   impact: low\n---\n"))
	shapes = append(shapes, one("json-wide-one-line", "{\n\"a\": ["+strings.Repeat("1,", 500_000)+"1]\n}\n"))
	overlaps := fstest.MapFS{"changebook.yaml": cfg}
	for i := 1; i <= 1000; i++ {
		id := fmt.Sprintf("CHG-%04d", i)
		overlaps["changes/"+id+".md"] = &fstest.MapFile{Data: []byte("---\n" + strings.Replace(worstHead, "CHG-0001", id, 1) +
			"systems: [api]\nwindow: {start: 2026-11-10T22:00:00Z, end: 2026-11-10T23:00:00Z}\n---\n")}
	}
	shapes = append(shapes, worstShape{"overlaps-1000-records", overlaps, 1000})
	return shapes
}

// peakHeap runs f and returns the most heap its objects took above what
// they took before, sampled every half millisecond (runtime/metrics reads
// do not stop the world), and how long f ran.
func peakHeap(f func()) (peak uint64, took time.Duration) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			if h := read(); h > base {
				peak = max(peak, h-base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(done)
	wg.Wait()
	return peak, took
}

// checkAndReport is what `changebook check` does with a repository, in
// every output format.
func checkAndReport(tb testing.TB, fsys fstest.MapFS) []diag.Finding {
	res, err := checkFiles(context.Background(), fsys, repository.Options{}, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	r := &report.Report{Records: len(res.Repository.Records), Findings: res.Findings, Tool: "changebook", Version: "test"}
	for _, f := range report.Formats {
		if err := report.Write(io.Discard, f, r, report.Options{Color: true}); err != nil {
			tb.Fatal(err)
		}
	}
	return res.Findings
}

// TestWorstShapesStayBounded: for each worst shape, checking and writing
// every report format keeps the heap under 100 MB per record file of up to
// 1 MiB (and 100 MB for the 1,000 small records), and takes at most
// maxTimeRatio times as long as checking referenceRecords clean records
// just before it. A ratio, not a time: on this shared machine, and under
// the race detector, a fixed limit failed on load alone. Before:
// 15,000 unknown systems on one line ended in "fatal error: out of memory"
// (each finding copied the 1 MB line), 1,000 overlapping windows gave 2
// million findings and took 8 s and 1.5 GB.
func TestWorstShapesStayBounded(t *testing.T) {
	clean := cleanRepository()
	for _, s := range worstShapes() {
		t.Run(s.name, func(t *testing.T) {
			var fs []diag.Finding
			var peak uint64
			ratio := timebound.Within(t, maxTimeRatio,
				func() { checkAndReport(t, clean) },
				func() { peak, _ = peakHeap(func() { fs = checkAndReport(t, s.files) }) })
			t.Logf("%d findings, peak heap %d MB, %.1f times the reference", len(fs), peak>>20, ratio)
			if budget := uint64(100 << 20); peak > budget {
				t.Errorf("peak heap %d MB; want under %d MB", peak>>20, budget>>20)
			}
			if errs, warns := diag.Count(fs); errs+warns == 0 {
				t.Error("no finding")
			}
		})
	}
}

// BenchmarkWorstShapes reports the peak heap of each worst shape with its
// time: `go test -run '^$' -bench WorstShapes ./generator/policy`.
func BenchmarkWorstShapes(b *testing.B) {
	for _, s := range worstShapes() {
		b.Run(s.name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				p, _ := peakHeap(func() { checkAndReport(b, s.files) })
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// The reference workload of the worst shapes' time bound (see timebound):
// clean records checked just before each shape. A shape costs at most
// about 30 times the reference today, 70 under -race (unknown fields on
// one line); the quadratic case this test was written for, 1,000
// overlapping windows, took 8 s: 300 times the reference's 27 ms.
const (
	referenceRecords = 100
	maxTimeRatio     = 150
)

func cleanRepository() fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: referenceRecords, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys
}
