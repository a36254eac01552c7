package storage

import (
	"cmp"
	"slices"
	"sort"
)

// The orders of the contract, written once so that every store sorts
// alike (a database's collation or clock would not).

// SortFilms orders films by title (byte order), then year, then id.
func SortFilms(films []Film) {
	sort.SliceStable(films, func(i, j int) bool {
		if films[i].Title != films[j].Title {
			return films[i].Title < films[j].Title
		}
		if films[i].Year != films[j].Year {
			return films[i].Year < films[j].Year
		}
		return films[i].ID < films[j].ID
	})
}

// SortReviews orders reviews newest first, then by higher id.
func SortReviews(out []Review) {
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].PostedAt.Equal(out[j].PostedAt) {
			return out[i].PostedAt.After(out[j].PostedAt)
		}
		return out[i].ID > out[j].ID
	})
}

// SortFilmRatings orders a film's ratings by higher score, then oldest,
// then lower user id.
func SortFilmRatings(out []Rating) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].User < out[j].User
	})
}

// SortUserRatings orders a member's ratings newest first, then by film id.
func SortUserRatings(out []Rating) {
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].Film < out[j].Film
	})
}

// SortTop orders aggregates by best average (compared exactly, in
// integers), then more ratings, then lower film id.
func SortTop(out []Aggregate) {
	sort.SliceStable(out, func(i, j int) bool {
		l, r := out[i].Sum*out[j].Count, out[j].Sum*out[i].Count
		if l != r {
			return l > r
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Film < out[j].Film
	})
}

// SortWatchlist orders a watchlist newest first, then highest film id.
func SortWatchlist(ws []Watched) {
	slices.SortStableFunc(ws, func(a, b Watched) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.Film, a.Film)
	})
}

// SortWanted orders the most wanted films: most members first, then
// lowest film id.
func SortWanted(ws []Wanted) {
	slices.SortStableFunc(ws, func(a, b Wanted) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Film, b.Film)
	})
}

// SortNights orders movie nights newest first (then highest id).
func SortNights(ns []Night) {
	slices.SortStableFunc(ns, func(a, b Night) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}
