package storage

import (
	"maps"
	"slices"

	"github.com/filmbot/filmbot/search"
)

// TitleKey is a title's identity: two titles with the same key are the
// same title, so a catalog holds one film per key and year (CreateFilm,
// AddFilms and UpdateFilm refuse or skip a second) and a Letterboxd
// import matches its rows to films by it. The key ignores case, accents,
// punctuation and spacing, and sees letters of other scripts drawn like
// Latin ones as those ("Anora" and "Anоra" with a Cyrillic о are one
// title): search.Skeleton.
func TitleKey(title string) string { return search.Skeleton(title) }

// AppendTitleKey appends TitleKey(title) to dst: a caller keying many
// titles (an import's rows) reuses one buffer, and a plain ASCII title is
// keyed without allocating.
func AppendTitleKey(dst []byte, title string) []byte {
	for i := 0; i < len(title); i++ {
		if title[i] >= 0x80 {
			return append(dst, TitleKey(title)...)
		}
	}
	// ASCII has no accents, lookalikes or invisible characters: the key
	// is search.Fold's, letters and digits lower-cased, apostrophes
	// dropped, every other run one space, the ends trimmed.
	start, space := len(dst), false
	for i := 0; i < len(title); i++ {
		c := title[i]
		switch {
		case c == '\'':
			continue
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

// SameTitle tells whether a and b are the same title: the same TitleKey
// and year (the year tells remakes apart).
func SameTitle(a, b Film) bool {
	return a.Year == b.Year && TitleKey(a.Title) == TitleKey(b.Title)
}

// SameNames tells whether a and b are named alike wherever the catalog
// is searched: the same title, year, aliases, titles in members'
// languages and TMDB id. A film saved again with the same names leaves
// the catalog's indexes as they are (CatalogVersion need not move).
func SameNames(a, b Film) bool {
	return a.Title == b.Title && a.Year == b.Year && a.TMDB == b.TMDB &&
		slices.Equal(a.Aliases, b.Aliases) && maps.Equal(a.Titles, b.Titles)
}
