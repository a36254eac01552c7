package tmdb

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"
)

// Searcher answers searches from a cache bounded by bytes and by age,
// and makes identical searches that are in flight at once a single
// request. A search runs on its own timeout, not on its caller's: a
// caller that stops waiting (autocomplete's budget) leaves the answer to
// the cache for the next keystroke.
type Searcher struct {
	c        *Client
	ttl      time.Duration
	maxBytes int
	timeout  time.Duration
	now      func() time.Time

	mu       sync.Mutex
	entries  map[searchKey]*list.Element
	lru      *list.List // of *searchEntry, most recent at the front
	bytes    int
	inflight map[searchKey]*searchCall
	hits     uint64
	misses   uint64
}

type searchKey struct {
	query    string
	year     int
	language string
}

type searchEntry struct {
	key   searchKey
	page  Page
	size  int
	until time.Time
	memo  any // CachedMemo's derived value, made once per entry
}

type searchCall struct {
	done chan struct{}
	page Page
	err  error
}

// NewSearcher caches c's searches for ttl (a minute by default), in at
// most maxBytes (8 MiB by default); each search has timeout (5 s by
// default).
func NewSearcher(c *Client, ttl time.Duration, maxBytes int, timeout time.Duration) *Searcher {
	if ttl <= 0 {
		ttl = time.Minute
	}
	if maxBytes <= 0 {
		maxBytes = 8 << 20
	}
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	return &Searcher{c: c, ttl: ttl, maxBytes: maxBytes, timeout: timeout, now: c.now,
		entries: map[searchKey]*list.Element{}, lru: list.New(), inflight: map[searchKey]*searchCall{}}
}

// Search is Client.SearchMovies through the cache. The query is trimmed
// and lower-cased for the cache's key.
func (s *Searcher) Search(ctx context.Context, query string, year int, language string) (Page, error) {
	k := searchKey{strings.ToLower(strings.TrimSpace(query)), year, language}
	s.mu.Lock()
	if el, ok := s.entries[k]; ok {
		e := el.Value.(*searchEntry)
		if s.now().Before(e.until) {
			s.lru.MoveToFront(el)
			s.hits++
			s.mu.Unlock()
			return e.page, nil
		}
		s.remove(el)
	}
	s.misses++
	call, ok := s.inflight[k]
	if !ok {
		call = &searchCall{done: make(chan struct{})}
		s.inflight[k] = call
		go s.run(k, call)
	}
	s.mu.Unlock()
	select {
	case <-call.done:
		return call.page, call.err
	case <-ctx.Done():
		return Page{}, ctx.Err()
	}
}

func (s *Searcher) run(k searchKey, call *searchCall) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	call.page, call.err = s.c.SearchMovies(ctx, k.query, k.year, k.language)
	s.mu.Lock()
	delete(s.inflight, k)
	if call.err == nil {
		s.add(k, call.page)
	}
	s.mu.Unlock()
	close(call.done)
}

// add caches p under k, evicting the least recently used past maxBytes.
func (s *Searcher) add(k searchKey, p Page) {
	size := pageSize(k, p)
	if size > s.maxBytes {
		return
	}
	if el, ok := s.entries[k]; ok {
		s.remove(el)
	}
	s.entries[k] = s.lru.PushFront(&searchEntry{key: k, page: p, size: size, until: s.now().Add(s.ttl)})
	s.bytes += size
	for s.bytes > s.maxBytes {
		s.remove(s.lru.Back())
	}
}

func (s *Searcher) remove(el *list.Element) {
	e := el.Value.(*searchEntry)
	s.lru.Remove(el)
	delete(s.entries, e.key)
	s.bytes -= e.size
}

// pageSize estimates what an entry holds in memory: its strings and a
// fixed cost per result, key and entry (the map's slot, the list's
// element, the entry), with room for CachedMemo's derived value (a
// suggestion per result). The fixed costs are measured: a cache filled
// to its bound held 1.3–1.6 times the bytes counted with 160 each.
func pageSize(k searchKey, p Page) int {
	n := 320 + len(k.query) + len(k.language)
	for _, r := range p.Results {
		n += 320 + len(r.Title) + len(r.OriginalTitle) + len(r.OriginalLanguage) + len(r.Overview) +
			len(r.ReleaseDate) + len(r.PosterPath) + 8*len(r.GenreIDs)
	}
	return n
}

// SearchStats are the cache's counters and size.
type SearchStats struct {
	Hits, Misses   uint64
	Entries, Bytes int
}

// Stats reports the cache's counters and size.
func (s *Searcher) Stats() SearchStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SearchStats{Hits: s.hits, Misses: s.misses, Entries: len(s.entries), Bytes: s.bytes}
}

// CachedMemo is a cached, fresh search's value as derive makes it from
// the page: made once per cached entry and kept with it (derive must
// return a value no caller changes, about the page's size). It never
// waits and never asks TMDB (a hit counts as one); ok is false when the
// search is not cached.
func (s *Searcher) CachedMemo(query string, year int, language string, derive func(Page) any) (v any, ok bool) {
	k := searchKey{strings.ToLower(strings.TrimSpace(query)), year, language}
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.entries[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*searchEntry)
	if !s.now().Before(e.until) {
		return nil, false
	}
	s.lru.MoveToFront(el)
	s.hits++
	if e.memo == nil {
		e.memo = derive(e.page)
	}
	return e.memo, true
}
