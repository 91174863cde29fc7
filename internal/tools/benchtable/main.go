// Command benchtable measures changebook on synthetic repositories and
// prints one table: each figure with its time, records per second, peak
// memory, and its ratio to a naive reference measured in the same run
// (decode the front matter with yaml.v3, render the body with goldmark,
// write one page per record: the least any generator does), because
// absolute times on shared machines drift. It names the largest HTML page
// of each site and, in Chromium, how long the heaviest list page takes to
// load against a record page. `make bench` runs it.
//
//	go run ./internal/tools/benchtable -bin bin/changebook -sizes 1000,10000,100000
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/yuin/goldmark"
	"go.yaml.in/yaml/v3"

	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/parallel"
	"github.com/changebook/changebook/internal/testkit/synth"
)

func main() {
	// The reference runs in a process of its own, so that its peak memory
	// is its own: benchtable -reference DIR OUT.
	if len(os.Args) == 4 && os.Args[1] == "-reference" {
		if err := reference(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "reference:", err)
			os.Exit(1)
		}
		return
	}
	// The file system's floor, in a process of its own for the same
	// reason: benchtable -floor SITE OUT.
	if len(os.Args) == 4 && os.Args[1] == "-floor" {
		d, err := floor(os.Args[2], os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "wrote in %s\n", d)
		return
	}
	// Commands are measured from a small process of their own: Linux
	// keeps the peak memory of a process across exec, so a command started
	// straight from this one (hundreds of MB after generating a
	// repository) would report at least this one's peak.
	if len(os.Args) > 2 && os.Args[1] == "-measure" {
		os.Exit(launch(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// launch runs cmd, its stderr on ours, and prints its wall time in
// nanoseconds and its peak memory in KB.
func launch(cmd []string) int {
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Stderr = os.Stderr
	start := time.Now()
	if err := c.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	d := time.Since(start)
	var peak int64
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = ru.Maxrss // kilobytes on Linux
	}
	fmt.Printf("%d %d\n", d.Nanoseconds(), peak)
	return 0
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	flags.SetOutput(stderr)
	bin := flags.String("bin", "bin/changebook", "the changebook binary to measure")
	sizes := flags.String("sizes", "1000,10000", "repository sizes, comma-separated")
	work := flags.String("work", "", "folder for the repositories and sites (default: a temporary folder, removed after)")
	historyMax := flags.Int("history-max", 10000, "measure the build with a git history (2 commits a record) up to this many records")
	ram := flags.String("ram", defaultRAM(), "a folder on a file system in memory (tmpfs), to measure the build without the disk; empty to skip")
	browser := flags.Bool("browser", true, "measure the bytes a first search query fetches, in Chromium (runs go test)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "changebook-bench-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer os.RemoveAll(d)
		dir = d
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "records\tmeasure\ttime\trecords/s\tpeak memory\tx reference\t")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "benchtable: bad size %q\n", s)
			return 2
		}
		fmt.Fprintf(stderr, "generating %d records...\n", n)
		repo := filepath.Join(dir, fmt.Sprintf("repo%d", n))
		if err := synth.WriteDir(repo, synth.Options{Records: n, Seed: 1}); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		cache := filepath.Join(dir, fmt.Sprintf("cache%d", n))
		site := func(name string) string { return filepath.Join(dir, fmt.Sprintf("%s%d", name, n)) }
		rows := []struct {
			name string
			cmd  []string
		}{
			{"naive reference", []string{self, "-reference", repo, site("ref")}},
			{"check, cold", []string{*bin, "check", "--no-cache", "--no-history", repo}},
			{"check, records cached", []string{*bin, "check", "--no-history", "--cache-dir", cache, repo}},
			{"build, cold, fresh output", []string{*bin, "build", "--no-cache", "--no-history", "--timings", repo, "-o", site("site")}},
			// The disk's share of the row above: the same folders and
			// files written by a program that renders nothing.
			{"  file system floor: its files, written only", []string{self, "-floor", site("site"), site("floor")}},
		}
		if *ram != "" {
			rows = append(rows, struct {
				name string
				cmd  []string
			}{"build, cold, output in memory (tmpfs)", []string{*bin, "build", "--no-cache", "--no-history", repo, "-o", filepath.Join(*ram, fmt.Sprintf("changebook-bench-site%d", n))}})
		}
		if n <= *historyMax {
			gitRepo := filepath.Join(dir, fmt.Sprintf("git%d", n))
			fmt.Fprintf(stderr, "generating %d records with a history of %d commits...\n", n, 2*n)
			if err := synth.WriteHistory(gitRepo, synth.Options{Records: n, Seed: 1, Commits: 2 * n}); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			rows = append(rows, struct {
				name string
				cmd  []string
			}{fmt.Sprintf("build with history (%d commits)", 2*n), []string{*bin, "build", "--no-cache", gitRepo, "-o", site("gitsite")}})
			// The same history with every commit SSH-signed by its author
			// and every key registered: what verifying each sign-off's
			// signature adds to the history pass.
			signedRepo := filepath.Join(dir, fmt.Sprintf("signed%d", n))
			fmt.Fprintf(stderr, "generating %d records with a history of %d signed commits...\n", n, 2*n)
			if err := synth.WriteHistory(signedRepo, synth.Options{Records: n, Seed: 1, Commits: 2 * n, Signed: true}); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			rows = append(rows, struct {
				name string
				cmd  []string
			}{fmt.Sprintf("build with signed history (%d commits)", 2*n), []string{*bin, "build", "--no-cache", signedRepo, "-o", site("signedsite")}})
		}
		var ref time.Duration
		for i, row := range rows {
			if row.name == "check, records cached" {
				// Fill the cache first, as the run before would have.
				if _, _, _, err := measure(row.cmd); err != nil {
					fmt.Fprintln(stderr, err)
					return 1
				}
			}
			fmt.Fprintf(stderr, "%d records: %s...\n", n, row.name)
			d, peak, log, err := measure(row.cmd)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			if i == 0 {
				ref = d
			}
			if m := floorTime.FindStringSubmatch(log); m != nil {
				// The floor's own time: without reading the site first.
				if d, err = time.ParseDuration(m[1]); err != nil {
					fmt.Fprintln(stderr, err)
					return 1
				}
				peak = 0
			}
			printRow(tw, n, row.name, d, peak, ref)
			// The build's --timings name its search index phase.
			if m := searchPhase.FindStringSubmatch(log); m != nil {
				if d, err := time.ParseDuration(m[1]); err == nil {
					printRow(tw, n, "  of which search index", d, 0, ref)
				}
			}
		}
		sizes, err := pageSizes(site("site"))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t\t\t\t\n", n, "largest HTML page: "+sizes.largest.path, kilobytes(sizes.largest.size))
		if *browser {
			fmt.Fprintf(stderr, "%d records: loading pages in Chromium...\n", n)
			loads, err := pageLoads(site("site"), sizes.heaviestList.path, sizes.record.path)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t\t\t\t\n", n, "Chromium load, a record page: "+sizes.record.path, loads[1].Round(time.Millisecond))
			fmt.Fprintf(tw, "%d\t%s\t%s\t\t\t\t\n", n, "Chromium load, heaviest list page: "+sizes.heaviestList.path, loads[0].Round(time.Millisecond))
			fmt.Fprintf(tw, "%d\t%s\t%.2fx\t\t\t\t\n", n, "  heaviest list page / record page", loads[0].Seconds()/loads[1].Seconds())
			fmt.Fprintf(stderr, "%d records: first search queries in Chromium...\n", n)
			first, page, err := searchBytes(site("site"))
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			fmt.Fprintf(tw, "%d\t%s\t%.0f KB\t\t\t\t\n", n, "first search query, most bytes fetched", first)
			fmt.Fprintf(tw, "%d\t%s\t%.0f KB\t\t\t\t\n", n, "search page with facets, most bytes", page)
			fmt.Fprintf(stderr, "%d records: filtered and sorted list views in Chromium...\n", n)
			kb, ms, err := listViews(site("site"))
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			fmt.Fprintf(tw, "%d\t%s\t%.0f KB\t\t\t\t\n", n, "filtered list view, most bytes fetched", kb)
			fmt.Fprintf(tw, "%d\t%s\t%.0f ms\t\t\t\t\n", n, "filter change, slowest redraw", ms)
		}
		d, err := previewRebuild(repo)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		printRow(tw, n, "serve: one record saved, page ready", d, 0, ref)
		for _, name := range []string{"site", "ref", "gitsite", "git", "floor"} {
			os.RemoveAll(site(name))
		}
		if *ram != "" {
			os.RemoveAll(filepath.Join(*ram, fmt.Sprintf("changebook-bench-site%d", n)))
		}
	}
	tw.Flush()
	return 0
}

