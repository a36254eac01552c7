package storage

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Versions are one scope's own versions (not summed with the built-in
// catalog's): Catalog is its part of CatalogVersion; Content moves with
// every change to its films, reviews and settings.
type Versions struct {
	Catalog, Content uint64
}

// FilmKey is a film in a scope.
type FilmKey struct {
	Scope Scope
	Film  uint64
}

// ContentVersions is a store whose scopes' versions can be read, many
// scopes in one read: a store shared by several processes (PostgreSQL),
// whose writes a process's cache must notice (Cached).
type ContentVersions interface {
	// ContentVersions returns each scope's own versions (a scope never
	// written is absent: zero) and, in the same round trip, the
	// aggregates of films (each there, zero when unrated).
	ContentVersions(ctx context.Context, scopes []Scope, films []FilmKey) (map[Scope]Versions, map[FilmKey]Aggregate, error)
}

// DefaultCacheBytes bounds Cached's memory unless the operator says
// otherwise (FILMBOT_STORE_CACHE_MB).
const DefaultCacheBytes = 64 << 20

// CacheStats are a Cached store's counters and size.
type CacheStats struct {
	Hits, Misses uint64 // reads answered from memory, and from the store
	Checks       uint64 // version reads made (each serves every read that waited for it)
	Bytes, Bound int64  // what the entries hold, about, and its bound
	Entries      int
	Evicted      uint64 // entries evicted to stay within Bound
}

// Cached wraps s, a store that several processes share, with a cache of
// what rarely changes: films (whole and headers), reviews (whole, headers,
// excerpts), the pages /review and a click under an excerpt read, and
// settings, within maxBytes (about; least recently used first out).
//
// Every read first reads the versions of its scope and the built-in
// catalog (v.ContentVersions), and an entry answers only if it was read
// at the versions the store has now: a write by any process, committed
// before the read began, is seen. The version reads of concurrent
// readers are one read, started after each of them began (while one is
// under way, the readers that come meanwhile wait for the next), so that
// under load a process makes one small query per round trip, not one
// per interaction. CatalogVersion is served by the same reads.
//
// Ratings are never cached: FilmPage reads the film and its review count
// from the cache and its ratings from the store. Every other method
// passes through. The values returned share their inner slices with the
// cache: callers must not modify a film's or review's lists in place
// (top-level slices are copies).
func Cached(s Store, v ContentVersions, maxBytes int64) *CachedStore {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	c := &CachedStore{Store: s, bound: maxBytes, entries: map[cacheKey]*cacheEntry{}}
	c.lru.prev, c.lru.next = &c.lru, &c.lru
	c.versions.read = v.ContentVersions
	return c
}

// CachedStore is Cached's store.
type CachedStore struct {
	Store
	versions versionReader

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	lru     cacheEntry // sentinel: most recently used first
	bytes   int64
	bound   int64
	evicted uint64

	hits, misses atomic.Uint64
}

// Stats reads the cache's counters and size.
func (c *CachedStore) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Checks: c.versions.checks.Load(),
		Bytes: c.bytes, Bound: c.bound, Entries: len(c.entries), Evicted: c.evicted}
}

type cacheKind uint8

const (
	kindFilm cacheKind = iota + 1
	kindHeader
	kindFilmPage // the film whole and its review count
	kindReviewHeaders
	kindReviews
	kindReview
	kindExcerpt
	kindReviewPage
	kindExcerptMeta // a review's paragraphs, for ExcerptPage's pick
	kindExcerptPage
	kindSettings
)

type cacheKey struct {
	kind  cacheKind
	scope Scope
	a, b  uint64
}

type cacheEntry struct {
	key        cacheKey
	tag        uint64 // the content version (built-in's plus the scope's) it was read at
	val        any
	size       int64
	prev, next *cacheEntry
}

// entryCost is what an entry costs besides its value: the entry, its key
// and its slot in the map.
const entryCost = 160

// tag is scope's content version as a cache entry of it is read at: the
// built-in catalog's plus scope's own (each only grows, so the sum
// changes whenever either does).
func tagOf(vs map[Scope]Versions, scope Scope) uint64 {
	if scope == BuiltIn {
		return vs[BuiltIn].Content
	}
	return vs[BuiltIn].Content + vs[scope].Content
}

// check reads scope's versions now (with the other readers waiting).
func (c *CachedStore) check(ctx context.Context, scope Scope) (map[Scope]Versions, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs, _, err := c.versions.get(ctx, scope, nil)
	return vs, err
}

