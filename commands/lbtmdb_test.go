package commands

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// ambiguousSearch answers TMDB's search for "Ambig" with two films of
// that title in 2001, and passes the rest to the fake.
func (m *modTMDB) ambiguousSearch() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.URL.Query().Get("query"), "Ambig") {
			m.fake.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"page": 1, "total_pages": 1, "total_results": 2, "results": [
			{"id": 900001, "title": "Ambig", "original_title": "Ambig", "release_date": "2001-03-01", "popularity": 5},
			{"id": 900002, "title": "Ambig", "original_title": "Ambig", "release_date": "2001-09-01", "popularity": 4}]}`)
	})
	m.search.Store(&h)
}

func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

const tmdbRatings = "Date,Name,Year,Letterboxd URI,Rating\n" +
	"2024-11-02,Anora,2024,https://boxd.it/a,4.5\n" +
	"2024-01-01,Parasite,2019,https://boxd.it/p,4.5\n" +
	"2024-01-02,Dune,2021,https://boxd.it/d,4\n" +
	"2024-01-03,Ambig,2001,https://boxd.it/x,3\n" +
	"2024-01-04,Nowhere Film,1999,https://boxd.it/n,1\n" +
	"2024-01-05,No Year,,https://boxd.it/y,3\n"

const tmdbWatchlist = "Date,Name,Year,Letterboxd URI\n" +
	"2024-02-01,Perfect Days,2023,https://boxd.it/w1\n" +
	"2024-02-02,Parasite,2019,https://boxd.it/p\n" +
	"2024-02-03,Stalker,1979,https://boxd.it/w2\n" +
	"2024-02-04,Tangerine,2015,https://boxd.it/w3\n" +
	"2024-02-05,Missing W,2000,https://boxd.it/w4\n"

var lookedUp = regexp.MustCompile(`Found on TMDB: (\d+) \(looked up (\d+) in \d+(\.\d)? s\)`)

// A Letterboxd export whose films are not in the catalog: they are looked
// up on TMDB (exactly one film of that title and year), the preview says
// how many were found and how long it took, the ambiguous ones go to
// not-in-catalog.csv with their candidates, and watchlist.csv fills the
// member's watchlist (rated films left off). Nothing is stored before
// the member confirms; confirmed, the films found are fetched whole into
// the shared catalog and the ratings and the watchlist are set; another
// server then finds those films stored.
func TestImportLooksUpTMDB(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := withModTMDB(e)
	m.ambiguousSearch()
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	e.db.WatchlistAdd(ctx, 111, 42, tang.ID)
	export := zipFiles(t, map[string]string{"ratings.csv": tmdbRatings, "watchlist.csv": tmdbWatchlist})
	e.files(map[string][]byte{"export.zip": export, "watchlist.csv": []byte(tmdbWatchlist)})

	shared := e.shared()
	r := e.run(importCmd(guildA, "42", "export.zip", len(export)))
	d := embed(r).Description
	for _, want := range []string{
		"3 new, 0 changed, 0 the same as here, 3 not in this server's catalog.",
		"Watchlist: 5 films, 2 to add, 1 already on yours, 1 rated (so left off), 1 not in this server's catalog.",
		"; 1 film with several films of that title and year (candidates in the CSV).",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("preview lacks %q:\n%s", want, d)
		}
	}
	if got := lookedUp.FindStringSubmatch(d); got == nil || got[1] != "4" || got[2] != "7" {
		t.Errorf("lookups: %v in %q", got, d)
	}
	csv := attached(t, r, "not-in-catalog.csv")
	for _, want := range []string{"Title,Year,Rating10,LetterboxdURI,Note\n",
		"Ambig,2001,6,https://boxd.it/x,several films on TMDB: Ambig (2001) tmdb:900001; Ambig (2001) tmdb:900002\n",
		"Nowhere Film,1999,2,https://boxd.it/n,\n", "No Year,,6,https://boxd.it/y,\n", "Missing W,2000,,https://boxd.it/w4,watchlist\n"} {
		if !strings.Contains(csv, want) {
			t.Errorf("not-in-catalog.csv lacks %q:\n%s", want, csv)
		}
	}
	// Nothing is written before the member confirms: neither the films
	// found (TMDB was only searched) nor anything of the member's.
	if _, err := e.db.FilmByTMDB(ctx, 496243); !errors.Is(err, storage.ErrNotFound) || e.shared() != shared || m.fake.Requests("movie") != 0 {
		t.Fatalf("the preview stored films: %v, %d → %d films, %d fetched", err, shared, e.shared(), m.fake.Requests("movie"))
	}
	if rs, _ := e.db.UserRatings(ctx, 111, 42); len(rs) != 0 {
		t.Fatal("the preview wrote a rating")
	}
	if ws, _ := e.db.Watchlist(ctx, 111, 42); len(ws) != 1 {
		t.Fatalf("the preview changed the watchlist: %+v", ws)
	}
	ok := buttons(r)["Import 3 ratings and 2 watchlist films"]
	if ok == "" {
		t.Fatalf("buttons %v", buttons(r))
	}
	c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok))
	if err != nil || c.Data.Content != "Imported: 3 new, 0 changed, 0 already the same. See them with `/myratings`. 2 films added to your watchlist: see `/watchlist`." {
		t.Fatalf("confirm: %v %+v", err, c)
	}
	parasite, err := e.db.FilmByTMDB(ctx, 496243)
	if err != nil || len(parasite.Cast) == 0 || parasite.Overview == "" {
		t.Fatalf("Parasite stored as %+v (%v)", parasite, err)
	}
	if r, _ := e.db.UserRating(ctx, 111, parasite.ID, 42); r.Score != 9 {
		t.Errorf("Parasite's rating: %+v", r)
	}
	ws, _ := e.db.Watchlist(ctx, 111, 42)
	stalker, _ := e.db.FilmByTMDB(ctx, 1398)
	days, _ := e.db.FilmByTMDB(ctx, 976893)
	on := map[uint64]bool{}
	for _, w := range ws {
		on[w.Film] = true
	}
	if len(ws) != 3 || !on[stalker.ID] || !on[days.ID] || !on[tang.ID] || stalker.ID == 0 {
		t.Errorf("watchlist %+v", ws)
	}
	// Another server: the films found are in the shared catalog now, and
	// TMDB is not asked for them again; only Tangerine, guild A's own
	// film, is looked up (searched: nothing is fetched before a confirm).
	movies := m.fake.Requests("movie")
	r = e.run(importCmd(guildB, "42", "export.zip", len(export)))
	if d := embed(r).Description; !strings.Contains(d, "3 new, 0 changed, 0 the same as here, 3 not in this server's catalog.") ||
		!strings.Contains(d, "Watchlist: 5 films, 3 to add, 0 already on yours, 1 rated") ||
		lookedUp.FindStringSubmatch(d) == nil || lookedUp.FindStringSubmatch(d)[1] != "1" || lookedUp.FindStringSubmatch(d)[2] != "4" {
		t.Errorf("another server: %q", d)
	}
	if m.fake.Requests("movie") != movies {
		t.Errorf("films stored were fetched again: %d → %d", movies, m.fake.Requests("movie"))
	}
	// watchlist.csv alone; Tangerine is now both guild A's own film and a
	// shared one: the server's own is meant.
	e.db.WatchlistRemove(ctx, 111, 42, stalker.ID)
	r = e.run(importCmd(guildA, "42", "watchlist.csv", len(tmdbWatchlist)))
	if d := embed(r).Description; !strings.Contains(d, "Add them? The rest of your watchlist stays as it is.") || strings.Contains(d, "ratings") {
		t.Errorf("a watchlist alone is asked about as ratings: %q", d)
	}
	if d := embed(r).Description; !strings.HasPrefix(d, "In **watchlist.csv**:\nWatchlist: 5 films") || !strings.Contains(d, "Watchlist: 5 films, 1 to add, 2 already on yours, 1 rated (so left off), 1 not in this server's catalog.") {
		t.Errorf("watchlist.csv: %q", d)
	}
	ok = buttons(r)["Add 1 film to your watchlist"]
	if c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok)); err != nil || !strings.HasSuffix(c.Data.Content, "1 film added to your watchlist: see `/watchlist`.") {
		t.Errorf("watchlist only: %v %+v", err, c)
	}
	if on, _ := e.db.OnWatchlist(ctx, 111, 42, stalker.ID); !on {
		t.Error("Stalker is not back on the watchlist")
	}
}

// TMDB failing midway: the films found before are kept in the preview
// (nothing stored), the rows not looked up stay in the not-in-catalog
// report, the preview says why, and the catalog's films import as ever.
func TestImportWhenTMDBFailsMidway(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := withModTMDB(e)
	var searches atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if searches.Add(1) > 2 {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"status_code": 11, "status_message": "Internal error."}`)
			return
		}
		m.fake.ServeHTTP(w, r)
	})
	m.search.Store(&h)
	var b strings.Builder
	b.WriteString("Name,Year,Rating\nAnora,2024,5\n")
	titles := []string{"Parasite,2019", "Dune,2021", "Stalker,1979", "Ida,2013", "Roma,2018", "Oldboy,2003", "Barbie,2023", "Whiplash,2014"}
	for _, f := range titles {
		b.WriteString(f + ",4\n")
	}
	e.files(map[string][]byte{"ratings.csv": []byte(b.String())})
	before := e.shared()
	r := e.run(importCmd(guildA, "42", "ratings.csv", b.Len()))
	d := embed(r).Description
	got := lookedUp.FindStringSubmatch(d)
	if got == nil || !strings.Contains(d, "not looked up (TMDB is not answering: showing this server's catalog only): import the file again for them; the films found are in this preview.") {
		t.Fatalf("preview: %q", d)
	}
	var found int
	fmt.Sscan(got[1], &found)
	if found > 2 || e.shared() != before {
		t.Errorf("found %d, stored %d", found, e.shared()-before)
	}
	csv := attached(t, r, "not-in-catalog.csv")
	if lines := strings.Count(csv, "\n") - 1; lines != len(titles)-found {
		t.Errorf("not-in-catalog.csv has %d rows, want %d:\n%s", lines, len(titles)-found, csv)
	}
	if !strings.Contains(d, fmt.Sprintf("%d new, 0 changed, 0 the same as here, %d not in this server's catalog.", 1+found, len(titles)-found)) {
		t.Errorf("counts: %q", d)
	}
	ok := buttons(r)[fmt.Sprintf("Import %s", plural(1+found, "rating"))]
	if ok == "" {
		t.Fatalf("buttons: %v", buttons(r))
	}
	// Confirmed: Anora, the catalog's, is imported whatever TMDB does
	// now; each film found is imported, or said not to be.
	c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e.db.UserRating(ctx, 111, e.anora.ID, 42); err != nil || r.Score != 10 {
		t.Errorf("Anora's rating: %+v %v", r, err)
	}
	rs, _ := e.db.UserRatings(ctx, 111, 42)
	stored := e.shared() - before
	if len(rs) != 1+stored || (stored < found) != strings.Contains(c.Data.Content, fmt.Sprintf("%s found on TMDB not imported", plural(found-stored, "film"))) {
		t.Errorf("%d found, %d stored, %d rated: %q", found, stored, len(rs), c.Data.Content)
	}
}

