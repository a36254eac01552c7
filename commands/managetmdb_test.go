package commands

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// modTMDB plays TMDB for e's commands: the fake over HTTP, a client and a
// resolver over e's store. search, when set, answers TMDB's searches
// instead of the fake.
type modTMDB struct {
	fake   *tmdbfake.Server
	search atomic.Pointer[http.HandlerFunc]
}

func withModTMDB(e *env) *modTMDB { return withModTMDBPaced(e, 5000) }

// withModTMDBOver is withModTMDB over another store than e's.
func withModTMDBOver(e *env, store storage.Store) *modTMDB { return modTMDBOver(e, store, 5000) }

// withModTMDBPaced is withModTMDB with the client pacing perSecond
// requests (0: the client's default, as filmbot runs).
func withModTMDBPaced(e *env, perSecond float64) *modTMDB { return modTMDBOver(e, e.db, perSecond) }

func modTMDBOver(e *env, store storage.Store, perSecond float64) *modTMDB {
	t := e.t
	m := &modTMDB{fake: tmdbfake.New(tmdbfake.Options{Token: "tok"})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := m.search.Load(); h != nil && r.URL.Path == "/3/search/movie" {
			(*h)(w, r)
			return
		}
		m.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	client, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, Token: "tok", PerSecond: perSecond})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	r := source.New(store, client, tmdb.NewSearcher(client, time.Minute, 0, 0), now)
	t.Cleanup(r.Wait)
	e.set.WithSource(r)
	return m
}

// shared counts the films of the shared catalog.
func (e *env) shared() int {
	e.t.Helper()
	fs, err := e.db.Films(context.Background(), storage.BuiltIn)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(fs)
}

// /manage film add tmdb: fetches the film whole into the shared catalog
// (no form), says so, and says so when it is already there; the form
// stays without tmdb:; bad references, TMDB down or busy, or off each get
// their sentence, and nothing is stored.
func TestFilmAddFromTMDB(t *testing.T) {
	e := newEnv(t)
	add := func(guild, ref string) string {
		r, err := e.check(e.cmds["manage"].Run, mod(slash(guild, "manage", sub("film", "add", opt("tmdb", ref)))))
		if err != nil {
			if msg := storage.Message(err); msg != "" {
				return "ERR " + msg
			}
			t.Fatalf("add %s: %v", ref, err)
		}
		return r.Data.Content
	}
	// Off: the source's sentence, and the form still works.
	if got := add(guildA, "496243"); got != "ERR "+storage.Message(source.ErrOff) {
		t.Errorf("off: %q", got)
	}
	form := e.run(mod(slash(guildA, "manage", sub("film", "add"))))
	if form.Data.CustomID != "modfilm:add:0" {
		t.Errorf("without tmdb: the form: %+v", form.Data)
	}
	fake := withModTMDB(e)
	before := e.shared()
	got := add(guildA, "https://www.themoviedb.org/movie/496243-parasite")
	if !strings.HasPrefix(got, "Added **Parasite (2019)** from TMDB to the shared catalog, directed by Bong Joon-ho (") {
		t.Fatalf("add: %q", got)
	}
	f, err := e.db.FilmByTMDB(context.Background(), 496243)
	if err != nil || f.IMDb != "tt6751668" || len(f.Cast) == 0 || f.Overview == "" || e.shared() != before+1 {
		t.Fatalf("stored %+v (%v), %d shared films", f, err, e.shared())
	}
	// Already there: by id (TMDB not asked again), by IMDb id, from another server.
	asked := fake.fake.Requests("movie")
	for _, ref := range []string{"496243", "tt6751668", "TT6751668"} {
		for _, g := range []string{guildA, guildB} {
			if got := add(g, ref); !strings.Contains(got, "**Parasite (2019)** is already in the catalog, from TMDB") {
				t.Errorf("again by %s in %s: %q", ref, g, got)
			}
		}
	}
	if fake.fake.Requests("movie") != asked || e.shared() != before+1 {
		t.Errorf("an add of a stored film asked TMDB again (%d → %d) or stored it twice", asked, fake.fake.Requests("movie"))
	}
	// By IMDb id, a new film.
	if got := add(guildA, "tt0087182"); !strings.HasPrefix(got, "Added **Dune (1984)** from TMDB") {
		t.Errorf("by IMDb id: %q", got)
	}
	// A film this server typed in by hand: link it instead.
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Stalker", Year: 1979}); err != nil {
		t.Fatal(err)
	}
	if got := add(guildA, "1398"); !strings.Contains(got, "This server added **Stalker (1979)** by hand. Link it to TMDB's with `/manage film link film:Stalker tmdb:1398`") {
		t.Errorf("hand-added: %q", got)
	}
	// Mistakes and a misbehaving TMDB: one sentence each, nothing stored.
	n := e.shared()
	for ref, want := range map[string]string{
		"dune":                            storage.Message(source.ErrBadRef),
		"https://example.com/movie/603":   storage.Message(source.ErrBadRef),
		"0":                               storage.Message(source.ErrBadRef),
		"999999999":                       "TMDB has no film `999999999`. Leave out `tmdb:` to type the film in with the form.",
		"tt0000001":                       "TMDB has no film `tt0000001`",
		"https://www.themoviedb.org/tv/1": storage.Message(source.ErrBadRef),
	} {
		if got := add(guildA, ref); !strings.HasPrefix(got, "ERR "+want) {
			t.Errorf("%s: %q, want %q", ref, got, want)
		}
	}
	fake.fake.Fail(tmdbfake.FailServer, 10)
	if got := add(guildA, "129"); got != "ERR "+storage.Message(source.ErrNotAnswering) {
		t.Errorf("TMDB failing: %q", got)
	}
	if e.shared() != n {
		t.Errorf("failed adds stored films: %d → %d", n, e.shared())
	}
	// Moderators only, on every call.
	msg := e.userError(e.cmds["manage"].Run, slash(guildA, "manage", sub("film", "add", opt("tmdb", "129"))))
	if !strings.Contains(msg, "moderator") {
		t.Errorf("a member: %q", msg)
	}
}