func (c *CachedStore) get(k cacheKey, tag uint64) (any, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	if ok && e.tag == tag {
		c.unlink(e)
		c.pushFront(e)
		c.mu.Unlock()
		c.hits.Add(1)
		return e.val, true
	}
	c.mu.Unlock()
	c.misses.Add(1)
	return nil, false
}

func (c *CachedStore) put(k cacheKey, tag uint64, val any, size int64) {
	size += entryCost
	if size > c.bound/8 {
		return // one entry never takes much of the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[k]; ok {
		if old.tag > tag {
			return // a newer read got there first
		}
		c.unlink(old)
		c.bytes -= old.size
	}
	e := &cacheEntry{key: k, tag: tag, val: val, size: size}
	c.entries[k] = e
	c.pushFront(e)
	c.bytes += size
	for c.bytes > c.bound && c.lru.prev != &c.lru {
		last := c.lru.prev
		c.unlink(last)
		delete(c.entries, last.key)
		c.bytes -= last.size
		c.evicted++
	}
}

func (c *CachedStore) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *CachedStore) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// cachedRead answers k from the cache at scope's versions now, or with
// read, caching what it returns (errors are not cached).
func cachedRead[T any](ctx context.Context, c *CachedStore, k cacheKey, read func() (T, error), size func(T) int64, clone func(T) T) (T, error) {
	vs, err := c.check(ctx, k.scope)
	if err != nil {
		var zero T
		return zero, err
	}
	tag := tagOf(vs, k.scope)
	if v, ok := c.get(k, tag); ok {
		return clone(v.(T)), nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	c.put(k, tag, v, size(v))
	return clone(v), nil
}

func same[T any](v T) T { return v }

// CatalogVersion reads the versions now, in the read the cache's checks
// share.
func (c *CachedStore) CatalogVersion(ctx context.Context, scope Scope) (uint64, error) {
	vs, err := c.check(ctx, scope)
	if err != nil {
		return 0, err
	}
	if scope == BuiltIn {
		return vs[BuiltIn].Catalog, nil
	}
	return vs[BuiltIn].Catalog + vs[scope].Catalog, nil
}

// Film is Store.Film, from the cache when current.
func (c *CachedStore) Film(ctx context.Context, scope Scope, id uint64) (Film, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindFilm, scope: scope, a: id}, func() (Film, error) { return c.Store.Film(ctx, scope, id) }, filmSize, same)
}

// FilmHeader is Store.FilmHeader, from the cache when current.
func (c *CachedStore) FilmHeader(ctx context.Context, scope Scope, id uint64) (Film, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindHeader, scope: scope, a: id}, func() (Film, error) { return c.Store.FilmHeader(ctx, scope, id) }, filmSize, same)
}

// FilmHeaders is Store.FilmHeaders: the headers the cache holds current,
// and the others in one read of the store.
func (c *CachedStore) FilmHeaders(ctx context.Context, scope Scope, ids []uint64) (map[uint64]Film, error) {
	vs, err := c.check(ctx, scope)
	if err != nil {
		return nil, err
	}
	tag := tagOf(vs, scope)
	out := make(map[uint64]Film, len(ids))
	var missing []uint64
	for _, id := range ids {
		if v, ok := c.get(cacheKey{kind: kindHeader, scope: scope, a: id}, tag); ok {
			out[id] = v.(Film)
		} else if !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	got, err := c.Store.FilmHeaders(ctx, scope, missing)
	if err != nil {
		return nil, err
	}
	for id, f := range got {
		c.put(cacheKey{kind: kindHeader, scope: scope, a: id}, tag, f, filmSize(f))
		out[id] = f
	}
	return out, nil
}

// filmPart is what FilmPage keeps: all but the ratings.
type filmPart struct {
	film    Film
	reviews int
}

// FilmPage is Store.FilmPage: the film and its review count from the
// cache when current, its ratings always from the store, read with the
// versions (in the same read, shared with the other readers waiting).
func (c *CachedStore) FilmPage(ctx context.Context, scope Scope, film uint64) (FilmPage, error) {
	if err := ctx.Err(); err != nil {
		return FilmPage{}, err
	}
	fk := FilmKey{Scope: scope, Film: film}
	vs, aggs, err := c.versions.get(ctx, scope, &fk)
	if err != nil {
		return FilmPage{}, err
	}
	tag := tagOf(vs, scope)
	k := cacheKey{kind: kindFilmPage, scope: scope, a: film}
	if v, ok := c.get(k, tag); ok {
		part := v.(filmPart)
		return FilmPage{Film: part.film, Reviews: part.reviews, Ratings: aggs[fk]}, nil
	}
	p, err := c.Store.FilmPage(ctx, scope, film)
	if err != nil {
		return p, err
	}
	c.put(k, tag, filmPart{film: p.Film, reviews: p.Reviews}, filmSize(p.Film)+8)
	return p, nil
}

// ReviewHeaders is Store.ReviewHeaders, from the cache when current.
func (c *CachedStore) ReviewHeaders(ctx context.Context, scope Scope, film uint64) ([]Review, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindReviewHeaders, scope: scope, a: film}, func() ([]Review, error) { return c.Store.ReviewHeaders(ctx, scope, film) },
		reviewsSize, slices.Clone)
}

