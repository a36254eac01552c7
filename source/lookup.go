package source

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// find is a TMDB search through the cache; with a year, the films of
// that year first, then (when none has the title) any year's.
func (r *Resolver) find(ctx context.Context, title string, year int, locale string) ([]tmdb.Result, error) {
	var results []tmdb.Result
	if year > 0 {
		page, err := r.searcher.Search(ctx, title, year, locale)
		if err != nil {
			return nil, classify(err)
		}
		results = page.Results
		if best, ok := tmdb.Best(results, title, year); ok && best.Year() == year && sameTitle(best, title) {
			return results, nil
		}
	}
	page, err := r.searcher.Search(ctx, title, 0, locale)
	if err != nil {
		return nil, classify(err)
	}
	return append(results, page.Results...), nil
}

// sameTitle tells whether res has title, folded as tmdb.Best folds it
// (its original title counts).
func sameTitle(res tmdb.Result, title string) bool {
	want := search.Fold(title)
	return search.Fold(res.Title) == want || search.Fold(res.OriginalTitle) == want
}

// Lookup finds the film a member means by a typed title (and year, 0
// when not given) on TMDB, searching in their locale: the same title
// and year first, then the same title, then the most popular
// (tmdb.Best); and resolves it into the shared catalog. storage.
// ErrNotFound when TMDB has nothing.
func (r *Resolver) Lookup(ctx context.Context, title string, year int, locale string) (storage.Film, error) {
	if r == nil {
		return storage.Film{}, ErrOff
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return storage.Film{}, fmt.Errorf("an empty title: %w", storage.ErrNotFound)
	}
	results, err := r.find(ctx, title, year, locale)
	if err != nil {
		return storage.Film{}, err
	}
	best, ok := tmdb.Best(results, title, year)
	if !ok {
		return storage.Film{}, fmt.Errorf("%q on TMDB: %w", title, storage.ErrNotFound)
	}
	return r.Resolve(ctx, best.ID)
}

// LookupUnique is Lookup as an import needs it: a match is exactly one
// film of that title in that year (tmdb.Unique); otherwise
// storage.ErrNotFound (none) or ErrAmbiguous with the candidates.
func (r *Resolver) LookupUnique(ctx context.Context, title string, year int) (storage.Film, []tmdb.Result, error) {
	film, cands, err := r.FindUnique(ctx, title, year)
	if err != nil {
		return storage.Film{}, cands, err
	}
	f, err := r.Resolve(ctx, film.ID)
	return f, cands, err
}

// FindUnique is LookupUnique without resolving: TMDB's search result for
// the one film of that title in that year, with nothing fetched or
// stored (an import's preview, which stores only once the member
// confirms, through Resolve). storage.ErrNotFound (none) or ErrAmbiguous
// with the candidates otherwise.
func (r *Resolver) FindUnique(ctx context.Context, title string, year int) (tmdb.Result, []tmdb.Result, error) {
	if r == nil {
		return tmdb.Result{}, nil, ErrOff
	}
	title = strings.TrimSpace(title)
	if title == "" || year <= 0 {
		return tmdb.Result{}, nil, fmt.Errorf("%q (%d): %w", title, year, storage.ErrNotFound)
	}
	page, err := r.searcher.Search(ctx, title, year, "")
	if err != nil {
		return tmdb.Result{}, nil, classify(err)
	}
	film, cands, ok := tmdb.Unique(page.Results, title, year)
	switch {
	case ok:
		return film, cands, nil
	case len(cands) == 0:
		return tmdb.Result{}, nil, fmt.Errorf("%q (%d) on TMDB: %w", title, year, storage.ErrNotFound)
	}
	return tmdb.Result{}, cands, fmt.Errorf("%q (%d): %d films: %w", title, year, len(cands), ErrAmbiguous)
}

// Ref is what a moderator names a film by: a TMDB id, or an IMDb id.
type Ref struct {
	TMDB int
	IMDb string // "tt…"
}

var (
	imdbID   = regexp.MustCompile(`^tt[0-9]{5,10}$`)
	tmdbPath = regexp.MustCompile(`^/(?:[a-z]{2}(?:-[A-Z]{2})?/)?movie/([0-9]{1,10})(?:-[^/]*)?/?$`)
	imdbPath = regexp.MustCompile(`^/(?:[a-z]{2}/)?title/(tt[0-9]{5,10})/?`)
)

// ParseRef reads what a moderator typed in `tmdb:`: a TMDB id ("496243"),
// a themoviedb.org link (https://www.themoviedb.org/movie/496243-parasite),
// an IMDb id ("tt6751668") or an IMDb link. ErrBadRef otherwise.
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 {
			return Ref{}, ErrBadRef
		}
		return Ref{TMDB: n}, nil
	}
	if low := strings.ToLower(s); imdbID.MatchString(low) {
		return Ref{IMDb: low}, nil
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Ref{}, ErrBadRef
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	switch host {
	case "themoviedb.org":
		if m := tmdbPath.FindStringSubmatch(u.Path); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
				return Ref{TMDB: n}, nil
			}
		}
	case "imdb.com", "m.imdb.com":
		if m := imdbPath.FindStringSubmatch(u.Path); m != nil {
			return Ref{IMDb: m[1]}, nil
		}
	}
	return Ref{}, ErrBadRef
}

// ResolveRef resolves a moderator's reference (ParseRef) into the shared
// catalog: an IMDb id through TMDB's find endpoint. storage.ErrNotFound
// when TMDB has no film of it.
func (r *Resolver) ResolveRef(ctx context.Context, ref Ref) (storage.Film, error) {
	if r == nil {
		return storage.Film{}, ErrOff
	}
	if ref.IMDb != "" {
		results, err := r.client.FindIMDb(ctx, ref.IMDb)
		if err != nil {
			return storage.Film{}, classify(err)
		}
		if len(results) == 0 {
			return storage.Film{}, fmt.Errorf("IMDb %s on TMDB: %w", ref.IMDb, storage.ErrNotFound)
		}
		return r.Resolve(ctx, results[0].ID)
	}
	return r.Resolve(ctx, ref.TMDB)
}
