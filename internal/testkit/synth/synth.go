// Package synth generates synthetic configuration repositories of any size
// for benchmarks: valid records of realistic size (about 5 KB, a body of
// some 400 words with a table and lists, 1 to 4 risks), spread over every
// type and status, with a matching changebook.yaml.
//
// Output is deterministic for a given seed, so benchmark runs compare the
// same input.
package synth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"time"
)

// Options shape a generated repository.
type Options struct {
	// Records is the number of records to generate.
	Records int
	// Seed makes the output reproducible.
	Seed uint64
	// Commits is the number of commits of the history WriteHistory
	// writes.
	Commits int
	// Signed signs every commit of that history with its author's SSH
	// key, as git does with gpg.format=ssh, and registers each person's
	// key in changebook.yaml: every sign-off then verifies.
	Signed bool
}

var (
	systems = []string{"api", "webhook-dispatcher", "billing", "postgres", "auth", "dashboard",
		"kubernetes", "edge", "observability", "backups", "kms", "search", "mailer", "scheduler"}
	developers     = []string{"alice", "carol", "erin", "hugo", "ines", "jules", "kim", "lena"}
	changeManagers = []string{"bob", "farid", "maya"}
	systemUsers    = []string{"dave", "grace", "nora"}
	levels         = []string{"low", "medium", "high"}
	types          = []string{"standard", "normal", "normal", "normal", "emergency"}
	verbs          = []string{"Upgrade", "Rotate", "Migrate", "Enable", "Replace", "Scale", "Harden", "Retire", "Split", "Encrypt"}
	objects        = []string{"the primary database", "the signing keys", "the ingress controller", "the session store",
		"the log pipeline", "the backup schedule", "the rate limiter", "the invoice generator", "the TLS policy", "the job queue"}
	words = strings.Fields(`change deploy tenant latency rollback replica cluster endpoint delivery
		queue partition index secret certificate policy region failover traffic canary metric
		alert review schema migration throughput capacity window customer payload retention audit`)
)

// Config returns the changebook.yaml of a generated repository; with
// signed, each person has their signing key (SigningKey).
func Config(signed bool) string {
	var b strings.Builder
	b.WriteString("title: Synthetic change records\npeople:\n")
	person := func(handle, role string) {
		keys := ""
		if signed {
			keys = fmt.Sprintf(", keys: [\"%s\"]", strings.TrimSpace(string(ssh.MarshalAuthorizedKey(SigningKey(handle).PublicKey()))))
		}
		fmt.Fprintf(&b, "  %s: { name: %s Example, email: %s@example.com%s, roles: [%s] }\n",
			handle, strings.ToUpper(handle[:1])+handle[1:], handle, keys, role)
	}
	for _, h := range developers {
		person(h, "developer")
	}
	for _, h := range changeManagers {
		person(h, "change-manager")
	}
	for _, h := range systemUsers {
		person(h, "system-user")
	}
	b.WriteString("systems: [" + strings.Join(systems, ", ") + "]\n")
	return b.String()
}