// Reviews is Store.Reviews, from the cache when current.
func (c *CachedStore) Reviews(ctx context.Context, scope Scope, film uint64) ([]Review, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindReviews, scope: scope, a: film}, func() ([]Review, error) { return c.Store.Reviews(ctx, scope, film) },
		reviewsSize, slices.Clone)
}

// Review is Store.Review, from the cache when current.
func (c *CachedStore) Review(ctx context.Context, scope Scope, id uint64) (Review, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindReview, scope: scope, a: id}, func() (Review, error) { return c.Store.Review(ctx, scope, id) },
		reviewSize, func(r Review) Review { r.Excerpts = slices.Clone(r.Excerpts); return r })
}

type excerptPart struct {
	review  Review
	excerpt Excerpt
}

// Excerpt is Store.Excerpt, from the cache when current (a refusal,
// ErrNoExcerpt included, is read from the store each time).
func (c *CachedStore) Excerpt(ctx context.Context, scope Scope, id uint64, n int) (Review, Excerpt, error) {
	p, err := cachedRead(ctx, c, cacheKey{kind: kindExcerpt, scope: scope, a: id, b: uint64(n)}, func() (excerptPart, error) {
		r, e, err := c.Store.Excerpt(ctx, scope, id, n)
		return excerptPart{r, e}, err
	}, func(p excerptPart) int64 { return reviewSize(p.review) + int64(len(p.excerpt.Text)) }, same)
	return p.review, p.excerpt, err
}

// ReviewPage is Store.ReviewPage, from the cache when current.
func (c *CachedStore) ReviewPage(ctx context.Context, scope Scope, film uint64, n int) (ReviewPage, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindReviewPage, scope: scope, a: film, b: uint64(n)}, func() (ReviewPage, error) { return c.Store.ReviewPage(ctx, scope, film, n) },
		func(p ReviewPage) int64 {
			size := filmSize(p.Film) + reviewsSize(p.Reviews)
			for _, e := range p.Excerpts {
				size += 32 + int64(len(e.Text))
			}
			return size
		}, func(p ReviewPage) ReviewPage {
			p.Reviews, p.Excerpts = slices.Clone(p.Reviews), slices.Clone(p.Excerpts)
			return p
		})
}

// ExcerptPage is Store.ExcerptPage, from the cache when current: pick is
// called with the review's paragraphs as the cache knows them at the
// versions read now, and the page of the excerpt it picks is read from
// the store when the cache lacks it.
func (c *CachedStore) ExcerptPage(ctx context.Context, scope Scope, review uint64, pick func(paragraphs int) int) (ExcerptPage, error) {
	vs, err := c.check(ctx, scope)
	if err != nil {
		return ExcerptPage{}, err
	}
	tag := tagOf(vs, scope)
	meta := cacheKey{kind: kindExcerptMeta, scope: scope, a: review}
	if v, ok := c.get(meta, tag); ok {
		n := pick(v.(int))
		if p, ok := c.get(cacheKey{kind: kindExcerptPage, scope: scope, a: review, b: uint64(n)}, tag); ok {
			return p.(ExcerptPage), nil
		}
		// The store picks again from the same count, unless the review
		// changed since: then its own count decides.
		picked := false
		p, err := c.Store.ExcerptPage(ctx, scope, review, func(paragraphs int) int {
			if paragraphs == v.(int) {
				return n
			}
			picked = true
			return pick(paragraphs)
		})
		if err == nil && !picked {
			c.put(cacheKey{kind: kindExcerptPage, scope: scope, a: review, b: uint64(p.N)}, tag, p, excerptPageSize(p))
		}
		return p, err
	}
	p, err := c.Store.ExcerptPage(ctx, scope, review, pick)
	if err != nil {
		return p, err
	}
	c.put(meta, tag, p.Review.Paragraphs, 8)
	c.put(cacheKey{kind: kindExcerptPage, scope: scope, a: review, b: uint64(p.N)}, tag, p, excerptPageSize(p))
	return p, nil
}