// /manage film link gives a film this server typed in the TMDB and IMDb
// ids of its TMDB film: it stays this server's (title, cast, reviews),
// an edit keeps the link, and a later add of that TMDB film finds it.
func TestFilmLinkToTMDB(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	own, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Gisaengchung", Year: 2019, Directors: []string{"Bong"}})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Gisaengchung copy", Year: 2019})
	e.db.Rate(ctx, 111, own.ID, 42, 9)
	link := func(film, ref string) string {
		r, err := e.check(e.cmds["manage"].Run, mod(slash(guildA, "manage", sub("film", "link", opt("film", film), opt("tmdb", ref)))))
		if err != nil {
			if msg := storage.Message(err); msg != "" {
				return "ERR " + msg
			}
			t.Fatalf("link %s %s: %v", film, ref, err)
		}
		return r.Data.Content
	}
	if got := link("Gisaengchung", "496243"); got != "ERR "+storage.Message(source.ErrOff) {
		t.Errorf("off: %q", got)
	}
	withModTMDB(e)
	got := link("Gisaengchung", "https://www.themoviedb.org/movie/496243")
	if got != "Linked **Gisaengchung (2019)**, this server's film, to TMDB's **Parasite (2019)** (https://www.themoviedb.org/movie/496243). Its reviews and ratings stay as they are." {
		t.Fatalf("link: %q", got)
	}
	f, err := e.db.Film(ctx, 111, own.ID)
	if err != nil || f.TMDB != 496243 || f.IMDb != "tt6751668" || f.Scope != 111 || f.Title != "Gisaengchung" || len(f.Directors) != 1 {
		t.Fatalf("linked film %+v (%v)", f, err)
	}
	if r, _ := e.db.UserRating(ctx, 111, own.ID, 42); r.Score != 9 {
		t.Errorf("the rating went: %+v", r)
	}
	// TMDB's film picked in this server opens the server's own film
	// (its reviews and ratings); another server gets the shared one.
	for guild, want := range map[string]string{guildA: "Gisaengchung", guildB: "Parasite"} {
		if r := e.run(slash(guild, "film", opt("film", "tmdb:496243"))); !strings.HasPrefix(embed(r).Title, want) {
			t.Errorf("/film film:tmdb:496243 in %s: %q, want %s", guild, embed(r).Title, want)
		}
	}
	if got := link("Gisaengchung (2019)", "tt6751668"); !strings.Contains(got, "is already linked to TMDB's **Parasite (2019)**") {
		t.Errorf("again: %q", got)
	}
	if got := link("Gisaengchung copy", "496243"); !strings.Contains(got, "ERR **Gisaengchung (2019)** here is already linked to TMDB's **Parasite (2019)**") {
		t.Errorf("a second film: %q", got)
	}
	// TMDB's title names the server's linked film here; in another
	// server, the shared film itself cannot be linked.
	if got := link("Parasite", "496243"); !strings.Contains(got, "**Gisaengchung (2019)** is already linked to TMDB's **Parasite (2019)**") {
		t.Errorf("TMDB's title, linked here: %q", got)
	}
	if r, err := e.check(e.cmds["manage"].Run, mod(slash(guildB, "manage", sub("film", "link", opt("film", "Parasite"), opt("tmdb", "496243"))))); r != nil || !strings.Contains(storage.Message(err), "built-in catalog") {
		t.Errorf("the shared film itself: %v %q", r, storage.Message(err))
	}
	if got := link("Gisaengchung copy", "parasite"); got != "ERR "+storage.Message(source.ErrBadRef) {
		t.Errorf("bad reference: %q", got)
	}
	if got := link("Gisaengchung copy", "999999999"); !strings.Contains(got, "TMDB has no film `999999999`") {
		t.Errorf("unknown: %q", got)
	}
	if f, _ := e.db.Film(ctx, 111, other.ID); f.TMDB != 0 {
		t.Errorf("a refused link was stored: %+v", f)
	}
	// An edit through the form keeps the link.
	msg := e.modal(mod(submit(guildA, fmt.Sprintf("modfilm:edit:%d", own.ID), map[string]string{"title": "Gisaengchung", "year": "2019", "directors": "Bong Joon-ho"})))
	if f, _ := e.db.Film(ctx, 111, own.ID); !strings.HasPrefix(msg, "Saved") || f.TMDB != 496243 || f.IMDb != "tt6751668" {
		t.Errorf("after an edit (%q): %+v", msg, f)
	}
	// Adding the TMDB film finds the linked one here; another server gets the shared one.
	r, err := e.check(e.cmds["manage"].Run, mod(slash(guildA, "manage", sub("film", "add", opt("tmdb", "496243")))))
	if msg := storage.Message(err); r != nil || !strings.Contains(msg, "**Gisaengchung (2019)** is already here: this server's film, linked to TMDB") {
		t.Errorf("add of a linked film: %q", msg)
	}
	// A film typed in under TMDB's own title and year links too: the
	// store refuses a film alike only when a title changes to it.
	stalker, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Stalker", Year: 1979})
	if got := link("Stalker", "1398"); !strings.HasPrefix(got, "Linked **Stalker (1979)**, this server's film, to TMDB's **Stalker (1979)**") {
		t.Errorf("same title: %q", got)
	}
	if f, _ := e.db.Film(ctx, 111, stalker.ID); f.TMDB != 1398 || f.Title != "Stalker" {
		t.Errorf("the link of a film of TMDB's title: %+v", f)
	}
	// Linked, the server's film stands for TMDB's here: one choice, and
	// a typed title (TMDB's or the server's) rates the server's film.
	if cs := (&tmdbEnv{env: e}).choices(ctx, guildA, "Stalk", ""); len(cs) != 1 || cs[0].Value != fmt.Sprintf("id:%d", stalker.ID) {
		t.Errorf("autocomplete of a linked film: %v", names(cs))
	}
	for title, film := range map[string]uint64{"Stalker": stalker.ID, "Stalker 1979": stalker.ID, "Parasite": own.ID} {
		if r := e.run(slash(guildA, "rate", opt("film", title), opt("score", 7.0))); r == nil {
			t.Fatal(title)
		}
		if r, err := e.db.UserRating(ctx, 111, film, 42); err != nil || r.Score != 7 {
			t.Errorf("/rate film:%s rated another film than the server's: %+v %v", title, r, err)
		}
	}
	// Moderators only.
	if msg := e.userError(e.cmds["manage"].Run, slash(guildA, "manage", sub("film", "link", opt("film", "Gisaengchung copy"), opt("tmdb", "129")))); !strings.Contains(msg, "moderator") {
		t.Errorf("a member: %q", msg)
	}
}

// A film the server typed in and TMDB's film of the same title and year
// (fetched later, by anyone): a typed title picks the server's own, whose
// ratings and reviews are here, instead of asking which.
func TestTypedTitlePrefersTheServersFilm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	own, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Solaris", Year: 1972})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveSourced(ctx, storage.Film{Title: "Solaris", Year: 1972, TMDB: 593}); err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{"Solaris", "solaris 1972"} {
		e.run(slash(guildA, "rate", opt("film", typed), opt("score", 6.0)))
		if r, err := e.db.UserRating(ctx, 111, own.ID, 42); err != nil || r.Score != 6 {
			t.Errorf("/rate film:%s: %+v %v, want the server's film rated", typed, r, err)
		}
	}
	// Another server has only the shared one.
	if r := e.run(slash(guildB, "film", opt("film", "Solaris"))); !strings.HasPrefix(embed(r).Title, "Solaris (1972)") {
		t.Errorf("another server: %q", embed(r).Title)
	}
}
