package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
)

// catalog caches the autocomplete indexes of the films servers see, so
// autocomplete never waits on more than memory and one read of the
// catalog's version (Discord gives it 3 s and no deferral). A server sees
// two layers, searched as one (filmView): the shared catalog's index
// (scope BuiltIn: the seed and every film from TMDB), one for all, and
// an index of the server's own films, if it has any. The store bumps a
// scope's version in every transaction that changes its films, whatever
// wrote it, so a layer is rebuilt when its version no longer matches and
// no handler has to remember to drop it; a new film from TMDB rebuilds
// the shared layer once, never a server's own. The cache is bounded by
// the bytes its indexes hold (search.Index.Size), not by their number
// (one server's 10,000 films weigh as much as thousands of small
// servers'): past the bound, the least recently used go, and are rebuilt
// on use.
type catalog struct {
	store    storage.Catalog
	mu       sync.Mutex
	ix       map[storage.Scope]*cachedIndex
	lru      cachedIndex // sentinel of the list, most recently used first
	bytes    int64
	maxBytes int64
	observe  func(hit bool)                        // nil: nobody listens
	onSize   func(bytes, bound int64, evicted int) // nil: nobody listens
	// shared is held while the shared layer is built, so that the
	// servers' keystrokes after a new film from TMDB build it once.
	shared sync.Mutex
	// sharedLast is the last shared layer built (c.mu): kept outside the
	// bound, since every server needs it at every keystroke.
	sharedLast *cachedIndex
}