// Settings is Store.Settings, from the cache when current.
func (c *CachedStore) Settings(ctx context.Context, scope Scope) (Settings, error) {
	return cachedRead(ctx, c, cacheKey{kind: kindSettings, scope: scope}, func() (Settings, error) { return c.Store.Settings(ctx, scope) },
		func(s Settings) int64 {
			return 80 + int64(len(s.ReviewsChannel)+len(s.ModRole)+len(s.HostRole)+len(s.Timezone)+len(s.Language))
		}, same)
}

// The sizes below are what a value holds, about: its strings' and
// lists' bytes and their headers.

func stringsSize(ss []string) int64 {
	n := int64(24 + 16*len(ss))
	for _, s := range ss {
		n += int64(len(s))
	}
	return n
}

func mapSize(m map[string]string) int64 {
	n := int64(48)
	for k, v := range m {
		n += 48 + int64(len(k)+len(v))
	}
	return n
}

func filmSize(f Film) int64 {
	n := int64(560) + int64(len(f.Title)+len(f.Country)+len(f.Premiere)+len(f.Release)+len(f.Letterboxd)+len(f.CreatedBy)+
		len(f.IMDb)+len(f.Wikidata)+len(f.OriginalTitle)+len(f.Overview)+len(f.Poster)+len(f.Director))
	for _, l := range [][]string{f.Languages, f.Aliases, f.Directors, f.Writers, f.Editors, f.Cinematographers, f.Producers, f.Awards,
		f.Genres, f.Countries, f.Composers} {
		n += stringsSize(l)
	}
	for _, r := range f.Cast {
		n += 48 + int64(len(r.Actor)+len(r.Role)+len(r.Note))
	}
	return n + mapSize(f.Titles) + mapSize(f.Overviews)
}

func reviewSize(r Review) int64 {
	n := int64(160 + len(r.Reviewer) + len(r.PullQuote) + len(r.PostedBy))
	for _, e := range r.Excerpts {
		n += 32 + int64(len(e.Text))
	}
	return n
}

func reviewsSize(rs []Review) int64 {
	n := int64(24)
	for _, r := range rs {
		n += reviewSize(r)
	}
	return n
}

func excerptPageSize(p ExcerptPage) int64 {
	return filmSize(p.Film) + reviewSize(p.Review) + 48 + int64(len(p.Excerpt.Text))
}

// versionReader reads versions for many readers at once: a reader joins
// the next read to start (never one already under way, which may have
// read before the reader's caller wrote), and one read at a time runs.
type versionReader struct {
	read   func(ctx context.Context, scopes []Scope, films []FilmKey) (map[Scope]Versions, map[FilmKey]Aggregate, error)
	checks atomic.Uint64

	mu      sync.Mutex
	running bool
	next    *versionFlight // gathering readers while one runs
}

type versionFlight struct {
	scopes map[Scope]struct{}
	films  map[FilmKey]struct{} // whose ratings to read too
	done   chan struct{}
	got    map[Scope]Versions
	aggs   map[FilmKey]Aggregate
	err    error
}

// versionTimeout bounds a version read, whoever waits for it.
const versionTimeout = 2 * time.Second

// get reads scope's versions (and film's ratings, unless nil) in the
// next read to start.
func (r *versionReader) get(ctx context.Context, scope Scope, film *FilmKey) (map[Scope]Versions, map[FilmKey]Aggregate, error) {
	r.mu.Lock()
	if r.next == nil {
		r.next = &versionFlight{scopes: map[Scope]struct{}{BuiltIn: {}}, done: make(chan struct{})}
	}
	f := r.next
	f.scopes[scope] = struct{}{}
	if film != nil {
		if f.films == nil {
			f.films = map[FilmKey]struct{}{}
		}
		f.films[*film] = struct{}{}
	}
	if !r.running {
		r.running, r.next = true, nil
		go r.run(f)
	}
	r.mu.Unlock()
	select {
	case <-f.done:
		return f.got, f.aggs, f.err
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// run reads f's scopes, then starts the flight that gathered meanwhile,
// if any.
func (r *versionReader) run(f *versionFlight) {
	for f != nil {
		ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
		f.got, f.aggs, f.err = r.read(ctx, slices.Collect(maps.Keys(f.scopes)), slices.Collect(maps.Keys(f.films)))
		cancel()
		r.checks.Add(1)
		close(f.done)
		r.mu.Lock()
		f, r.next = r.next, nil
		r.running = f != nil
		r.mu.Unlock()
	}
}