func printRow(w io.Writer, n int, name string, d time.Duration, peak int64, ref time.Duration) {
	mem := "-"
	if peak > 0 {
		mem = fmt.Sprintf("%d MB", peak>>20)
	}
	fmt.Fprintf(w, "%d\t%s\t%s\t%.0f\t%s\t%.2f\t\n", n, name, d.Round(time.Millisecond), float64(n)/d.Seconds(), mem, d.Seconds()/ref.Seconds())
}

var (
	searchPhase = regexp.MustCompile(`(?m)^search index +(\S+)$`)
	floorTime   = regexp.MustCompile(`(?m)^wrote in (\S+)$`)
)

// searchBytes runs the browser benchmark of the generator/site package
// over the site at dir: the most bytes any of its first queries fetched,
// from the header's box and on the search page with its facets.
func searchBytes(dir string) (first, page float64, err error) {
	m, err := browserMetrics("BenchmarkSearchBrowser", "CHANGEBOOK_SEARCH_SITE="+dir, "max-first-query-KB", "max-search-page-KB")
	if err != nil {
		return 0, 0, err
	}
	return m[0], m[1], nil
}

// listViews runs the lists' browser benchmark over the site at dir: the
// most bytes any of its filtered or sorted views fetched, and the slowest
// redraw after a filter change.
func listViews(dir string) (kb, ms float64, err error) {
	m, err := browserMetrics("BenchmarkListBrowser", "CHANGEBOOK_LIST_SITE="+dir, "max-list-view-KB", "max-filter-redraw-ms")
	if err != nil {
		return 0, 0, err
	}
	return m[0], m[1], nil
}

