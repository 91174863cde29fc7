package site

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/theme"
)

// TestRecordPageHistory: a record page shows its commits, who committed
// each sign-off, and edits after closure, with links to the forge.
func TestRecordPageHistory(t *testing.T) {
	res, err := check.Run(context.Background(), os.DirFS("testdata/repo"), repository.Options{}, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	commit := func(hash, who string, day int, subject string) *history.Commit {
		return &history.Commit{Hash: strings.Repeat(hash, 40), Author: who, Email: strings.ToLower(who) + "@example.com",
			When: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC), Subject: subject}
	}
	created, approved, closed, amended := commit("a", "Alice", 1, "Request CHG-0001"), commit("b", "Alice", 2, "Approve for Bob"),
		commit("c", "Alice", 12, "Close CHG-0001"), commit("d", "Carol", 13, "Fix <b>typo</b>")
	a := &audit.Audit{Records: map[string]*audit.Trail{
		"changes/CHG-0001.md": {
			Commits: []*history.Commit{amended, closed, approved, created}, Created: created, Modified: amended,
			AfterClose: []*history.Commit{amended},
			Stages: map[record.Stage]*audit.Provenance{
				record.Request:       {Known: true, Commit: created, BySigner: true, SignerEmail: "alice@example.com"},
				record.Evaluation:    {Known: true, Commit: approved, SignerEmail: "bob@example.com"},
				record.Documentation: {Known: true},
			},
		},
	}}
	for _, repoURL := range []string{"https://github.com/example/ops", "https://gitlab.example.com/group/ops.git"} {
		cfg := *res.Repository.Config
		cfg.RepoURL = repoURL
		m := NewModel(&cfg, res.Repository.Records, nil, nil)
		m.AddAudit(a)
		out := &MemorySink{}
		if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
			t.Fatal(err)
		}
		page := string(out.Files["changes/CHG-0001/index.html"])
		commitPath := "/commit/"
		if strings.Contains(repoURL, "gitlab") {
			commitPath = "/-/commit/"
		}
		base := strings.TrimSuffix(repoURL, ".git")
		for _, want := range []string{
			`<h2 id="record-history">History</h2>`,
			`<p class="provenance">committed by the signer · <a href="` + base + commitPath + strings.Repeat("a", 40) + `"><code>aaaaaaaaaa</code></a></p>`,
			`<p class="provenance not-signer">committed by Alice, not the signer · `,
			`<p class="provenance">not committed yet</p>`,
			`Amended after closure, in`,
			`<code>dddddddddd</code></a> by Carol on <time>2026-03-13</time>`,
			`Fix &lt;b&gt;typo&lt;/b&gt;`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the record page lacks %s", repoURL, want)
			}
		}
		if strings.Count(page, `<li><time>`) != 4 {
			t.Errorf("%s: %d commits listed; want 4", repoURL, strings.Count(page, `<li><time>`))
		}
		// The exports carry who committed each sign-off.
		export := string(out.Files["changes.csv"])
		for _, want := range []string{
			",2026-03-01,," + strings.Repeat("a", 40) + ",signer,",
			",2026-03-02,approved," + strings.Repeat("b", 40) + ",other: Alice,",
			",2026-03-12,successful,,uncommitted\n",
		} {
			if !strings.Contains(export, want) {
				t.Errorf("%s: changes.csv lacks %q", repoURL, want)
			}
		}
		// A record without a trail has no History section.
		if other := string(out.Files["changes/CHG-0002/index.html"]); strings.Contains(other, "record-history") {
			t.Errorf("CHG-0002 has a History section without history")
		}
	}
}
