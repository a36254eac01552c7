package storage

import (
	"embed"
	"encoding/json"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The built-in catalog: Anora's credits and the review the project was
// commissioned around, embedded so the binary needs no files beside it.
//
//go:embed seed/anora.json seed/anora-review.txt
var seedFS embed.FS

// seedSpoilers are the paragraphs (1-based) of the seed review that give
// away the ending.
var seedSpoilers = map[int]bool{11: true}

// SeedReview returns the built-in review's paragraphs, for tests and tools.
func SeedReview() []Excerpt {
	raw, err := seedFS.ReadFile("seed/anora-review.txt")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var out []Excerpt
	for _, p := range strings.Split(string(raw), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, Excerpt{Text: p, Spoiler: seedSpoilers[len(out)+1]})
		}
	}
	return out
}

// loadSeed adds the built-in catalog. It runs once, in the transaction
// that marks the database seeded, so it never overwrites later changes.
func loadSeed(tx *bolt.Tx, now time.Time) error {
	raw, err := seedFS.ReadFile("seed/anora.json")
	if err != nil {
		return err
	}
	var f Film
	if err := json.Unmarshal(raw, &f); err != nil {
		return err
	}
	f, err = createFilm(tx, BuiltIn, f, now)
	if err != nil {
		return err
	}
	// The seed review's date is fixed so every install shows the same thing.
	posted := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	_, err = createReview(tx, BuiltIn, Review{FilmID: f.ID, Excerpts: SeedReview(), PostedAt: posted}, now)
	return err
}
