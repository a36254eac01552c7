package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// previewEnv is an import's world on one store: the commands, the
// store, and the fake TMDB, whose film details answer through movie
// when it is set.
type previewEnv struct {
	*env
	store storage.Store
	name  string // "bolt" or "postgres"
	fake  *tmdbfake.Server
	movie atomic.Pointer[http.HandlerFunc]
	clock atomic.Int64 // the store's and the resolver's, in Unix ns
}

// failDetails makes TMDB answer 500 for film id's details from now on
// (its search still answers).
func (e *previewEnv) failDetails(id int) {
	failing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, fmt.Sprintf("/3/movie/%d", id)) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"status_code": 11, "status_message": "Internal error."}`)
			return
		}
		e.fake.ServeHTTP(w, r)
	})
	e.movie.Store(&failing)
}

// onBothStores runs f on bbolt and on PostgreSQL, each with the fake
// TMDB behind the commands' source.
func onBothStores(t *testing.T, f func(t *testing.T, e *previewEnv)) {
	for _, name := range storeNames {
		t.Run(name, func(t *testing.T) {
			e := &previewEnv{name: name, fake: tmdbfake.New(tmdbfake.Options{Token: "tok"})}
			e.clock.Store(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).UnixNano())
			now := func() time.Time { return time.Unix(0, e.clock.Load()).UTC() }
			store := openStore(t, name, now)
			e.env, e.store = &env{t: t, set: New(store), cmds: map[string]Command{}}, store
			for _, c := range e.set.Commands() {
				e.cmds[c.Def.Name] = c
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h := e.movie.Load(); h != nil && strings.HasPrefix(r.URL.Path, "/3/movie/") {
					(*h)(w, r)
					return
				}
				e.fake.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			client, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, Token: "tok", PerSecond: 5000})
			if err != nil {
				t.Fatal(err)
			}
			r := source.New(store, client, tmdb.NewSearcher(client, time.Minute, 0, 0), now)
			t.Cleanup(r.Wait)
			e.set.WithSource(r)
			f(t, e)
		})
	}
}

// catalogState is what a preview must leave as it was: the shared
// catalog's and the server's versions and film counts.
type catalogState struct {
	shared, server   uint64
	sharedN, serverN int
}

func (e *previewEnv) catalog() catalogState {
	e.t.Helper()
	ctx := context.Background()
	var c catalogState
	var err error
	if c.shared, err = e.store.CatalogVersion(ctx, storage.BuiltIn); err != nil {
		e.t.Fatal(err)
	}
	if c.server, err = e.store.CatalogVersion(ctx, 111); err != nil {
		e.t.Fatal(err)
	}
	fs, err := e.store.Films(ctx, storage.BuiltIn)
	if err != nil {
		e.t.Fatal(err)
	}
	c.sharedN = len(fs)
	if fs, err = e.store.Films(ctx, 111); err != nil {
		e.t.Fatal(err)
	}
	c.serverN = len(fs)
	return c
}

// The films of previewExport found on TMDB, none in the catalog: their
// TMDB ids.
const (
	parasiteTMDB = 496243
	duneTMDB     = 438631
	stalkerTMDB  = 1398
)

const (
	previewRatings = "Date,Name,Year,Letterboxd URI,Rating\n" +
		"2024-11-02,Anora,2024,https://boxd.it/a,4.5\n" +
		"2024-01-01,Parasite,2019,https://boxd.it/p,4.5\n" +
		"2024-01-02,Dune,2021,https://boxd.it/d,4\n"
	previewWatchlist = "Date,Name,Year,Letterboxd URI\n" +
		"2024-02-02,Parasite,2019,https://boxd.it/p\n" +
		"2024-02-03,Stalker,1979,https://boxd.it/w2\n"
)

// previewExport is a Letterboxd export of previewRatings and
// previewWatchlist, given to the commands as export.zip.
func previewExport(t *testing.T, e *env) int {
	t.Helper()
	zip := zipFiles(t, map[string]string{"ratings.csv": previewRatings, "watchlist.csv": previewWatchlist})
	e.files(map[string][]byte{"export.zip": zip})
	return len(zip)
}

// previewed runs /import letterboxd on previewExport as member 42 of
// guild A and checks its preview: Parasite, Dune and Stalker found on
// TMDB (Anora is the catalog's). It returns the Import and Cancel
// buttons' ids.
func (e *previewEnv) previewed() (ok, cancel string) {
	e.t.Helper()
	r := e.run(importCmd(guildA, "42", "export.zip", 100))
	d := embed(r).Description
	for _, want := range []string{"3 new, 0 changed, 0 the same as here, 0 not in this server's catalog.",
		"Watchlist: 2 films, 1 to add, 0 already on yours, 1 rated (so left off), 0 not in this server's catalog."} {
		if !strings.Contains(d, want) {
			e.t.Errorf("preview lacks %q:\n%s", want, d)
		}
	}
	if got := lookedUp.FindStringSubmatch(d); got == nil || got[1] != "3" || got[2] != "3" {
		e.t.Errorf("lookups: %v in %q", got, d)
	}
	ok, cancel = buttons(r)["Import 3 ratings and 1 watchlist film"], buttons(r)["Cancel"]
	if ok == "" || cancel == "" {
		e.t.Fatalf("buttons %v", buttons(r))
	}
	return ok, cancel
}

// unchanged checks that the catalog is as it was and that no film was
// fetched: nothing of TMDB's stored.
func (e *previewEnv) unchanged(what string, before catalogState, movies int) {
	e.t.Helper()
	if after := e.catalog(); after != before {
		e.t.Errorf("%s changed the catalog: %+v → %+v", what, before, after)
	}
	for _, id := range []uint64{parasiteTMDB, duneTMDB, stalkerTMDB} {
		if f, err := e.store.FilmByTMDB(context.Background(), id); !errors.Is(err, storage.ErrNotFound) {
			e.t.Errorf("%s stored TMDB film %d: %+v %v", what, id, f.Title, err)
		}
	}
	if n := e.fake.Requests("movie"); n != movies {
		e.t.Errorf("%s fetched %d films", what, n-movies)
	}
	if rs, _ := e.store.UserRatings(context.Background(), 111, 42); len(rs) != 0 {
		e.t.Errorf("%s rated: %+v", what, rs)
	}
}

// expiring keeps every pending step already expired, by the store's own
// clock (as the conformance suite makes them): a preview left past its
// time.
type expiring struct{ storage.Store }

func (x expiring) PutPending(ctx context.Context, scope storage.Scope, user uint64, data []byte, _ time.Duration) (uint64, error) {
	return x.Store.PutPending(ctx, scope, user, data, -time.Second)
}

// A preview that finds films on TMDB stores nothing: cancelled, or left
// to expire, the shared catalog is as it was (its version, its films, no
// row for the TMDB ids) and TMDB was only searched. Confirmed, the films
// are fetched, once each, into the shared catalog, and the ratings and
// the watchlist are set.
func TestImportPreviewStoresNothingBeforeConfirm(t *testing.T) {
	onBothStores(t, func(t *testing.T, e *previewEnv) {
		ctx := context.Background()
		previewExport(t, e.env)
		before, movies := e.catalog(), e.fake.Requests("movie")

		_, cancel := e.previewed()
		e.unchanged("the preview", before, movies)
		c, err := e.check(e.set.importButton, clickAs(guildA, "42", cancel))
		if err != nil || c.Data.Content != "Import cancelled: nothing was changed." {
			t.Fatalf("cancel: %v %+v", err, c)
		}
		e.unchanged("a cancelled preview", before, movies)

		// Expired: its Import button finds nothing to import.
		e.set.pending = expiring{e.store}
		ok, _ := e.previewed()
		e.set.pending = e.store
		if c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok)); err != nil || !strings.Contains(c.Data.Content, "expired or was already used") {
			t.Fatalf("an expired preview: %v %+v", err, c)
		}
		if _, err := e.store.SweepPending(ctx); err != nil {
			t.Fatal(err)
		}
		e.unchanged("an expired preview", before, movies)

		// Confirmed.
		ok, _ = e.previewed()
		c, err = e.check(e.set.importButton, clickAs(guildA, "42", ok))
		if err != nil || c.Data.Content != "Imported: 3 new, 0 changed, 0 already the same. See them with `/myratings`. 1 film added to your watchlist: see `/watchlist`." {
			t.Fatalf("confirm: %v %+v", err, c)
		}
		if n := e.fake.Requests("movie"); n != movies+3 {
			t.Errorf("%d films fetched, want 3", n-movies)
		}
		if after := e.catalog(); after.sharedN != before.sharedN+3 || after.shared == before.shared {
			t.Errorf("catalog after the import: %+v (before %+v)", after, before)
		}
		scores := map[uint64]int{parasiteTMDB: 9, duneTMDB: 8}
		for id, score := range scores {
			f, err := e.store.FilmByTMDB(ctx, id)
			if err != nil || f.Scope != storage.BuiltIn || len(f.Cast) == 0 || f.Overview == "" {
				t.Fatalf("TMDB film %d stored as %+v (%v)", id, f.Title, err)
			}
			if r, err := e.store.UserRating(ctx, 111, f.ID, 42); err != nil || r.Score != score {
				t.Errorf("%s's rating: %+v %v", f.Title, r, err)
			}
		}
		stalker, err := e.store.FilmByTMDB(ctx, stalkerTMDB)
		if err != nil {
			t.Fatal(err)
		}
		if on, err := e.store.OnWatchlist(ctx, 111, 42, stalker.ID); err != nil || !on {
			t.Errorf("Stalker on the watchlist: %v %v", on, err)
		}
		if c, _ := e.check(e.set.importButton, clickAs(guildA, "42", ok)); !strings.Contains(c.Data.Content, "expired or was already used") {
			t.Errorf("the preview outlived its import: %+v", c.Data)
		}
	})
}

// TMDB failing for one film at the confirmation: the others are stored
// and imported, the message says which film was not and why, and
// importing the file again brings it in.
func TestImportConfirmWhenTMDBFailsForOneFilm(t *testing.T) {
	onBothStores(t, func(t *testing.T, e *previewEnv) {
		ctx := context.Background()
		previewExport(t, e.env)
		ok, _ := e.previewed()
		e.failDetails(duneTMDB)
		c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok))
		want := "Imported: 2 new, 0 changed, 0 already the same. See them with `/myratings`. 1 film added to your watchlist: see `/watchlist`.\n" +
			"1 film found on TMDB not imported (TMDB is not answering): Dune (2021). Import the file again for them."
		if err != nil || c.Data.Content != want {
			t.Fatalf("confirm: %v %+v", err, c)
		}
		if _, err := e.store.FilmByTMDB(ctx, duneTMDB); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Dune stored: %v", err)
		}
		parasite, err := e.store.FilmByTMDB(ctx, parasiteTMDB)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := e.store.UserRating(ctx, 111, parasite.ID, 42); err != nil || r.Score != 9 {
			t.Errorf("Parasite's rating: %+v %v", r, err)
		}
		if rs, _ := e.store.UserRatings(ctx, 111, 42); len(rs) != 2 {
			t.Errorf("ratings: %+v", rs)
		}
		if ws, _ := e.store.Watchlist(ctx, 111, 42); len(ws) != 1 {
			t.Errorf("watchlist: %+v", ws)
		}

		// TMDB back: the file again brings Dune in, the rest the same. The
		// failed fetch's claim (source.ClaimFor) has ended by then; on
		// PostgreSQL it is judged by the database's own clock, which the
		// test does not move, so the rest is bbolt's.
		if e.name == "postgres" {
			return
		}
		e.clock.Add(int64(source.ClaimFor))
		e.movie.Store(nil)
		r := e.run(importCmd(guildA, "42", "export.zip", 100))
		if d := embed(r).Description; !strings.Contains(d, "1 new, 0 changed, 2 the same as here, 0 not in this server's catalog.") {
			t.Errorf("again: %q", d)
		}
		c, err = e.check(e.set.importButton, clickAs(guildA, "42", buttons(r)["Import 1 rating"]))
		if err != nil || !strings.HasPrefix(c.Data.Content, "Imported: 1 new, 0 changed, 2 already the same.") || strings.Contains(c.Data.Content, "not imported") {
			t.Fatalf("again: %v %q", err, c.Data.Content)
		}
		dune, err := e.store.FilmByTMDB(ctx, duneTMDB)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := e.store.UserRating(ctx, 111, dune.ID, 42); err != nil || r.Score != 8 {
			t.Errorf("Dune's rating: %+v %v", r, err)
		}
	})
}

// TMDB away at the confirmation (or the source turned off since the
// preview): the catalog's films import, and the message says why the
// others did not.
func TestImportConfirmWithoutTMDB(t *testing.T) {
	e := newEnv(t)
	withModTMDB(e)
	previewExport(t, e)
	r := e.run(importCmd(guildA, "42", "export.zip", 100))
	e.set.WithSource(nil)
	c, err := e.check(e.set.importButton, clickAs(guildA, "42", buttons(r)["Import 3 ratings and 1 watchlist film"]))
	want := "Imported: 1 new, 0 changed, 0 already the same. See them with `/myratings`.\n" +
		"3 films found on TMDB not imported (looking films up on TMDB is off here now): Stalker (1979), Dune (2021), Parasite (2019). Import the file again for them."
	if err != nil || c.Data.Content != want {
		t.Fatalf("confirm: %v %q", err, c.Data.Content)
	}
	if r, err := e.db.UserRating(context.Background(), 111, e.anora.ID, 42); err != nil || r.Score != 9 {
		t.Errorf("Anora's rating: %+v %v", r, err)
	}
}

// previewList is a moderator's film list: Parasite and Dune are on
// TMDB (the server's catalog lacks them), Our Own Film is not.
const previewList = "Name,Year\nParasite,2019\nDune,2021\nOur Own Film,1999\n"

// listPreviewed runs /manage film import on previewList as a moderator
// of guild A and checks its preview; it returns the Add and Cancel
// buttons' ids.
func (e *previewEnv) listPreviewed() (ok, cancel string) {
	e.t.Helper()
	e.files(map[string][]byte{"list.csv": []byte(previewList)})
	i := slash(guildA, "manage", sub("film", "import", attachOpt("a1")))
	withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "list.csv", Size: len(previewList), URL: "mem://list.csv"})
	r := e.run(mod(i))
	d := embed(r).Description
	if !strings.Contains(d, "In **list.csv**: 3 new to this server, 0 already here, 0 rejected.") {
		e.t.Errorf("preview: %q", d)
	}
	if got := lookedUp.FindStringSubmatch(d); got == nil || got[1] != "2" || got[2] != "3" {
		e.t.Errorf("lookups: %v in %q", got, d)
	}
	ok, cancel = buttons(r)["Add 3 films"], buttons(r)["Cancel"]
	if ok == "" || cancel == "" {
		e.t.Fatalf("buttons %v", buttons(r))
	}
	return ok, cancel
}

// /manage film import's preview stores nothing either (issue 26): the
// films it finds on TMDB are kept by TMDB id; cancelled or expired, the
// shared catalog is as it was; confirmed, they are fetched, once each,
// into the shared catalog, and the others are added by title.
func TestFilmListPreviewStoresNothingBeforeConfirm(t *testing.T) {
	onBothStores(t, func(t *testing.T, e *previewEnv) {
		ctx := context.Background()
		before, movies := e.catalog(), e.fake.Requests("movie")

		_, cancel := e.listPreviewed()
		e.unchanged("the preview", before, movies)
		c, err := e.check(e.set.filmImportButton, mod(click(guildA, cancel)))
		if err != nil || c.Data.Content != "List import cancelled: nothing was added." {
			t.Fatalf("cancel: %v %+v", err, c)
		}
		e.unchanged("a cancelled preview", before, movies)

		e.set.pending = expiring{e.store}
		ok, _ := e.listPreviewed()
		e.set.pending = e.store
		if c, err := e.check(e.set.filmImportButton, mod(click(guildA, ok))); err != nil || !strings.Contains(c.Data.Content, "expired or was already used") {
			t.Fatalf("an expired preview: %v %+v", err, c)
		}
		if _, err := e.store.SweepPending(ctx); err != nil {
			t.Fatal(err)
		}
		e.unchanged("an expired preview", before, movies)

		ok, _ = e.listPreviewed()
		c, err = e.check(e.set.filmImportButton, mod(click(guildA, ok)))
		if err != nil || c.Data.Content != "Added 3 films to this server's catalog." {
			t.Fatalf("confirm: %v %+v", err, c)
		}
		if n := e.fake.Requests("movie"); n != movies+2 {
			t.Errorf("%d films fetched, want 2", n-movies)
		}
		after := e.catalog()
		if after.sharedN != before.sharedN+2 || after.shared == before.shared || after.serverN != before.serverN+3 {
			t.Errorf("catalog after the import: %+v (before %+v)", after, before)
		}
		for _, id := range []uint64{parasiteTMDB, duneTMDB} {
			if f, err := e.store.FilmByTMDB(ctx, id); err != nil || f.Scope != storage.BuiltIn || len(f.Cast) == 0 || f.Overview == "" {
				t.Errorf("TMDB film %d stored as %+v (%v)", id, f.Title, err)
			}
		}
		own, _ := e.store.Films(ctx, 111)
		for _, f := range own {
			if f.Scope == 111 && f.Title != "Our Own Film" {
				t.Errorf("%s added title-only", f.Title)
			}
		}
		if c, _ := e.check(e.set.filmImportButton, mod(click(guildA, ok))); !strings.Contains(c.Data.Content, "expired or was already used") {
			t.Errorf("the preview outlived its import: %+v", c.Data)
		}
	})
}

// TMDB failing for one film at a list import's confirmation: the others
// are stored and added, and the answer says which was not and why.
func TestFilmListConfirmWhenTMDBFailsForOneFilm(t *testing.T) {
	onBothStores(t, func(t *testing.T, e *previewEnv) {
		ctx := context.Background()
		before := e.catalog()
		ok, _ := e.listPreviewed()
		e.failDetails(duneTMDB)
		c, err := e.check(e.set.filmImportButton, mod(click(guildA, ok)))
		want := "Added 2 films to this server's catalog.\n" +
			"1 film found on TMDB not imported (TMDB is not answering): Dune (2021). Import the file again for them."
		if err != nil || c.Data.Content != want {
			t.Fatalf("confirm: %v %q", err, c.Data.Content)
		}
		if _, err := e.store.FilmByTMDB(ctx, duneTMDB); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Dune stored: %v", err)
		}
		if _, err := e.store.FilmByTMDB(ctx, parasiteTMDB); err != nil {
			t.Errorf("Parasite: %v", err)
		}
		if after := e.catalog(); after.sharedN != before.sharedN+1 || after.serverN != before.serverN+2 {
			t.Errorf("catalog after the import: %+v (before %+v)", after, before)
		}
	})
}

// A list preview kept before its TMDB films were (the films alone, a
// JSON array) still confirms; a TMDB id that is not one is refused.
func TestPendingListDecodes(t *testing.T) {
	p, err := decodePendingList([]byte(`[{"Title":"Our Own Film","Year":1999}]`))
	if err != nil || len(p.Films) != 1 || p.Films[0].Title != "Our Own Film" || len(p.TMDB) != 0 {
		t.Errorf("old preview: %+v %v", p, err)
	}
	raw, _ := json.Marshal(pendingList{Films: p.Films, TMDB: []found{{TMDB: 496243, Title: "Parasite", Year: 2019}}})
	if q, err := decodePendingList(raw); err != nil || fmt.Sprint(q) != fmt.Sprint(pendingList{Films: p.Films, TMDB: []found{{496243, "Parasite", 2019}}}) {
		t.Errorf("round trip: %+v %v", q, err)
	}
	for _, bad := range []string{`{"tmdb":[{"TMDB":0}]}`, `{`, `[1]`} {
		if _, err := decodePendingList([]byte(bad)); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}

// A pending import survives its encoding: the catalog's films, the
// films found on TMDB and their names, whatever their titles hold.
func TestPendingImportRoundTrip(t *testing.T) {
	at := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	p := pendingImport{
		ratings:     []storage.Rating{{Film: 7, Score: 9, At: at}, {Film: 8, Score: 3}},
		watch:       []uint64{9},
		tmdbRatings: []storage.Rating{{Film: 496243, Score: 10, At: at}},
		tmdbWatch:   []int{1398},
		names:       map[int]titleYear{496243: {"Parasite \"기생충\"\nw 5", 2019}, 1398: {"", 0}},
	}
	got, err := decodePending(p.encode())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	for _, bad := range []string{"tw x", "tw 0", "t 0 5 0", "tn 1 2 unquoted", "w -1", "1 2"} {
		if _, err := decodePending([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestWhyNotStored(t *testing.T) {
	for err, want := range map[error]string{
		fmt.Errorf("x: %w", storage.ErrNotFound): "TMDB no longer has it",
		source.ErrOff:                            "looking films up on TMDB is off here now",
		fmt.Errorf("%w: 429", source.ErrBusy):    "TMDB is busy",
		fmt.Errorf("%w: %w", source.ErrNotAnswering, context.DeadlineExceeded): "fetching stops after 15 s",
		fmt.Errorf("%w: 500", source.ErrNotAnswering):                          "TMDB is not answering",
	} {
		if got := whyNotStored(english(), err); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
}

// BenchmarkImportConfirmTMDB confirms an import whose films are all found
// on TMDB at the preview, none in the catalog (the fixture's films), with
// TMDB answering in 100 ms and the client pacing requests as filmbot
// does (40 a second): the confirmation fetches each into the shared
// catalog, then imports the ratings, within lookupBudget.
//
//	go test -run '^$' -bench ImportConfirmTMDB -benchtime 3x ./commands
func BenchmarkImportConfirmTMDB(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Name,Year,Rating\n")
	n := 0
	for _, f := range tmdbfake.Films() {
		if len(f.ReleaseDate) >= 4 && f.Title != "Anora" {
			fmt.Fprintf(&csv, "%q,%s,4\n", f.Title, f.ReleaseDate[:4])
			n++
		}
	}
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		m := withModTMDBPaced(e, 0)
		e.files(map[string][]byte{"ratings.csv": []byte(csv.String())})
		r, err := e.cmds["import"].Run(context.Background(), importCmd(guildA, "42", "ratings.csv", csv.Len()))
		if err != nil {
			b.Fatal(err)
		}
		got := lookedUp.FindStringSubmatch(embed(r).Description)
		if got == nil {
			b.Fatal(embed(r).Description)
		}
		var found int
		fmt.Sscan(got[1], &found)
		ok := buttons(r)[fmt.Sprintf("Import %s", plural(found, "rating"))]
		m.fake.SetLatency(100 * time.Millisecond)
		b.StartTimer()
		c, err := e.set.importButton(context.Background(), clickAs(guildA, "42", ok))
		b.StopTimer()
		if err != nil || !strings.HasPrefix(c.Data.Content, fmt.Sprintf("Imported: %d new", found)) {
			b.Fatal(err, c.Data.Content)
		}
		b.ReportMetric(float64(found), "films")
		b.ReportMetric(float64(m.fake.Requests("movie")), "fetched")
		b.StartTimer()
	}
}