// At most maxLookups films are looked up per import; the preview says
// how many were not, and why.
func TestImportLookupsCapped(t *testing.T) {
	e := newEnv(t)
	m := withModTMDB(e)
	var b strings.Builder
	b.WriteString("Name,Year,Rating\n")
	for k := range maxLookups + 20 {
		fmt.Fprintf(&b, "Nowhere %d,2001,3\n", k)
	}
	e.files(map[string][]byte{"ratings.csv": []byte(b.String())})
	r := e.run(importCmd(guildA, "42", "ratings.csv", b.Len()))
	d := embed(r).Description
	if got := lookedUp.FindStringSubmatch(d); got == nil || got[1] != "0" || got[2] != fmt.Sprint(maxLookups) ||
		!strings.Contains(d, "20 not looked up (at most 500 are looked up per import): import the file again for them") {
		t.Errorf("preview: %q", d)
	}
	if n := m.fake.Requests("search/movie"); n != maxLookups {
		t.Errorf("%d searches", n)
	}
	if csv := attached(t, r, "not-in-catalog.csv"); strings.Count(csv, "\n") != maxLookups+21 {
		t.Errorf("not-in-catalog.csv: %d lines", strings.Count(csv, "\n"))
	}
}

// A moderator's list import: the films TMDB has come whole into the
// shared catalog (credits, overview) once confirmed, the others are
// added by title as before, and the ambiguous ones are named with their
// candidates.
func TestFilmListImportFromTMDB(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := withModTMDB(e)
	m.ambiguousSearch()
	list := "Name,Year\nParasite,2019\nOur Own Film,1999\nAmbig,2001\nAnora,2024\n"
	e.files(map[string][]byte{"l.csv": []byte(list)})
	i := slash(guildA, "manage", sub("film", "import", attachOpt("a1")))
	withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "l.csv", Size: len(list), URL: "mem://l.csv"})
	r := e.run(mod(i))
	d := embed(r).Description
	if !strings.Contains(d, "3 new to this server, 1 already here, 0 rejected.") || !strings.Contains(d, "The films found come from TMDB, with their full credits, when you confirm; the others are added by title.") {
		t.Errorf("preview: %q", d)
	}
	if got := lookedUp.FindStringSubmatch(d); got == nil || got[1] != "1" || got[2] != "3" {
		t.Errorf("lookups: %q", d)
	}
	if f := fieldText(embed(r)); !strings.Contains(f, "Ambig (2001): several films on TMDB: Ambig (2001) tmdb:900001; Ambig (2001) tmdb:900002") {
		t.Errorf("fields: %s", f)
	}
	if f := fieldText(embed(r)); !strings.Contains(f, "• Parasite (2019) (TMDB)\n• Our Own Film (1999)\n• Ambig (2001)") {
		t.Errorf("new films: %s", f)
	}
	c, err := e.check(e.set.filmImportButton, mod(click(guildA, buttons(r)["Add 3 films"])))
	if err != nil || c.Data.Content != "Added 3 films to this server's catalog." {
		t.Fatalf("confirm: %v %+v", err, c)
	}
	p, err := e.db.FilmByTMDB(ctx, 496243)
	if err != nil || len(p.Directors) == 0 || len(p.Cast) == 0 || p.Overview == "" {
		t.Fatalf("Parasite: %+v %v", p, err)
	}
	own, _ := e.db.Films(ctx, 111)
	n := 0
	for _, f := range own {
		if f.Scope == 111 {
			n++
			if f.Title == "Parasite" {
				t.Error("Parasite was added title-only")
			}
		}
	}
	if n != 2 {
		t.Errorf("%d films of the server's own", n)
	}
}

