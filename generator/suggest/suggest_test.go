package suggest

import (
	"fmt"
	"testing"
)

func TestClosest(t *testing.T) {
	fields := []string{"id", "title", "mitigations", "risks", "customer_data", "pull_request"}
	tests := []struct{ word, want string }{
		{"mitigation", "mitigations"},
		{"risk", "risks"},
		{"customer-data", "customer_data"},
		{"pullrequest", "pull_request"},
		{"Title", "title"},
		{"titel", "title"},
		{"rsiks", "risks"},
		{"owner", ""},       // nothing close
		{"x", ""},           // one letter away from nothing sensible
		{"completely", ""},  // far from all
		{"mitigations", ""}, // exact match is no suggestion
	}
	for _, tt := range tests {
		if got := Closest(tt.word, fields); got != tt.want {
			t.Errorf("Closest(%q) = %q; want %q", tt.word, got, tt.want)
		}
	}
}

func ExampleDidYouMean() {
	fmt.Println("unknown field \"mitigation\"" + DidYouMean("mitigation", []string{"mitigations", "risks"}))
	// Output: unknown field "mitigation" (did you mean "mitigations"?)
}