// cachedIndex is a cached layer: the shared catalog's (scope BuiltIn)
// or a server's own films'.
type cachedIndex struct {
	scope storage.Scope
	ix    *filmIndex // nil: the server has no films of its own
	// version is the one CatalogVersion(scope) gave when the layer was
	// built or last checked: for a server, the sum of the shared
	// catalog's version and its own. own is the server's own part of it
	// at the build, at most what the layer holds; shared is the shared
	// catalog's version the check saw, which the shared layer must have
	// reached for the two to answer together.
	version, own, shared uint64
	size                 int64
	prev, next           *cachedIndex
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

// filmIndex is a catalog's search index with what autocomplete needs of
// its films from TMDB: their TMDB ids (so a TMDB suggestion does not
// repeat them) and titles in the members' languages.
type filmIndex struct {
	*search.Index
	sourced map[uint64]sourcedFilm // by film id
	byTMDB  map[uint64]uint64      // TMDB id → film id
	linked  map[uint64]uint64      // TMDB id → the server's own film linked to it
	own     map[uint64]bool        // the server's own films (not the shared catalog's)
	size    int64                  // what sourced and byTMDB hold, roughly
}

// sourcedFilm is what autocomplete shows of a film from TMDB.
type sourcedFilm struct {
	tmdb     uint64
	year     int
	titles   map[string]string // by locale (storage.Film.Titles)
	director string            // the first (storage.Film.Director, in the header)
}

// newFilmIndex indexes films under their titles, labels, aliases and,
// for films from TMDB, their titles in the members' languages.
func newFilmIndex(films []storage.Film) *filmIndex {
	fx := &filmIndex{sourced: map[uint64]sourcedFilm{}, byTMDB: map[uint64]uint64{}, linked: map[uint64]uint64{}, own: map[uint64]bool{}}
	for _, f := range films {
		if f.Scope != storage.BuiltIn {
			fx.own[f.ID] = true
			if f.TMDB != 0 {
				fx.linked[f.TMDB] = f.ID
			}
		}
	}
	fx.size += int64(len(fx.own)) * 16
	entries := make([]search.Entry, 0, len(films))
	for _, f := range films {
		if _, ok := fx.linked[f.TMDB]; ok && f.Scope == storage.BuiltIn {
			// The server's own film linked to this one stands for it here.
			fx.byTMDB[f.TMDB] = fx.linked[f.TMDB]
			continue
		}
		names := append([]string{f.Title, label(f)}, f.Aliases...)
		if f.Sourced() {
			sf := sourcedFilm{tmdb: f.TMDB, year: f.Year, titles: f.Titles, director: f.FirstDirector()}
			fx.size += 112 + int64(len(sf.director))
			for loc, t := range f.Titles {
				names = append(names, t)
				fx.size += 48 + int64(len(loc)+len(t))
			}
			fx.sourced[f.ID] = sf
			if _, taken := fx.byTMDB[f.TMDB]; !taken || f.Scope != storage.BuiltIn {
				fx.byTMDB[f.TMDB] = f.ID // the server's own film linked to it first
			}
		}
		entries = append(entries, search.Entry{ID: f.ID, Label: label(f), Names: names})
	}
	fx.Index = search.NewIndex(entries)
	return fx
}

// preferOwn narrows hits that all name one title and year (the same
// label) to the server's own film among them, if it has exactly one: a
// film the server typed in stands before the shared catalog's film of
// that title (from TMDB), whose ratings and reviews here would be apart.
func (v filmView) preferOwn(hits []search.Hit) []search.Hit {
	if len(hits) < 2 || v.own == nil {
		return hits
	}
	var own []search.Hit
	for _, h := range hits {
		if h.Label != hits[0].Label {
			return hits
		}
		if v.own.own[h.ID] {
			own = append(own, h)
		}
	}
	if len(own) == 1 {
		return own
	}
	return hits
}

// Size is the bytes the index and what it holds of films from TMDB take.
func (fx *filmIndex) Size() int64 { return fx.Index.Size() + fx.size }

// localLabel is hit's label in a member's locale: a film from TMDB by
// its title in that language, where it has one.
func (v filmView) localLabel(h search.Hit, locale string) string {
	sf, ok := v.sourced(h.ID)
	if !ok || len(sf.titles) == 0 {
		return h.Label
	}
	t := storage.Film{Titles: sf.titles}.LocalTitle(locale)
	if t == "" {
		return h.Label
	}
	return source.Label(t, sf.year)
}

// filmView is what a scope sees: the shared catalog's layer and, for a
// server with films of its own, theirs, searched as one index of both
// would be (search.Layers), with today's rules across them: a server's
// film linked to a TMDB film (/manage film link) hides the shared copy,
// and stands for it (byTMDB, linked); the server's own film is
// preferred over a shared one of the same title and year (preferOwn).
type filmView struct {
	shared *filmIndex
	own    *filmIndex // nil: none
}

// layers are the view's indexes, the server's own first (a full tie in
// ranking goes to its film), the shared one less the films it hides.
func (v filmView) layers() search.Layers {
	if v.own == nil {
		return search.Layers{{Index: v.shared.Index}}
	}
	shared := search.Layer{Index: v.shared.Index}
	if len(v.own.linked) > 0 {
		shared.Skip = v.hides
	}
	return search.Layers{{Index: v.own.Index}, shared}
}

// hides tells whether shared film id is hidden by the server's own film
// linked to the same TMDB film.
func (v filmView) hides(id uint64) bool {
	sf, ok := v.shared.sourced[id]
	if !ok {
		return false
	}
	_, linked := v.own.linked[sf.tmdb]
	return linked
}

// Search is search.Index.Search over the view.
func (v filmView) Search(q string, limit int) []search.Hit {
	if v.own == nil {
		return v.shared.Search(q, limit)
	}
	return v.layers().Search(q, limit)
}

// Exact is search.Index.Exact over the view.
func (v filmView) Exact(q string, limit int) []search.Hit {
	if v.own == nil {
		return v.shared.Exact(q, limit)
	}
	return v.layers().Exact(q, limit)
}

// Nearest is search.Index.Nearest over the view.
func (v filmView) Nearest(q string, maxD int) (string, bool) { return v.layers().Nearest(q, maxD) }

// sourced is what autocomplete shows of film id if it is from TMDB.
func (v filmView) sourced(id uint64) (sourcedFilm, bool) {
	if v.own != nil {
		if sf, ok := v.own.sourced[id]; ok {
			return sf, true
		}
	}
	sf, ok := v.shared.sourced[id]
	return sf, ok
}

// byTMDB is the film stored for TMDB film tmdb: the server's own linked
// to it first.
func (v filmView) byTMDB(tmdb uint64) (uint64, bool) {
	if v.own != nil {
		if id, ok := v.own.byTMDB[tmdb]; ok {
			return id, true
		}
	}
	id, ok := v.shared.byTMDB[tmdb]
	return id, ok
}

// linked is the server's own film linked to TMDB film tmdb.
func (v filmView) linked(tmdb uint64) (uint64, bool) {
	if v.own == nil {
		return 0, false
	}
	id, ok := v.own.linked[tmdb]
	return id, ok
}

// Size is the bytes the view's own layer holds (the shared one is
// counted once, in its own entry), or the shared layer's without one.
func (v filmView) Size() int64 {
	if v.own != nil {
		return v.own.Size()
	}
	return v.shared.Size()
}

// index returns what scope sees, building a layer when its films
// changed. Versions only grow, and each is read before the films it
// checks: a write in between makes a layer newer than its version says,
// so it is rebuilt once more, never kept stale.
func (c *catalog) index(ctx context.Context, scope storage.Scope) (filmView, error) {
	v, err := c.store.CatalogVersion(ctx, scope)
	if err != nil {
		return filmView{}, fmt.Errorf("catalog %d: %w", scope, err)
	}
	if scope == storage.BuiltIn {
		sh, built, err := c.sharedIndex(ctx, v)
		if c.observe != nil && err == nil {
			c.observe(!built)
		}
		return filmView{shared: sh}, err
	}
	c.mu.Lock()
	if e, ok := c.ix[scope]; ok && e.version == v {
		// Neither the shared catalog nor the server's films changed
		// (their sum did not, and neither goes down).
		if sh, ok := c.ix[storage.BuiltIn]; ok && sh.version >= e.shared {
			c.unlink(e)
			c.pushFront(e)
			c.unlink(sh)
			c.pushFront(sh)
			view := filmView{shared: sh.ix, own: e.ix}
			c.mu.Unlock()
			if c.observe != nil {
				c.observe(true)
			}
			return view, nil
		}
	}
	c.mu.Unlock()
	// Something changed: which part? The shared version read before and
	// after scope's bounds the server's own part from above (to trust a
	// layer) and from below (to record with one built now).
	b1, err := c.store.CatalogVersion(ctx, storage.BuiltIn)
	if err != nil {
		return filmView{}, fmt.Errorf("catalog %d: %w", scope, err)
	}
	v, err = c.store.CatalogVersion(ctx, scope)
	if err != nil {
		return filmView{}, fmt.Errorf("catalog %d: %w", scope, err)
	}
	b2, err := c.store.CatalogVersion(ctx, storage.BuiltIn)
	if err != nil {
		return filmView{}, fmt.Errorf("catalog %d: %w", scope, err)
	}
	ownAtMost, ownAtLeast := v-min(v, b1), v-min(v, b2)
	sh, built, err := c.sharedIndex(ctx, b2)
	if err != nil {
		return filmView{}, err
	}
	c.mu.Lock()
	if e, ok := c.ix[scope]; ok && ownAtMost <= e.own {
		// The server's films did not change: its layer stands.
		e.version, e.shared = v, b2
		c.unlink(e)
		c.pushFront(e)
		view := filmView{shared: sh, own: e.ix}
		c.mu.Unlock()
		if c.observe != nil {
			c.observe(!built)
		}
		return view, nil
	}
	c.mu.Unlock()
	if c.observe != nil {
		c.observe(false)
	}
	films, err := c.store.Films(ctx, scope)
	if err != nil {
		return filmView{}, fmt.Errorf("catalog %d: %w", scope, err)
	}
	films = slices.DeleteFunc(films, func(f storage.Film) bool { return f.Scope != scope })
	e := &cachedIndex{scope: scope, version: v, own: ownAtLeast, shared: b2, size: entryOverhead}
	if len(films) > 0 {
		e.ix = newFilmIndex(films)
		e.size += e.ix.Size()
	}
	c.put(e)
	return filmView{shared: sh, own: e.ix}, nil
}

// sharedIndex returns the shared catalog's layer at version v or newer,
// building it (once, whoever asks meanwhile) when it is older, and says
// whether it did.
func (c *catalog) sharedIndex(ctx context.Context, v uint64) (*filmIndex, bool, error) {
	cached := func() *filmIndex {
		c.mu.Lock()
		defer c.mu.Unlock()
		if e, ok := c.ix[storage.BuiltIn]; ok && e.version >= v {
			c.unlink(e)
			c.pushFront(e)
			return e.ix
		}
		// Every server searches the shared layer at every keystroke: the
		// last one built is kept even when the bound evicted it (or it is
		// larger than the whole bound), rather than rebuilt per keystroke.
		if e := c.sharedLast; e != nil && e.version >= v {
			return e.ix
		}
		return nil
	}
	if ix := cached(); ix != nil {
		return ix, false, nil
	}
	c.shared.Lock()
	defer c.shared.Unlock()
	if ix := cached(); ix != nil { // built while this waited
		return ix, false, nil
	}
	// Read again: the films read next are at this version or newer.
	v, err := c.store.CatalogVersion(ctx, storage.BuiltIn)
	if err != nil {
		return nil, false, fmt.Errorf("catalog %d: %w", storage.BuiltIn, err)
	}
	films, err := c.store.Films(ctx, storage.BuiltIn)
	if err != nil {
		return nil, false, fmt.Errorf("catalog %d: %w", storage.BuiltIn, err)
	}
	ix := newFilmIndex(films)
	e := &cachedIndex{scope: storage.BuiltIn, ix: ix, version: v, size: entryOverhead + ix.Size()}
	c.mu.Lock()
	c.sharedLast = e
	c.mu.Unlock()
	c.put(e)
	return ix, true, nil
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

// What resolving a named film says (issue 27), in the member's language.
var (
	msgCatalogNameAFilm  = locale.Text("catalog.name_a_film", "Name a film: start typing and pick one from the list.")
	msgCatalogTooLong    = locale.Text("catalog.too_long", "That film name is too long ({{.Max}} characters at most).")
	msgCatalogNotHere    = locale.Text("catalog.not_here", "That film is not in this server's catalog (it may have been removed).")
	msgCatalogJustGone   = locale.Text("catalog.just_removed", "That film was just removed.")
	msgCatalogSeveral    = locale.Text("catalog.several", "Several films are called \"{{.Typed}}\" here: {{.Films}}. Pick one from the list, or add the year.")
	msgCatalogNone       = locale.Text("catalog.none", "No film called \"{{.Typed}}\" here.")
	msgCatalogNoneTMDB   = locale.Text("catalog.none_tmdb", "No film called \"{{.Typed}}\" here or on TMDB.")
	msgCatalogDidYouMean = locale.Text("catalog.did_you_mean", " Did you mean **{{.Film}}**?")
	msgCatalogNotListed  = locale.Text("catalog.not_from_list", "That is not a film from the list: start typing and pick one.")
	msgCatalogNoTMDBFilm = locale.Text("catalog.tmdb_none", "TMDB has no film {{.ID}}: start typing and pick one from the list.")
	// source's errors, as a member reads them beside an answer (their
	// English is source's own).
	msgCatalogSourceDown = locale.Text("catalog.source.down", "TMDB is not answering: showing this server's catalog only.")
	msgCatalogSourceBusy = locale.Text("catalog.source.busy", "TMDB is busy right now: try again in a moment.")
	msgCatalogSourceOff  = locale.Text("catalog.source.off", "Looking films up on TMDB is off here: only this server's catalog is searched.")
)

// sourceMessage is what a member reads of an error of TMDB's (down,
// busy, off), in t's language; another error's message for members as
// it is (storage.Message), "" for none.
func sourceMessage(t *locale.T, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, source.ErrNotAnswering):
		return t.S(msgCatalogSourceDown)
	case errors.Is(err, source.ErrBusy):
		return t.S(msgCatalogSourceBusy)
	case errors.Is(err, source.ErrOff):
		return t.S(msgCatalogSourceOff)
	}
	return storage.Message(err)
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
	film, err := s.resolveFilm(ctx, scope, str(options(i), "film"), string(i.Locale), read)
	return scope, film, err
}

