package source

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// Freshness (issue 26, item 4): a stored film older than RefreshAge is
// refreshed when used, in the background; TMDB's data is not kept past
// KeepLimit (TMDB's caching limit, 6 months) unrefreshed.
const (
	RefreshAge = 30 * 24 * time.Hour
	KeepLimit  = 183 * 24 * time.Hour
)

// FetchTimeout bounds one fetch of a film (its details and the save),
// whoever waits for it.
const FetchTimeout = 20 * time.Second

// Resolver turns TMDB ids, titles and references into films of the
// shared catalog. It is safe for concurrent use. A nil *Resolver is the
// source turned off: its methods answer ErrOff.
type Resolver struct {
	store     storage.Catalog
	client    *tmdb.Client
	searcher  *tmdb.Searcher
	now       func() time.Time
	languages []string

	// OnRefreshError, if set, hears of a background refresh that failed
	// (the stored film is kept as it is); set it before use.
	OnRefreshError func(tmdbID int, err error)

	mu         sync.Mutex
	fetching   map[int]*fetch // by TMDB id: one fetch in flight per film
	refreshing map[int]bool   // by TMDB id: one background refresh per film
	background sync.WaitGroup
	joined     func() // tests: a caller joined a fetch in flight
	claimWait  func() // tests: another process holds the fetch's claim
	images     images // TMDB's configuration, for posters (PosterURL)
}

type fetch struct {
	done chan struct{}
	film storage.Film
	err  error
}

// New returns a Resolver over the store's catalog, a TMDB client and its
// search cache, with now as its clock (time.Now when nil). Films are
// stored with their titles and overviews in Discord's locales.
func New(store storage.Catalog, client *tmdb.Client, searcher *tmdb.Searcher, now func() time.Time) *Resolver {
	if now == nil {
		now = time.Now
	}
	return &Resolver{store: store, client: client, searcher: searcher, now: now, languages: storage.DiscordLocales,
		fetching: map[int]*fetch{}, refreshing: map[int]bool{}}
}

// Suggestion is a TMDB search result offered to a member.
type Suggestion struct {
	TMDB  int
	Title string // in the member's language where TMDB has it
	Year  int    // 0 when unknown
	Label string // "Title (Year)", at most 100 characters (a choice's name)
}

// Suggest searches TMDB for what a member typed, in their locale,
// through the search cache (which bounds the wait and makes identical
// searches once): at most max suggestions, best first as TMDB ranks
// them. The caller's context is its budget.
func (r *Resolver) Suggest(ctx context.Context, typed, locale string, max int) ([]Suggestion, error) {
	if r == nil {
		return nil, ErrOff
	}
	typed = strings.TrimSpace(typed)
	if typed == "" || max <= 0 {
		return nil, nil
	}
	page, err := r.searcher.Search(ctx, typed, 0, locale)
	if err != nil {
		return nil, classify(err)
	}
	return suggestions(page, max), nil
}

// SuggestCached is Suggest when the search is cached and fresh, without
// waiting or asking TMDB, as derive makes it from all the search's
// suggestions: made once per cached search and shared, so derive's
// value must not be changed (and one caller's derive serves all). ok is
// false when the search is not cached, and for a nil Resolver.
func (r *Resolver) SuggestCached(typed, locale string, derive func([]Suggestion) any) (v any, ok bool) {
	if r == nil {
		return nil, false
	}
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return nil, false
	}
	return r.searcher.CachedMemo(typed, 0, locale, func(p tmdb.Page) any { return derive(suggestions(p, len(p.Results))) })
}

// suggestions are a search's first max results with a title.
func suggestions(page tmdb.Page, max int) []Suggestion {
	out := make([]Suggestion, 0, min(max, len(page.Results)))
	for _, res := range page.Results {
		if len(out) == max {
			break
		}
		title := strings.TrimSpace(res.Title)
		if title == "" {
			title = strings.TrimSpace(res.OriginalTitle)
		}
		if title == "" || res.ID <= 0 {
			continue
		}
		out = append(out, Suggestion{TMDB: res.ID, Title: title, Year: res.Year(), Label: Label(title, res.Year())})
	}
	return out
}

// Label is "Title (Year)" ("Title" when the year is unknown), cut to
// Discord's 100 characters for a choice's name, the year kept.
func Label(title string, year int) string {
	if year <= 0 {
		if utf8.RuneCountInString(title) > 100 {
			title = string([]rune(title)[:99]) + "…"
		}
		return title
	}
	if room := 100 - len(" (2000)"); utf8.RuneCountInString(title) > room {
		title = string([]rune(title)[:room-1]) + "…"
	}
	// One allocation: autocomplete labels every suggestion each time.
	b := make([]byte, 0, len(title)+8)
	b = append(b, title...)
	b = append(b, " ("...)
	b = strconv.AppendInt(b, int64(year), 10)
	return string(append(b, ')'))
}

