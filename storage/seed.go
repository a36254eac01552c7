package storage

import (
	"embed"
	"encoding/json"
	"strings"
	"time"
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

// SeedFilm is the built-in catalog's film, Anora, as shipped.
func SeedFilm() Film {
	raw, err := seedFS.ReadFile("seed/anora.json")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var f Film
	if err := json.Unmarshal(raw, &f); err != nil {
		panic(err) // checked by the tests
	}
	return f
}

// SeedPosted is the built-in review's date, fixed so every install shows
// the same thing.
var SeedPosted = time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)

// SeedFile returns the embedded seed file name (for tests).
func SeedFile(name string) ([]byte, error) { return seedFS.ReadFile("seed/" + name) }
