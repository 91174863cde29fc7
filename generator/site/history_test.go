package site

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/theme"
)

// TestRecordPageHistory: a record page shows its commits, who committed
// each sign-off, and edits after closure, with links to the forge.
func TestRecordPageHistory(t *testing.T) {
	res := checkRepo(t, os.DirFS("testdata/repo"))
	commit := func(hash, who string, day int, subject string) *history.Commit {
		return &history.Commit{Hash: strings.Repeat(hash, 40), Author: who, Email: strings.ToLower(who) + "@example.com",
			CommitAuthor: who, CommitEmail: strings.ToLower(who) + "@example.com",
			When: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC), Subject: subject}
	}
	created, approved, closed, amended := commit("a", "Alice", 1, "Request CHG-0001"), commit("b", "Alice", 2, "Approve for Bob"),
		commit("c", "Alice", 12, "Close CHG-0001"), commit("d", "Carol", 13, "Fix <b>typo</b>")
	a := &audit.Audit{Records: map[string]*audit.Trail{
		"changes/CHG-0001.md": {
			Commits: []*history.Commit{amended, closed, approved, created}, Created: created, Modified: amended,
			AfterClose: []*history.Commit{amended},
			Stages: map[record.Stage]*audit.Provenance{
				record.Request: {Known: true, Commit: created, BySigner: true, SignerEmail: "alice@example.com",
					Signature: commitsig.Result{State: commitsig.Verified, Owner: "alice", Key: "SHA256:AliceKey"}},
				record.Evaluation: {Known: true, Commit: approved, SignerEmail: "bob@example.com",
					Signature: commitsig.Result{State: commitsig.SignedByOther, Owner: "alice", Key: "SHA256:AliceKey", Detail: "signed with alice's key, not bob's"}},
				record.Documentation: {Known: true, Signature: commitsig.Result{State: commitsig.Unsigned, Detail: "not committed yet"}},
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
			// What each commit's signature proves, with the key.
			`<p class="signature sig-verified" data-signature="verified">signature verified: signed with alice&#39;s registered key · key <code>SHA256:AliceKey</code></p>`,
			`<p class="signature sig-signed-by-other" data-signature="signed-by-other">signature not the signer&#39;s: signed with alice&#39;s key, not bob&#39;s · key <code>SHA256:AliceKey</code></p>`,
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
		// The dashboard counts what the signatures prove.
		if home := string(out.Files["index.html"]); !strings.Contains(home, `<strong class="share">33%</strong> of sign-offs (1 of 3) are in a commit signed with their signer's registered key`) ||
			!strings.Contains(home, `<li class="tile sig-signed-by-other"><span class="tile-count">1</span> signed-by-other</li>`) {
			t.Errorf("%s: the dashboard does not count the verified sign-offs", repoURL)
		}
		// The exports carry who committed each sign-off.
		export := string(out.Files["changes.csv"])
		for _, want := range []string{
			// date, detail, notes, evidence, commit, provenance
			",2026-03-01,,,," + strings.Repeat("a", 40) + ",signer,verified,SHA256:AliceKey,",
			",2026-03-02,approved,Fine.,," + strings.Repeat("b", 40) + ",other: Alice,signed-by-other,SHA256:AliceKey,",
			",2026-03-12,successful,,,,uncommitted,unsigned,\n",
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

// TestRecordPageUnknownHistory: what a shallow clone's boundary or a git
// submodule hides is said to be unknown on the page and in the exports,
// never "not committed yet".
func TestRecordPageUnknownHistory(t *testing.T) {
	res := checkRepo(t, os.DirFS("testdata/repo"))
	boundary := &history.Commit{Hash: strings.Repeat("e", 40), Author: "Eve", Email: "eve@example.com",
		When: time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC), Subject: "Merge"}
	a := &audit.Audit{Shallow: true, Boundary: boundary, Records: map[string]*audit.Trail{
		"changes/CHG-0001.md": {
			Boundary: boundary, AfterCloseIncomplete: true,
			Stages: map[record.Stage]*audit.Provenance{
				record.Request:       {Boundary: boundary},
				record.Documentation: {Boundary: boundary},
			},
		},
		"changes/CHG-0002.md": {
			Submodule: "changes/team",
			Stages:    map[record.Stage]*audit.Provenance{record.Request: {Submodule: "changes/team"}},
		},
	}}
	m := NewModel(res.Repository.Config, res.Repository.Records, nil, nil)
	m.AddAudit(a)
	out := &MemorySink{}
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
		t.Fatal(err)
	}
	one, two := string(out.Files["changes/CHG-0001/index.html"]), string(out.Files["changes/CHG-0002/index.html"])
	for _, want := range []string{
		`who committed it is unknown: the record already has it where this shallow clone&#39;s history begins · <a href="https://github.com/example/records/commit/` + boundary.Hash + `"><code>eeeeeeeeee</code></a>, <time>2026-03-30</time>`,
		`This shallow clone's history begins at <a href="https://github.com/example/records/commit/` + boundary.Hash + `"><code>eeeeeeeeee</code></a> (<time>2026-03-30</time>), which already has the record`,
		`No commit since then has changed it.`,
		`whether it was amended after closure before then is unknown`,
	} {
		if !strings.Contains(one, want) {
			t.Errorf("the page of a record at the boundary lacks %s", want)
		}
	}
	for _, want := range []string{
		`who committed it is unknown: the record is inside the git submodule changes/team, whose history is not read`,
		`The record is inside the git submodule changes/team, whose history is not read`,
	} {
		if !strings.Contains(two, want) {
			t.Errorf("the page of a record in a submodule lacks %s", want)
		}
	}
	for name, page := range map[string]string{"CHG-0001": one, "CHG-0002": two} {
		if strings.Contains(strings.ToLower(page), "not committed yet") {
			t.Errorf("%s: the page says not committed yet", name)
		}
	}
	export := string(out.Files["changes.csv"])
	for _, want := range []string{",,unknown: already at shallow clone boundary eeeeeeeeee,", ",,unknown: in git submodule changes/team,"} {
		if !strings.Contains(export, want) {
			t.Errorf("changes.csv lacks %q", want)
		}
	}
}
