package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
)

// catalog caches, per server, an autocomplete index of the films it sees,
// so autocomplete never waits on more than memory and one read of the
// catalog's version (Discord gives it 3 s and no deferral). The store
// bumps a server's version in every transaction that changes its films,
// whatever wrote it, so an index is rebuilt when it no longer matches and
// no handler has to remember to drop it. Servers with no films of their
// own share the built-in catalog's index. The cache is bounded by the
// bytes its indexes hold (search.Index.Size), not by their number (one
// server's 10,000 films weigh as much as thousands of small servers'):
// past the bound, the least recently used go, and are rebuilt on use.
type catalog struct {
	store    storage.Catalog
	mu       sync.Mutex
	ix       map[storage.Scope]*cachedIndex
	lru      cachedIndex // sentinel of the list, most recently used first
	bytes    int64
	maxBytes int64
	observe  func(hit bool)                        // nil: nobody listens
	onSize   func(bytes, bound int64, evicted int) // nil: nobody listens
}

type cachedIndex struct {
	scope      storage.Scope
	ix         *search.Index // nil: the built-in catalog's, shared
	version    uint64
	size       int64
	prev, next *cachedIndex
}

// DefaultCatalogCacheBytes bounds the autocomplete cache unless
// WithCatalogCache says otherwise: some 20 servers of 10,000 films each,
// or thousands of small ones.
const DefaultCatalogCacheBytes = 128 << 20

// entryOverhead is what a cached entry costs besides its index: the
// entry and its slot in the map. A server sharing the built-in index
// costs only this.
const entryOverhead = 128

func newCatalog(store storage.Catalog) *catalog {
	c := &catalog{store: store, ix: map[storage.Scope]*cachedIndex{}, maxBytes: DefaultCatalogCacheBytes}
	c.lru.prev, c.lru.next = &c.lru, &c.lru
	return c
}

// WithCatalogCache bounds the autocomplete cache to maxBytes (0: the
// default) and sets what hears its size in bytes, its bound and how many
// indexes it evicted: now, and after each change.
func (s *Set) WithCatalogCache(maxBytes int64, observe func(bytes, bound int64, evicted int)) *Set {
	if maxBytes <= 0 {
		maxBytes = DefaultCatalogCacheBytes
	}
	c := s.catalog
	c.mu.Lock()
	c.maxBytes, c.onSize = maxBytes, observe
	evicted := c.trim()
	bytes := c.bytes
	c.mu.Unlock()
	if observe != nil {
		observe(bytes, maxBytes, evicted)
	}
	return s
}

// trim evicts the least recently used entries until the cache is within
// its bound, and says how many; c.mu is held.
func (c *catalog) trim() int {
	evicted := 0
	for c.bytes > c.maxBytes && c.lru.prev != &c.lru {
		last := c.lru.prev
		c.unlink(last)
		delete(c.ix, last.scope)
		c.bytes -= last.size
		evicted++
	}
	return evicted
}

// label is how a film is shown in lists: "Anora (2024)".
func label(f storage.Film) string {
	if f.Year == 0 {
		return f.Title
	}
	return f.Title + " (" + strconv.Itoa(f.Year) + ")"
}

// index returns scope's index, building it when the catalog changed.
func (c *catalog) index(ctx context.Context, scope storage.Scope) (*search.Index, error) {
	// The version is read before the films: a write in between makes the
	// index newer than its version says, so it is rebuilt once more, never
	// kept stale.
	v, err := c.store.CatalogVersion(ctx, scope)
	if err != nil {
		return nil, fmt.Errorf("catalog %d: %w", scope, err)
	}
	c.mu.Lock()
	e, ok := c.ix[scope]
	hit := ok && e.version == v
	var ix *search.Index
	if hit {
		c.unlink(e)
		c.pushFront(e)
		ix = e.ix
	}
	c.mu.Unlock()
	if hit && ix == nil { // shares the built-in index, which has its own entry (and counts the lookup)
		return c.index(ctx, storage.BuiltIn)
	}
	if c.observe != nil {
		c.observe(hit)
	}
	if hit {
		return ix, nil
	}
	films, err := c.store.Films(ctx, scope)
	if err != nil {
		return nil, fmt.Errorf("catalog %d: %w", scope, err)
	}
	shared := scope != storage.BuiltIn && !slices.ContainsFunc(films, func(f storage.Film) bool { return f.Scope == scope })
	if shared {
		ix, err = c.index(ctx, storage.BuiltIn) // the same films: share that index
		if err != nil {
			return nil, err
		}
	} else {
		entries := make([]search.Entry, len(films))
		for i, f := range films {
			names := append([]string{f.Title, label(f)}, f.Aliases...)
			entries[i] = search.Entry{ID: f.ID, Label: label(f), Names: names}
		}
		ix = search.NewIndex(entries)
	}
	e = &cachedIndex{scope: scope, ix: ix, version: v, size: entryOverhead}
	if shared {
		e.ix = nil
	} else {
		e.size += ix.Size()
	}
	c.put(e)
	return ix, nil
}

