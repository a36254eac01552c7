package bolt

import (
	"path/filepath"
	"reflect"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// A schema-4 database (films before TMDB: no sourced fields in the
// binary records, the seed without its TMDB id, no tmdb index) still
// reads, and its seed film becomes TMDB's Anora.
func TestUpgradeFromSchema4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	own, err := db.CreateFilm(ctx, 111, Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"},
		Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez", Role: "Sin-Dee", Note: "debut"}}})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := db.FilmByTMDB(ctx, 1064213)
	if err != nil {
		t.Fatal(err)
	}
	// Write the seed back as schema 4 did: no TMDB id (the record then
	// has no sourced part, byte for byte schema 4's layout), no index.
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		old := seed
		old.TMDB, old.IMDb = 0, ""
		if err := putFilm(tx, old); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketTMDB); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(4))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{Now: clock}); err != nil {
		t.Fatalf("open schema 4: %v", err)
	}
	defer db.Close()
	got, err := db.FilmByTMDB(ctx, 1064213)
	if err != nil || got.ID != seed.ID || got.IMDb != "tt28607951" || !reflect.DeepEqual(got, seed) {
		t.Errorf("the seed after the upgrade: %+v, %v; want %+v", got, err, seed)
	}
	if f, err := db.Film(ctx, 111, own.ID); err != nil || !reflect.DeepEqual(f, own) {
		t.Errorf("a schema-4 film reads %+v, %v; want %+v", f, err, own)
	}
	if films, _ := db.Films(ctx, 111); len(films) != 2 {
		t.Errorf("%d films", len(films))
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// A film a moderator typed is written in schema 4's layout, with nothing
// after its credits: an older filmbot reads it.
func TestTypedFilmKeepsSchema4Layout(t *testing.T) {
	f := Film{ID: 3, Scope: 111, Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}}
	w := recWriter{b: []byte{recBinary}} // schema 4's layout, field by field
	w.filmHeader(f)
	for _, l := range [][]string{f.Languages, f.Directors, f.Writers, f.Editors, f.Cinematographers, f.Producers} {
		w.strs(l)
	}
	w.str(f.Premiere)
	w.str(f.Release)
	w.strs(f.Awards)
	w.uint(0) // no cast
	if got := encodeFilm(f); string(got) != string(w.b) {
		t.Errorf("typed film encodes as %x, schema 4 as %x", got, w.b)
	}
	// Sourced, whole and header round-trip.
	s := f
	s.Scope, s.TMDB, s.Overview, s.Titles, s.Overviews = 0, 7, "o", map[string]string{"ru": "т"}, map[string]string{"ru": "о"}
	s.FetchedAt = clock()
	var back Film
	if err := decodeFilm(&back, encodeFilm(s)[1:], true); err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("whole: %+v, %v", back, err)
	}
	var h Film
	if err := decodeFilm(&h, encodeFilmHeader(s)[1:], false); err != nil || !reflect.DeepEqual(h, s.Header()) {
		t.Errorf("header: %+v, %v; want %+v", h, err, s.Header())
	}
}

// Schema 6 puts the first director in the film headers: a header written
// before (schema 5's layout) has it after the upgrade.
func TestUpgradeToDirectorHeaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	own, err := db.CreateFilm(ctx, 111, Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker", "Someone Else"}})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		w := recWriter{b: []byte{recBinary}} // schema 5's header
		w.filmHeader(own)
		w.sourced(own, false)
		if err := tx.Bucket(bucketHeaders).Put(key(111, own.ID), w.b); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(5))
	})
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := db.FilmHeader(ctx, 111, own.ID); h.Director != "" {
		t.Fatalf("the schema-5 header has a director: %+v", h)
	}
	db.Close()
	if db, err = Open(path, Options{Now: clock}); err != nil {
		t.Fatalf("open schema 5: %v", err)
	}
	defer db.Close()
	for _, id := range []uint64{own.ID, 1} { // and the seed film
		h, err := db.FilmHeader(ctx, 111, id)
		f, _ := db.Film(ctx, 111, id)
		if err != nil || h.Director == "" || h.Director != f.Directors[0] || !reflect.DeepEqual(h, f.Header()) {
			t.Errorf("film %d after the upgrade: header %+v (%v), want %+v", id, h, err, f.Header())
		}
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}