// filmValue is the value autocomplete sends back for a film: its id, so
// that remakes with one title stay apart.
func filmValue(id uint64) string { return "id:" + strconv.FormatUint(id, 10) }

// tmdbValue is the value autocomplete sends back for a film TMDB
// suggested: "tmdb:496243" (at most 15 characters).
func tmdbValue(id int) string {
	var b [24]byte
	return string(strconv.AppendInt(append(b[:0], "tmdb:"...), int64(id), 10))
}

// maxFilmValue is the longest film option we read, the length Discord
// allows a choice value.
const maxFilmValue = limits.ChoiceValue

// resolveIn finds the film a member named: an autocomplete choice ("id:7",
// or "tmdb:496243" for a film TMDB suggested), or typed text naming a
// title or alias, with or without the year, looked up on TMDB (in the
// member's locale) when the catalog has no such film; and returns its
// header. It returns a member's mistake (storage.Invalid, in their
// language) saying what is wrong otherwise.
func (s *Set) resolveIn(ctx context.Context, scope storage.Scope, value, locale string) (storage.Film, error) {
	return s.resolveFilm(ctx, scope, value, locale, s.films.FilmHeader)
}

// resolveFilm is resolveIn reading the film with read, searching TMDB (if
// the catalog has no such film) in loc, the member's locale, which its
// mistakes are written in ("": English).
func (s *Set) resolveFilm(ctx context.Context, scope storage.Scope, value, loc string, read filmReader) (storage.Film, error) {
	t := locale.For(loc)
	value = strings.TrimSpace(value)
	if value == "" {
		return storage.Film{}, userText(t.S(msgCatalogNameAFilm))
	}
	if len([]rune(value)) > maxFilmValue {
		return storage.Film{}, userText(t.F(msgCatalogTooLong, "Max", t.Int(maxFilmValue)))
	}
	if rest, ok := strings.CutPrefix(value, "id:"); ok {
		if id, err := strconv.ParseUint(rest, 10, 64); err == nil {
			f, err := read(ctx, scope, id)
			if err == nil {
				return f, nil
			}
			return f, notFound(err, t.S(msgCatalogNotHere))
		}
	}
	if rest, ok := strings.CutPrefix(value, "tmdb:"); ok {
		return s.resolveTMDB(ctx, t, scope, rest, read)
	}
	// The name looked up in the catalog and the film read are one read
	// (their version checks on PostgreSQL are one round trip, not two).
	together := storage.ReadTogether(ctx)
	ix, err := s.catalog.index(together, scope)
	if err != nil {
		return storage.Film{}, err
	}
	exact := ix.preferOwn(ix.Exact(value, 25))
	switch {
	case len(exact) == 1:
		f, err := read(together, scope, exact[0].ID)
		return f, notFound(err, t.S(msgCatalogJustGone))
	case len(exact) > 1:
		var names []string
		for _, h := range exact {
			names = append(names, h.Label)
		}
		return storage.Film{}, userText(t.F(msgCatalogSeveral, "Typed", plain(value, 100), "Films", plainList(names, ", ", 1500)))
	}
	msg := t.F(msgCatalogNone, "Typed", plain(value, 100))
	if s.source != nil {
		title, year := splitYear(value)
		f, err := s.source.Lookup(ctx, title, year, loc)
		switch {
		case err == nil:
			id := f.ID
			if own, ok := ix.linked(f.TMDB); ok { // the server's film linked to it
				id = own
			}
			f, err = read(ctx, scope, id)
			return f, notFound(err, t.S(msgCatalogJustGone))
		case errors.Is(err, storage.ErrNotFound):
			msg = t.F(msgCatalogNoneTMDB, "Typed", plain(value, 100))
		case storage.Message(err) != "":
			// TMDB is down or busy: the catalog's answer, and why it is
			// the catalog's only.
			msg += " " + sourceMessage(t, err)
		default:
			return storage.Film{}, err
		}
	}
	if close := s.closest(ix, value); close != "" {
		msg += t.F(msgCatalogDidYouMean, "Film", plain(close, maxLabelMD))
	}
	return storage.Film{}, userText(msg)
}