// Files returns the repository: changebook.yaml and the records, by
// slash-separated path.
func Files(opts Options) map[string][]byte {
	r := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	files := make(map[string][]byte, opts.Records+1)
	files["changebook.yaml"] = []byte(Config(opts.Signed))
	for i := 1; i <= opts.Records; i++ {
		id := fmt.Sprintf("CHG-%05d", i)
		// A hundred records a folder: a git tree per folder stays small
		// when the history rewrites it at every commit.
		files[fmt.Sprintf("changes/%d/%s.md", i/100, id)] = Record(r, id, i)
	}
	return files
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = pick(r, words)
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Record returns one valid record. n spreads statuses: every eighth
// record is a draft, the others advance through the stages.
func Record(r *rand.Rand, id string, n int) []byte {
	var b strings.Builder
	typ := pick(r, types)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n%900) * 24 * time.Hour)
	day := func(d int) string { return start.AddDate(0, 0, d).Format(time.DateOnly) }
	sys := []string{pick(r, systems)}
	if r.IntN(2) == 0 {
		if s := pick(r, systems); s != sys[0] {
			sys = append(sys, s)
		}
	}

	fmt.Fprintf(&b, "---\nid: %s\ntitle: %s %s\ntype: %s\n", id, pick(r, verbs), pick(r, objects), typ)
	fmt.Fprintf(&b, "systems: [%s]\ncustomer_data: %v\n", strings.Join(sys, ", "), r.IntN(3) > 0)
	stage := n % 8 // 0 draft, 1 requested, 2 approved, 3 implemented, 4 validated, 5-7 documented
	if stage > 0 {
		fmt.Fprintf(&b, "pull_request: https://github.com/example/platform/pull/%d\n", n)
	}
	fmt.Fprintf(&b, "reason: |\n  %s\n  %s\nscope: |\n  %s\n", sentence(r, 14), sentence(r, 12), sentence(r, 16))
	b.WriteString("steps:\n")
	for range 2 + r.IntN(4) {
		fmt.Fprintf(&b, "  - %s\n", sentence(r, 9))
	}
	risks := 1 + r.IntN(4)
	b.WriteString("risks:\n")
	for i := 1; i <= risks; i++ {
		fmt.Fprintf(&b, "  - id: R%d\n    description: %s\n    likelihood: %s\n    impact: %s\n    mitigations: [M%d]\n",
			i, sentence(r, 10), pick(r, levels), pick(r, levels), i)
	}
	b.WriteString("mitigations:\n")
	for i := 1; i <= risks; i++ {
		fmt.Fprintf(&b, "  - id: M%d\n    description: %s\n", i, sentence(r, 12))
	}
	if typ != "standard" {
		fmt.Fprintf(&b, "rollback: |\n  %s\n", sentence(r, 15))
	}
	// One window an hour, so that no two windows overlap.
	w := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	fmt.Fprintf(&b, "window:\n  start: %s\n  end: %s\n", w.Format(time.RFC3339), w.Add(45*time.Minute).Format(time.RFC3339))
	dev, dev2 := pick(r, developers), pick(r, developers)
	if stage > 0 {
		b.WriteString("signoffs:\n")
		fmt.Fprintf(&b, "  request: { by: %s, date: %s }\n", dev, day(0))
	}
	if stage > 1 {
		fmt.Fprintf(&b, "  evaluation: { by: %s, date: %s, decision: approved, notes: \"%s\" }\n", pick(r, changeManagers), day(2), sentence(r, 6))
	}
	if stage > 2 {
		fmt.Fprintf(&b, "  implementation: { by: %s, date: %s, tested: true, evidence: \"https://ci.example.com/runs/%d\" }\n", dev2, day(8), n)
	}
	if stage > 3 {
		fmt.Fprintf(&b, "  validation: { by: %s, date: %s, security_review: passed }\n", pick(r, systemUsers), day(9))
	}
	if stage > 4 {
		fmt.Fprintf(&b, "  documentation: { by: %s, date: %s, outcome: successful }\n", dev, day(10))
	}
	fmt.Fprintf(&b, "tags: [%s, %s]\n---\n\n", pick(r, words), pick(r, words))

	// About 400 words of body: paragraphs, a list and a table.
	fmt.Fprintf(&b, "## Context\n\n")
	for range 3 {
		for range 6 {
			b.WriteString(sentence(r, 12) + " ")
		}
		b.WriteString("\n\n")
	}
	b.WriteString("## Checks\n\n")
	for range 5 {
		fmt.Fprintf(&b, "- [x] %s\n", sentence(r, 8))
	}
	b.WriteString("\n| Metric | Before | After |\n| --- | --- | --- |\n")
	for range 4 {
		fmt.Fprintf(&b, "| %s | %d ms | %d ms |\n", pick(r, words), 100+r.IntN(900), 50+r.IntN(400))
	}
	b.WriteString("\n## Notes\n\n")
	for range 8 {
		b.WriteString(sentence(r, 11) + " ")
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// WriteDir writes a generated repository into dir.
func WriteDir(dir string, opts Options) error {
	for name, data := range Files(opts) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// SigningKey is handle's SSH signing key, the same at every call: an
// ed25519 key made from the handle.
func SigningKey(handle string) ssh.Signer {
	seed := sha256.Sum256([]byte("changebook synthetic signing key of " + handle))
	signer, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		panic(err) // an ed25519 key always makes a signer
	}
	return signer
}
