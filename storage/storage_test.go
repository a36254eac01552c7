package storage

import (
	"os"
	"testing"
)

// The project's copy of the seed must match the commissioned one where
// that is present (../../shared/seed beside the checkout).
func TestSeedMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("../../shared/seed/000_3f0e43dad3858873.txt")
	if err != nil {
		t.Skip("no ../shared/seed here")
	}
	ours, _ := SeedFile("anora-review.txt")
	if string(ours) != string(shared) {
		t.Error("storage/seed/anora-review.txt differs from ../shared/seed")
	}
}

func TestParseScope(t *testing.T) {
	if s, err := ParseScope(""); err != nil || s != BuiltIn {
		t.Error(s, err)
	}
	if s, err := ParseScope("123"); err != nil || s != 123 {
		t.Error(s, err)
	}
	for _, bad := range []string{"x", "0", "-1"} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("ParseScope(%q) accepted", bad)
		}
	}
}