// Resolve returns the shared catalog's film of TMDB id tmdbID: at once
// when stored (and, when it is older than RefreshAge, refreshed in the
// background, one refresh per film at a time); otherwise fetched from
// TMDB, once per film however many ask at once, and stored.
func (r *Resolver) Resolve(ctx context.Context, tmdbID int) (storage.Film, error) {
	if r == nil {
		return storage.Film{}, ErrOff
	}
	if tmdbID <= 0 {
		return storage.Film{}, fmt.Errorf("TMDB film %d: %w", tmdbID, storage.ErrNotFound)
	}
	f, err := r.store.FilmByTMDB(ctx, uint64(tmdbID))
	if err == nil {
		if r.stale(f) {
			r.refreshLater(tmdbID)
		}
		return f, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return f, err
	}
	return r.fetch(ctx, tmdbID)
}

// stale tells whether f is due a refresh.
func (r *Resolver) stale(f storage.Film) bool { return r.now().Sub(f.FetchedAt) >= RefreshAge }

// fetch fetches and stores film tmdbID, joining a fetch of it already in
// flight. The fetch runs on its own context (FetchTimeout), so that a
// caller giving up does not fail the others; the caller waits until its
// own context is done.
func (r *Resolver) fetch(ctx context.Context, tmdbID int) (storage.Film, error) {
	r.mu.Lock()
	call, ok := r.fetching[tmdbID]
	if !ok {
		call = &fetch{done: make(chan struct{})}
		r.fetching[tmdbID] = call
		go func() {
			fctx, cancel := context.WithTimeout(context.Background(), FetchTimeout)
			defer cancel()
			// Another fetch may have stored it between the caller's read
			// and this one: then TMDB is not asked again.
			f, err := r.store.FilmByTMDB(fctx, uint64(tmdbID))
			if errors.Is(err, storage.ErrNotFound) {
				f, err = r.fetchClaimed(fctx, tmdbID)
			}
			call.film, call.err = f, err
			r.mu.Lock()
			delete(r.fetching, tmdbID)
			r.mu.Unlock()
			close(call.done)
		}()
	} else if r.joined != nil {
		r.joined()
	}
	r.mu.Unlock()
	select {
	case <-call.done:
		return call.film, call.err
	case <-ctx.Done():
		return storage.Film{}, classify(ctx.Err())
	}
}

// ClaimFor is how long a process's claim of a fetch (Catalog.ClaimFetch)
// keeps other processes waiting for its row rather than fetching the
// film themselves; ClaimPoll, how often they look for the row.
const (
	ClaimFor  = 10 * time.Second
	ClaimPoll = 100 * time.Millisecond
)

// fetchClaimed fetches and stores film tmdbID once across the processes
// sharing the store: the one whose claim is taken fetches; the others
// look for its row until it is there, or fetch themselves once the
// claim has ended (its process failed or went away).
func (r *Resolver) fetchClaimed(ctx context.Context, tmdbID int) (storage.Film, error) {
	for {
		claimed, err := r.store.ClaimFetch(ctx, uint64(tmdbID), ClaimFor)
		if err != nil {
			return storage.Film{}, err
		}
		if claimed {
			return r.fetchAndSave(ctx, tmdbID, storage.Film{})
		}
		if r.claimWait != nil {
			r.claimWait()
		}
		t := time.NewTimer(ClaimPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return storage.Film{}, classify(ctx.Err())
		case <-t.C:
		}
		f, err := r.store.FilmByTMDB(ctx, uint64(tmdbID))
		if !errors.Is(err, storage.ErrNotFound) {
			return f, err
		}
	}
}

// fetchAndSave asks TMDB for film tmdbID and saves it (over old, when
// stored). Nothing is stored when TMDB fails.
func (r *Resolver) fetchAndSave(ctx context.Context, tmdbID int, old storage.Film) (storage.Film, error) {
	m, err := r.client.MovieDetails(ctx, tmdbID, "")
	if err != nil {
		return old, classify(err)
	}
	if m.ID != tmdbID || strings.TrimSpace(m.Title+m.OriginalTitle) == "" {
		return old, fmt.Errorf("%w: film %d answered as %d %q", ErrNotAnswering, tmdbID, m.ID, m.Title)
	}
	return r.store.SaveSourced(ctx, Convert(m, r.languages))
}

// refreshLater refreshes film tmdbID in the background unless a refresh
// of it is under way.
func (r *Resolver) refreshLater(tmdbID int) {
	r.mu.Lock()
	if r.refreshing[tmdbID] {
		r.mu.Unlock()
		return
	}
	r.refreshing[tmdbID] = true
	r.background.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.background.Done()
		ctx, cancel := context.WithTimeout(context.Background(), FetchTimeout)
		defer cancel()
		_, err := r.refresh(ctx, tmdbID)
		r.mu.Lock()
		delete(r.refreshing, tmdbID)
		r.mu.Unlock()
		if err != nil && r.OnRefreshError != nil {
			r.OnRefreshError(tmdbID, err)
		}
	}()
}