// BenchmarkImportLookups5000 is a 5,000-row export of films none in the
// catalog (the fixture's 71 films among them), with TMDB answering in
// 100 ms and the client pacing requests as filmbot does (40 a second):
// the preview comes within lookupBudget, whatever the file's size.
//
//	go test -run '^$' -bench ImportLookups5000 -benchtime 1x ./commands
func BenchmarkImportLookups5000(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Name,Year,Rating\n")
	fixture := tmdbfake.Films()
	for k := range 5000 {
		if k < len(fixture) && len(fixture[k].ReleaseDate) >= 4 {
			fmt.Fprintf(&csv, "%q,%s,4\n", fixture[k].Title, fixture[k].ReleaseDate[:4])
			continue
		}
		fmt.Fprintf(&csv, "Nowhere %d,2001,3\n", k)
	}
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		m := withModTMDBPaced(e, 0)
		m.fake.SetLatency(100 * time.Millisecond)
		e.files(map[string][]byte{"ratings.csv": []byte(csv.String())})
		i := importCmd(guildA, "42", "ratings.csv", csv.Len())
		b.StartTimer()
		r, err := e.cmds["import"].Run(context.Background(), i)
		if err != nil {
			b.Fatal(err)
		}
		got := lookedUp.FindStringSubmatch(embed(r).Description)
		if got == nil {
			b.Fatal(embed(r).Description)
		}
		var found, asked float64
		fmt.Sscan(got[1], &found)
		fmt.Sscan(got[2], &asked)
		b.ReportMetric(found, "found")
		b.ReportMetric(asked, "looked-up")
	}
}