// resolveTMDB resolves "tmdb:ID", a film TMDB suggested: the shared
// catalog's film at once when stored, else fetched from TMDB and stored.
func (s *Set) resolveTMDB(ctx context.Context, t *locale.T, scope storage.Scope, id string, read filmReader) (storage.Film, error) {
	n, err := strconv.ParseUint(id, 10, 31) // TMDB's ids are 32-bit
	if err != nil || n == 0 {
		return storage.Film{}, userText(t.S(msgCatalogNotListed))
	}
	// The server's own film linked to it (/manage film link) comes
	// before the shared one (which the source returns, keeping it fresh).
	if ix, err := s.catalog.index(ctx, scope); err == nil && scope != storage.BuiltIn {
		if id, ok := ix.linked(n); ok {
			if f, err := read(ctx, scope, id); err == nil {
				return f, nil
			}
		}
	}
	var f storage.Film
	if s.source == nil {
		// Off: only the films TMDB gave before.
		f, err = s.films.FilmByTMDB(ctx, n)
		if errors.Is(err, storage.ErrNotFound) {
			err = source.ErrOff
		}
	} else {
		f, err = s.source.Resolve(ctx, int(n))
	}
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Film{}, userText(t.F(msgCatalogNoTMDBFilm, "ID", strconv.FormatUint(n, 10)))
	}
	if err != nil {
		return storage.Film{}, err
	}
	f, err = read(ctx, scope, f.ID)
	return f, notFound(err, t.S(msgCatalogJustGone))
}