// browserMetrics runs one browser benchmark of generator/site with env
// set and returns the figures it reported under the given units, in
// their order.
func browserMetrics(bench, env string, units ...string) ([]float64, error) {
	c := exec.Command("go", "test", "./generator/site", "-run", "^$", "-bench", "^"+bench+"$", "-benchtime", "1x", "-timeout", browserTimeout)
	c.Env = append(os.Environ(), env)
	out, err := c.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("browser benchmark %s: %v: %s", bench, err, out)
	}
	figures := make([]float64, len(units))
	for i, unit := range units {
		m := regexp.MustCompile(`([\d.]+) ` + regexp.QuoteMeta(unit) + `\b`).FindStringSubmatch(string(out))
		if m == nil {
			return nil, fmt.Errorf("browser benchmark %s printed no %s: %s", bench, unit, out)
		}
		figures[i], _ = strconv.ParseFloat(m[1], 64)
	}
	return figures, nil
}

// browserTimeout bounds a browser benchmark: go test's default of ten
// minutes is too short for the pages of 100,000 records.
const browserTimeout = "60m"

// sitePage is an HTML page of a built site and its size in bytes.
type sitePage struct {
	path string // within the site: "risks/index.html"
	size int64
}

// sitePages are the pages of a site that the table names.
type sitePages struct {
	largest      sitePage // of every HTML page
	heaviestList sitePage // the largest page of a list: changes, risks, mitigations, a system's, a person's
	record       sitePage // a record page of the median size
}

// listPage matches the pages of the site's lists, their first pages and
// the next ones (risks/page/2/index.html).
var listPage = regexp.MustCompile(`^((changes|risks|mitigations)|(systems|people)/[^/]+)/(page/[0-9]+/)?index\.html$`)

// recordPage matches the page of one change.
var recordPage = regexp.MustCompile(`^changes/[^/]+/index\.html$`)

// pageSizes finds the pages of the site at dir that the table names.
func pageSizes(dir string) (sitePages, error) {
	var found sitePages
	var records []sitePage
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		page := sitePage{filepath.ToSlash(rel), info.Size()}
		if page.size > found.largest.size {
			found.largest = page
		}
		if listPage.MatchString(page.path) && page.size > found.heaviestList.size {
			found.heaviestList = page
		}
		if recordPage.MatchString(page.path) {
			records = append(records, page)
		}
		return err
	})
	if err != nil {
		return found, err
	}
	if len(records) == 0 || found.heaviestList.path == "" {
		return found, fmt.Errorf("%s has no record page or no list page", dir)
	}
	slices.SortFunc(records, func(a, b sitePage) int { return cmp.Or(cmp.Compare(a.size, b.size), strings.Compare(a.path, b.path)) })
	found.record = records[len(records)/2]
	return found, nil
}

// kilobytes writes a size in bytes as the table shows it.
func kilobytes(n int64) string {
	return fmt.Sprintf("%.0f KB", float64(n)/1024)
}

var loadMetric = regexp.MustCompile(`([\d.]+) load-ms-([0-9]+)`)

// pageLoads runs the page-load benchmark of the generator/site package
// over the pages of the site at dir: how long Chromium takes to load and
// render each, the median of three loads, in the order given.
func pageLoads(dir string, pages ...string) ([]time.Duration, error) {
	c := exec.Command("go", "test", "./generator/site", "-run", "^$", "-bench", "^BenchmarkPageLoadBrowser$", "-benchtime", "1x", "-timeout", browserTimeout)
	c.Env = append(os.Environ(), "CHANGEBOOK_LOAD_SITE="+dir, "CHANGEBOOK_LOAD_PAGES="+strings.Join(pages, ","))
	out, err := c.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("browser benchmark: %v: %s", err, out)
	}
	loads := make([]time.Duration, len(pages))
	for _, m := range loadMetric.FindAllStringSubmatch(string(out), -1) {
		ms, _ := strconv.ParseFloat(m[1], 64)
		if i, _ := strconv.Atoi(m[2]); i < len(loads) {
			loads[i] = time.Duration(ms * float64(time.Millisecond))
		}
	}
	for i, d := range loads {
		if d == 0 {
			return nil, fmt.Errorf("browser benchmark printed no figure for %s: %s", pages[i], out)
		}
	}
	return loads, nil
}