// BenchmarkWatchlistImport1000 confirms an import that puts
// maxWatchlistAdds films on a watchlist (a write each), on bbolt.
//
//	go test -run '^$' -bench WatchlistImport1000 -benchtime 3x ./commands
func BenchmarkWatchlistImport1000(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Date,Name,Year,Letterboxd URI\n")
	var films []storage.Film
	for k := range maxWatchlistAdds {
		films = append(films, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 2000})
		fmt.Fprintf(&csv, "2024-01-01,Film %d,2000,\n", k)
	}
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		if _, err := e.db.AddFilms(context.Background(), 111, films); err != nil {
			b.Fatal(err)
		}
		e.files(map[string][]byte{"watchlist.csv": []byte(csv.String())})
		r, err := e.cmds["import"].Run(context.Background(), importCmd(guildA, "42", "watchlist.csv", csv.Len()))
		if err != nil {
			b.Fatal(err)
		}
		ok := buttons(r)[fmt.Sprintf("Add %s films to your watchlist", english().Int(maxWatchlistAdds))]
		b.StartTimer()
		c, err := e.set.importButton(context.Background(), clickAs(guildA, "42", ok))
		if err != nil || !strings.Contains(c.Data.Content, fmt.Sprintf("%s films added", english().Int(maxWatchlistAdds))) {
			b.Fatal(err, c)
		}
	}
}