// put caches e in place of any entry for its scope, then evicts the least
// recently used past the bound. An index larger than the whole bound is
// not kept, and evicts nothing: the bound always holds, and one huge
// catalog does not empty the cache for every other server.
func (c *catalog) put(e *cachedIndex) {
	c.mu.Lock()
	if old, ok := c.ix[e.scope]; ok {
		c.unlink(old)
		delete(c.ix, e.scope)
		c.bytes -= old.size
	}
	if e.size > c.maxBytes {
		bytes, bound, onSize := c.bytes, c.maxBytes, c.onSize
		c.mu.Unlock()
		if onSize != nil {
			onSize(bytes, bound, 0)
		}
		return
	}
	c.ix[e.scope] = e
	c.pushFront(e)
	c.bytes += e.size
	evicted := c.trim()
	bytes, bound, onSize := c.bytes, c.maxBytes, c.onSize
	c.mu.Unlock()
	if onSize != nil {
		onSize(bytes, bound, evicted)
	}
}

func (c *catalog) unlink(e *cachedIndex) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (c *catalog) pushFront(e *cachedIndex) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// filmNamed resolves the film: option of a command in the catalog the
// interaction sees (its server's, or the built-in one in a DM).
// The film is its header (storage.Film.Header), which is what answers
// that name a film need; filmNamedWhole reads its credits too.
func (s *Set) filmNamed(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, storage.Film, error) {
	return s.filmNamedBy(ctx, i, s.films.FilmHeader)
}

// filmNamedWhole is filmNamed with the film's credits, for /cast and /film.
func (s *Set) filmNamedWhole(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, storage.Film, error) {
	return s.filmNamedBy(ctx, i, s.films.Film)
}

// filmReader reads a film: whole (Store.Film) or its header.
type filmReader func(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error)

func (s *Set) filmNamedBy(ctx context.Context, i *discordgo.InteractionCreate, read filmReader) (storage.Scope, storage.Film, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, storage.Film{}, err
	}
	film, err := s.resolveBy(ctx, scope, str(options(i), "film"), read)
	return scope, film, err
}

// filmValue is the value autocomplete sends back for a film: its id, so
// that remakes with one title stay apart.
func filmValue(id uint64) string { return "id:" + strconv.FormatUint(id, 10) }

// maxFilmValue is the longest film option we read, the length Discord
// allows a choice value.
const maxFilmValue = limits.ChoiceValue

// resolve finds the film a member named: an autocomplete choice ("id:7"),
// or typed text naming a title or alias, with or without the year, and
// returns its header. It returns a member's mistake (storage.Invalid) saying what is wrong otherwise.
func (s *Set) resolve(ctx context.Context, scope storage.Scope, value string) (storage.Film, error) {
	return s.resolveBy(ctx, scope, value, s.films.FilmHeader)
}

// resolveBy is resolve reading the film with read.
func (s *Set) resolveBy(ctx context.Context, scope storage.Scope, value string, read filmReader) (storage.Film, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return storage.Film{}, userErr("Name a film: start typing and pick one from the list.")
	}
	if len([]rune(value)) > maxFilmValue {
		return storage.Film{}, userErr("That film name is too long (%d characters at most).", maxFilmValue)
	}
	if rest, ok := strings.CutPrefix(value, "id:"); ok {
		if id, err := strconv.ParseUint(rest, 10, 64); err == nil {
			f, err := read(ctx, scope, id)
			if err == nil {
				return f, nil
			}
			return f, notFound(err, "That film is not in this server's catalog (it may have been removed).")
		}
	}
	ix, err := s.catalog.index(ctx, scope)
	if err != nil {
		return storage.Film{}, err
	}
	exact := ix.Exact(value, 25)
	switch {
	case len(exact) == 1:
		f, err := read(ctx, scope, exact[0].ID)
		return f, notFound(err, "That film was just removed.")
	case len(exact) > 1:
		var names []string
		for _, h := range exact {
			names = append(names, h.Label)
		}
		return storage.Film{}, userErr("Several films are called \"%s\" here: %s. Pick one from the list, or add the year.", plain(value, 100), plainList(names, ", ", 1500))
	}
	msg := fmt.Sprintf("No film called \"%s\" here.", plain(value, 100))
	if close := s.closest(ix, value); close != "" {
		msg += fmt.Sprintf(" Did you mean **%s**?", plain(close, maxLabelMD))
	}
	return storage.Film{}, userErr("%s", msg)
}

// closest names the film whose title is nearest to value.
func (s *Set) closest(ix *search.Index, value string) string {
	if hits := ix.Search(value, 1); len(hits) > 0 {
		return hits[0].Label
	}
	// Nothing within one typo: the least edit distance, if it is not so
	// large that the guess shares almost nothing with what was typed.
	f := search.Fold(value)
	label, _ := ix.Nearest(f, max(len(f), 3)/2+1)
	return label
}

// filmChoices answers autocomplete for a film option.
func (s *Set) filmChoices(ctx context.Context, scope storage.Scope, typed string) (*discordgo.InteractionResponse, error) {
	ix, err := s.catalog.index(ctx, scope)
	if err != nil {
		return nil, err
	}
	hits := ix.Search(clip(typed, 200), limits.Choices)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(hits))
	for _, h := range hits {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(h.Label, limits.ChoiceName), Value: filmValue(h.ID)})
	}
	return choices8(choices), nil
}

func choices8(c []*discordgo.ApplicationCommandOptionChoice) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: c},
	}
}

// filmAutocomplete serves commands whose only autocompleted option is film.
func (s *Set) filmAutocomplete(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	o, ok := focused(i)
	if !ok || o.Name != "film" {
		return choices8(nil), nil
	}
	typed, _ := o.Value.(string)
	return s.filmChoices(ctx, scope, typed)
}

// filmOption is the film option every command shares.
func filmOption(desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: desc,
		Required: true, Autocomplete: true, MaxLength: maxFilmValue,
	}
}