// Wait waits for the background refreshes started so far (tests, and a
// process stopping).
func (r *Resolver) Wait() {
	if r != nil {
		r.background.Wait()
	}
}

// Refreshed is what refresh did to a stored film.
type Refreshed int

// What refresh did.
const (
	Kept      Refreshed = iota // TMDB failed; the film is kept as it was
	Updated                    // TMDB answered; the film is saved anew
	Dropped                    // TMDB failed past KeepLimit: its data dropped (Film.Unsourced)
	NotStored                  // the film is not (or no longer) stored
)

// refresh asks TMDB again for a stored film. When TMDB fails and the
// film's data is older than KeepLimit, TMDB's data is dropped
// (Film.Unsourced): the row stays, for the reviews, ratings and
// watchlists that name it, with its title, year and ids, and a later
// refresh brings the rest back. A film never fetched (FetchedAt zero,
// such as the seed film) holds nothing of TMDB's and is kept. A film
// TMDB no longer has (404) is saved at once, so that it goes to the
// back of the refresh order (Catalog.SourcedBefore) rather than stand
// at its head, every turn, before the films TMDB can refresh: as it
// is, or without TMDB's data when that is past KeepLimit.
func (r *Resolver) refresh(ctx context.Context, tmdbID int) (Refreshed, error) {
	old, err := r.store.FilmByTMDB(ctx, uint64(tmdbID))
	if errors.Is(err, storage.ErrNotFound) {
		return NotStored, nil
	}
	if err != nil {
		return Kept, err
	}
	if _, err := r.fetchAndSave(ctx, tmdbID, old); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			// Saved as it is, to go to the back of the refresh order;
			// TMDB's data dropped only past KeepLimit, as for any other
			// failure. (Saving sets FetchedAt: a film never fetched, whose
			// words are its own, such as the seed's, must not read as
			// TMDB's at the next 404 and lose its credits.)
			what, gone := Kept, old
			if !old.FetchedAt.IsZero() && r.now().Sub(old.FetchedAt) >= KeepLimit {
				what, gone = Dropped, old.Unsourced()
			}
			if _, serr := r.store.SaveSourced(ctx, gone); serr != nil {
				return Kept, errors.Join(err, serr)
			}
			return what, err
		}
		if errors.Is(err, context.Canceled) || old.FetchedAt.IsZero() || r.now().Sub(old.FetchedAt) < KeepLimit ||
			errors.Is(err, ErrBusy) {
			return Kept, err
		}
		if _, serr := r.store.SaveSourced(ctx, old.Unsourced()); serr != nil {
			return Kept, errors.Join(err, serr)
		}
		return Dropped, err
	}
	return Updated, nil
}

// RefreshReport counts what a RefreshStale run did.
type RefreshReport struct {
	Updated, Kept, Dropped int
}

// RefreshStale is the freshness job: it refreshes, one after another (the
// client paces them), at most limit of the shared catalog's films from
// TMDB fetched more than RefreshAge ago, oldest first (Catalog.
// SourcedBefore), dropping TMDB's data from those TMDB has not answered
// for past KeepLimit. It stops at the first sign that TMDB is away
// (busy, its breaker open) or when ctx is done, and returns that error
// with what it did; a film TMDB answers badly for is passed over (the
// last such error is returned with the rest done).
func (r *Resolver) RefreshStale(ctx context.Context, limit int) (RefreshReport, error) {
	var rep RefreshReport
	if r == nil {
		return rep, ErrOff
	}
	films, err := r.store.SourcedBefore(ctx, r.now().Add(-RefreshAge), limit)
	if err != nil {
		return rep, err
	}
	var last error // a film TMDB answered badly for, the others refreshed
	for _, f := range films {
		what, err := r.refresh(ctx, int(f.TMDB))
		switch what {
		case Updated:
			rep.Updated++
		case Kept:
			rep.Kept++
		case Dropped:
			rep.Dropped++
		}
		if err == nil || errors.Is(err, storage.ErrNotFound) || what == Dropped {
			continue
		}
		// TMDB away (busy, the breaker open after repeated failures, the
		// caller gone): stop, and try again next turn. One film TMDB
		// answers badly for does not hold the others back.
		if errors.Is(err, ErrBusy) || r.client.BreakerOpen() || ctx.Err() != nil || !errors.Is(err, ErrNotAnswering) {
			return rep, err
		}
		last = err
	}
	return rep, last
}

// KeepFresh runs RefreshStale (limit films a turn) at every tick until
// ctx ends, telling report what each turn did (a turn that found TMDB
// away ends early and is tried again at the next tick). The caller owns
// the ticker: a process keeps its films fresh with an hourly one, a test
// ticks by hand.
func (r *Resolver) KeepFresh(ctx context.Context, tick <-chan time.Time, limit int, report func(RefreshReport, error)) {
	if r == nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		rep, err := r.RefreshStale(ctx, limit)
		if report != nil && ctx.Err() == nil {
			report(rep, err)
		}
	}
}
