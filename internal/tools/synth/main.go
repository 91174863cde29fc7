// Command synth writes a synthetic configuration repository for
// benchmarks and load tests:
//
//	go run ./internal/tools/synth -n 10000 -o /tmp/repo10k
//	go run ./internal/tools/synth -n 10000 -commits 20000 -o /tmp/git10k
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/changebook/changebook/internal/testkit/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of records")
	out := fs.String("o", "", "output folder (must not exist, or be empty)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same repository")
	commits := fs.Int("commits", 0, "also write a git history of this many commits, the records signed stage by stage")
	signed := fs.Bool("signed", false, "sign every commit of the history with its author's SSH key, registered in changebook.yaml")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "synth: -o is required")
		return 2
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "synth: %s is not empty\n", *out)
		return 2
	}
	opts := synth.Options{Records: *n, Seed: *seed, Commits: *commits, Signed: *signed}
	write, history := synth.WriteDir, ""
	if *commits > 0 {
		write, history = synth.WriteHistory, fmt.Sprintf(" with a history of up to %d commits", *commits)
	}
	if err := write(*out, opts); err != nil {
		fmt.Fprintln(stderr, "synth:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d records to %s%s\n", *n, *out, history)
	return 0
}