// yearSuffix is a year at the end of a typed title: "Dune 2021",
// "Dune (2021)".
var yearSuffix = regexp.MustCompile(`^(.*\S)[\s,]+\(?((?:18|19|20)[0-9]{2})\)?$`)

// splitYear splits a typed title from a year at its end (0: none).
func splitYear(typed string) (string, int) {
	m := yearSuffix.FindStringSubmatch(typed)
	if m == nil {
		return typed, 0
	}
	y, _ := strconv.Atoi(m[2])
	return m[1], y
}

// closest names the film whose title is nearest to value.
func (s *Set) closest(ix filmView, value string) string {
	if hits := ix.Search(value, 1); len(hits) > 0 {
		return hits[0].Label
	}
	// Nothing within one typo: the least edit distance, if it is not so
	// large that the guess shares almost nothing with what was typed.
	f := search.Fold(value)
	label, _ := ix.Nearest(f, max(len(f), 3)/2+1)
	return label
}

// SuggestBudget is how long autocomplete waits for TMDB's suggestions
// (less when the interaction's own deadline is nearer): past it, the
// catalog's choices only.
const SuggestBudget = time.Second

// suggestMargin is kept from an interaction's deadline for answering.
const suggestMargin = 300 * time.Millisecond

// minSuggest is the shortest typed text TMDB is searched for.
const minSuggest = 2