// At most maxWatchlistAdds films go on a watchlist per import; the
// preview says how many were left off.
func TestWatchlistImportCapped(t *testing.T) {
	e := newEnv(t)
	var csv strings.Builder
	csv.WriteString("Date,Name,Year,Letterboxd URI\n")
	var films []storage.Film
	for k := range maxWatchlistAdds + 3 {
		films = append(films, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 2000})
		fmt.Fprintf(&csv, "2024-01-01,Film %d,2000,\n", k)
	}
	if _, err := e.db.AddFilms(context.Background(), 111, films); err != nil {
		t.Fatal(err)
	}
	e.files(map[string][]byte{"watchlist.csv": []byte(csv.String())})
	r := e.run(importCmd(guildA, "42", "watchlist.csv", csv.Len()))
	if d := embed(r).Description; !strings.Contains(d, "Watchlist: 1,003 films, 1,000 to add, 0 already on yours, 0 rated (so left off), 0 not in this server's catalog. 3 more are left off: at most 1,000 are added at once; import the file again for them.") {
		t.Errorf("preview: %q", d)
	}
	if buttons(r)["Add 1,000 films to your watchlist"] == "" {
		t.Errorf("buttons: %v", buttons(r))
	}
}

// A film the member rates between the preview and the confirmation stays
// off their watchlist (the store refuses it), and the import goes on.
func TestWatchlistImportRatedMeanwhile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Film A", Year: 2000})
	e.db.CreateFilm(ctx, 111, storage.Film{Title: "Film B", Year: 2000})
	list := "Date,Name,Year,Letterboxd URI\n2024-01-01,Film A,2000,\n2024-01-02,Film B,2000,\n"
	e.files(map[string][]byte{"watchlist.csv": []byte(list)})
	r := e.run(importCmd(guildA, "42", "watchlist.csv", len(list)))
	if _, err := e.db.Rate(ctx, 111, a.ID, 42, 7); err != nil {
		t.Fatal(err)
	}
	c, err := e.check(e.set.importButton, clickAs(guildA, "42", buttons(r)["Add 2 films to your watchlist"]))
	if err != nil || !strings.HasSuffix(c.Data.Content, "1 film added to your watchlist: see `/watchlist`.") {
		t.Fatalf("confirm: %v %+v", err, c)
	}
	if on, _ := e.db.OnWatchlist(ctx, 111, 42, a.ID); on {
		t.Error("a rated film went on the watchlist")
	}
}