// measure runs a command and returns its wall time, peak resident
// memory and what it wrote on stderr.
func measure(cmd []string) (time.Duration, int64, string, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, "", err
	}
	c := exec.Command(self, append([]string{"-measure"}, cmd...)...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	// check exits 1 when it finds errors; synthetic records have none.
	if err := c.Run(); err != nil {
		return 0, 0, "", fmt.Errorf("%s: %v: %s", strings.Join(cmd, " "), err, stderr.String())
	}
	var ns, kb int64
	if _, err := fmt.Sscan(stdout.String(), &ns, &kb); err != nil {
		return 0, 0, "", fmt.Errorf("%s: measuring: %v: %q", strings.Join(cmd, " "), err, stdout.String())
	}
	return time.Duration(ns), kb * 1024, stderr.String(), nil
}

// previewRebuild measures, in this process, what serve does after a save:
// one record edited, read and parsed again, the model rebuilt, the page
// rendered. The median of five saves.
func previewRebuild(dir string) (time.Duration, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	cacheDir, err := os.MkdirTemp("", "changebook-bench-cache-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(cacheDir)
	session := pipeline.NewSession(repofs.New(root), pipeline.Options{Load: repository.Options{Cache: parsecache.Open(filepath.Join(cacheDir, "c"), "bench", []byte("changebook bench cache secret"))}})
	defer session.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
	edited := files[len(files)/2]
	rel, _ := filepath.Rel(dir, edited)
	rel = filepath.ToSlash(rel)
	id := strings.TrimSuffix(filepath.Base(edited), ".md")
	original, err := os.ReadFile(edited)
	if err != nil {
		return 0, err
	}
	defer os.WriteFile(edited, original, 0o644)
	var times []time.Duration
	for i := range 6 {
		if err := os.WriteFile(edited, append(bytes.Clone(original), fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
			return 0, err
		}
		start := time.Now()
		rebuilt, err := session.Rebuild(context.Background(), []string{rel})
		if err != nil {
			return 0, err
		}
		if rebuilt.Site == nil {
			return 0, fmt.Errorf("the rebuild failed: %v", rebuilt.Result.Findings)
		}
		if _, ok, err := rebuilt.Site.File(context.Background(), "changes/"+id+"/index.html"); !ok || err != nil {
			return 0, fmt.Errorf("the edited page: %v", err)
		}
		if i > 0 { // the first build fills the caches, as serve's does
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// reference is the naive generator: for each record, decode the front
// matter with yaml.v3 into a map, render the body with goldmark, and
// write one page with the title and the body.
func reference(dir, out string) error {
	md := goldmark.New()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return filepath.WalkDir(filepath.Join(dir, "changes"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rest, ok := bytes.CutPrefix(data, []byte("---\n"))
		if !ok {
			return nil
		}
		front, body, ok := bytes.Cut(rest, []byte("\n---\n"))
		if !ok {
			return nil
		}
		var fields map[string]any
		if err := yaml.Unmarshal(front, &fields); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		var page bytes.Buffer
		fmt.Fprintf(&page, "<!doctype html><title>%v</title><h1>%v</h1>", fields["title"], fields["title"])
		if err := md.Convert(body, &page); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, fmt.Sprintf("%v.html", fields["id"])), page.Bytes(), 0o644)
	})
}

// floor writes the files of the site at dir into out, as a build writes
// its output (a folder per page, on every core) but with their bytes read
// beforehand: what the file system alone costs a build of that site. It
// returns the time the writing took.
func floor(dir, out string) (time.Duration, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[rel] = data
		return err
	})
	if err != nil {
		return 0, err
	}
	names := slices.Sorted(maps.Keys(files))
	start := time.Now()
	errs := make([]error, len(names))
	parallel.For(context.Background(), len(names), 0, func(i int) {
		p := filepath.Join(out, names[i])
		if errs[i] = os.MkdirAll(filepath.Dir(p), 0o755); errs[i] == nil {
			errs[i] = os.WriteFile(p, files[names[i]], 0o644)
		}
	})
	return time.Since(start), errors.Join(errs...)
}

// defaultRAM returns /dev/shm when it is a folder this process can write
// in, as on most Linux systems, and "" otherwise.
func defaultRAM() string {
	d, err := os.MkdirTemp("/dev/shm", "changebook-bench-")
	if err != nil {
		return ""
	}
	os.Remove(d)
	return "/dev/shm"
}