// filmChoices answers autocomplete for a film option: the catalog's
// films first; then, when fewer than 25 matched and at least two
// characters are typed, TMDB's suggestions that are not already offered.
// Titles follow the member's locale where known.
func (s *Set) filmChoices(ctx context.Context, scope storage.Scope, typed, locale string) (*discordgo.InteractionResponse, error) {
	ix, err := s.catalog.index(ctx, scope)
	if err != nil {
		return nil, err
	}
	typed = clip(typed, 200)
	hits := ix.Search(typed, limits.Choices)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, limits.Choices)
	for _, h := range hits {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(ix.localLabel(h, locale), limits.ChoiceName), Value: filmValue(h.ID)})
	}
	if s.source != nil && len(hits) < limits.Choices && utf8.RuneCountInString(strings.TrimSpace(typed)) >= minSuggest {
		choices = s.suggest(ctx, ix, hits, choices, typed, locale)
	}
	return choices8(choices), nil
}

// suggestion is a TMDB suggestion made into a choice.
type suggestion struct {
	tmdb   int
	choice discordgo.ApplicationCommandOptionChoice
}

// suggestionChoices makes TMDB's suggestions into choices ("Title
// (Year)", "tmdb:ID").
func suggestionChoices(sugg []source.Suggestion) []suggestion {
	out := make([]suggestion, 0, len(sugg))
	for _, sg := range sugg {
		if sg.TMDB > 0 {
			out = append(out, suggestion{sg.TMDB, discordgo.ApplicationCommandOptionChoice{Name: clip(sg.Label, limits.ChoiceName), Value: tmdbValue(sg.TMDB)}})
		}
	}
	return out
}

