package site

import "testing"

func TestDashboardListsTheLatestInProgress(t *testing.T) {
	d := syntheticModel(t, 200).dashboard()
	if len(d.InProgress) != progressLimit || d.InProgressCount <= progressLimit {
		t.Fatalf("dashboard lists %d of %d in progress; want %d of more", len(d.InProgress), d.InProgressCount, progressLimit)
	}
	if d.InProgress[0].ID < d.InProgress[len(d.InProgress)-1].ID {
		t.Errorf("in progress not newest first: %s ... %s", d.InProgress[0].ID, d.InProgress[len(d.InProgress)-1].ID)
	}
}
