package site

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/synth"
)

func TestDashboardListsTheLatestInProgress(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: 200, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	res, err := check.Run(context.Background(), fsys, repository.Options{}, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := NewModel(res.Repository.Config, res.Repository.Records, nil).dashboard()
	if len(d.InProgress) != progressLimit || d.InProgressCount <= progressLimit {
		t.Fatalf("dashboard lists %d of %d in progress; want %d of more", len(d.InProgress), d.InProgressCount, progressLimit)
	}
	if d.InProgress[0].ID < d.InProgress[len(d.InProgress)-1].ID {
		t.Errorf("in progress not newest first: %s ... %s", d.InProgress[0].ID, d.InProgress[len(d.InProgress)-1].ID)
	}
}