// suggestionsOf is suggestionChoices for SuggestCached: made once per
// cached search, then shared.
func suggestionsOf(sugg []source.Suggestion) any { return suggestionChoices(sugg) }

// suggest adds TMDB's suggestions for typed to choices, within the
// budget, skipping the films already offered (by TMDB id, or by title
// and year). A cached search answers without a timer, its choices made
// once (and shared: never changed here).
func (s *Set) suggest(ctx context.Context, ix filmView, hits []search.Hit, choices []*discordgo.ApplicationCommandOptionChoice, typed, locale string) []*discordgo.ApplicationCommandOptionChoice {
	var sugg []suggestion
	if v, ok := s.source.SuggestCached(typed, locale, suggestionsOf); ok {
		sugg = v.([]suggestion)
	} else {
		budget := s.suggestBudget
		if budget <= 0 {
			budget = SuggestBudget
		}
		if d, ok := ctx.Deadline(); ok {
			budget = min(budget, time.Until(d)-suggestMargin)
		}
		if budget <= 0 {
			return choices
		}
		sctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		found, err := s.source.Suggest(sctx, typed, locale, limits.Choices)
		if err != nil {
			return choices // TMDB away or slow: the catalog's choices
		}
		sugg, ctx = suggestionChoices(found), sctx
	}
	local := len(choices)
	var addedBuf [limits.Choices]int
	added := addedBuf[:0] // TMDB ids of the suggestions added
	offered := func(sg *suggestion) bool {
		if slices.Contains(added, sg.tmdb) {
			return true
		}
		for k, c := range choices {
			if k < local {
				if sf, ok := ix.sourced(hits[k].ID); ok && sf.tmdb == uint64(sg.tmdb) {
					return true
				}
				if strings.EqualFold(hits[k].Label, sg.choice.Name) {
					return true
				}
			}
			if strings.EqualFold(c.Name, sg.choice.Name) {
				return true
			}
		}
		return false
	}
	for k := range sugg {
		sg := &sugg[k]
		if len(choices) == limits.Choices {
			break
		}
		if offered(sg) {
			continue
		}
		added = append(added, sg.tmdb)
		c := &sg.choice
		if id, ok := ix.byTMDB(uint64(sg.tmdb)); ok {
			// Stored (but not matched here): its director is in the
			// index, from the film's header; never read whole, never
			// fetched for this.
			if sf, ok := ix.sourced(id); ok && sf.director != "" {
				if d := sf.director; utf8.RuneCountInString(c.Name)+len(" — ")+utf8.RuneCountInString(d) <= limits.ChoiceName {
					c = &discordgo.ApplicationCommandOptionChoice{Name: c.Name + " — " + d, Value: c.Value}
				}
			}
		}
		choices = append(choices, c)
	}
	return choices
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
	return s.filmChoices(ctx, scope, typed, string(i.Locale))
}

// filmOption is the film option every command shares.
func filmOption(desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: desc,
		Required: true, Autocomplete: true, MaxLength: maxFilmValue,
	}
}
