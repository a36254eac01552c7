package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

var clock = func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }

func open(t *testing.T, opts Options) *DB {
	t.Helper()
	if opts.Now == nil {
		opts.Now = clock
	}
	db, err := Open(filepath.Join(t.TempDir(), "test.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("bbolt check: %v", err)
		}
		db.Close()
	})
	return db
}

func TestSeedIsIdempotentAndKeepsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	films, _ := db.Films(ctx, BuiltIn)
	// A later change: a second review of the built-in film.
	if _, err := db.AddReview(ctx, BuiltIn, Review{FilmID: films[0].ID, Reviewer: "Later", Excerpts: []Excerpt{{Text: "x"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i := 0; i < 2; i++ {
		db, err = Open(path, Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		films, _ := db.Films(ctx, BuiltIn)
		revs, _ := db.Reviews(ctx, BuiltIn, films[0].ID)
		if len(films) != 1 || len(revs) != 2 {
			t.Fatalf("reopen %d: %d films, %d reviews; want 1 and 2", i, len(films), len(revs))
		}
		if err := db.Check(); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestLockedFileFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(path, Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another") {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion+1)) })
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("opened a newer schema: %v", err)
	}
}

// A backup taken while the database is in use holds everything committed,
// opens as a database of its own, and never replaces a file.
func TestBackup(t *testing.T) {
	db := open(t, Options{})
	for u := uint64(1); u <= 50; u++ {
		if _, err := db.Rate(ctx, Scope(7), 1, u, int(u%10)+1); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := db.Backup(path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(path); err == nil {
		t.Error("a second backup replaced the first")
	}
	if _, err := db.Rate(ctx, Scope(7), 1, 99, 3); err != nil { // the original stays writable
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Errorf("left beside the backup: %v", files)
	}
	cp, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.Check(); err != nil {
		t.Error(err)
	}
	a, err := cp.Aggregate(ctx, Scope(7), 1)
	if err != nil || a.Count != 50 {
		t.Errorf("backup aggregate = %+v, %v; want the 50 ratings made before it", a, err)
	}
	if err := db.Backup(filepath.Join(dir, "missing", "x.db")); err == nil {
		t.Error("a backup into a missing directory succeeded")
	}
}

var ctx = context.Background()

// A database written by schema 1 (each review one record with its whole
// text) is upgraded in place on open: the same reviews, now headers and
// paragraphs, read whole or one paragraph at a time.
func TestUpgradeFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := db.Review(ctx, BuiltIn, 1)
	own, _ := db.AddReview(ctx, 111, Review{FilmID: 1, Reviewer: "Old", Excerpts: []Excerpt{{Text: "one"}, {Text: "two", Spoiler: true}}})
	// Write them back as schema 1 did: one JSON record, no paragraphs.
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, r := range []Review{seed, own} {
			k, _ := reviewKey(tx, r.Scope, r.ID)
			deleteParagraphs(tx, r.ID)
			r.Paragraphs = 0
			raw, _ := json.Marshal(struct {
				ID       uint64    `json:"id"`
				FilmID   uint64    `json:"film_id"`
				Scope    Scope     `json:"scope"`
				Reviewer string    `json:"reviewer,omitempty"`
				Excerpts []Excerpt `json:"excerpts"`
				PostedAt time.Time `json:"posted_at"`
			}{r.ID, r.FilmID, r.Scope, r.Reviewer, r.Excerpts, r.PostedAt})
			if err := tx.Bucket(bucketReviews).Put(k, raw); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{Now: clock})
	if err != nil {
		t.Fatalf("open schema 1: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Review(ctx, BuiltIn, 1)
	if err != nil || len(got.Excerpts) != 12 || got.Paragraphs != 12 || got.Excerpts[10].Text != seed.Excerpts[10].Text || !got.Excerpts[10].Spoiler {
		t.Errorf("the seed review after the upgrade: %d excerpts, %v", len(got.Excerpts), err)
	}
	hdr, e, err := db.Excerpt(ctx, 111, own.ID, 2)
	if err != nil || e.Text != "two" || !e.Spoiler || hdr.Reviewer != "Old" || hdr.Paragraphs != 2 || hdr.Excerpts != nil {
		t.Errorf("one paragraph after the upgrade: %+v %+v %v", hdr, e, err)
	}
	if _, _, err := db.Excerpt(ctx, 111, own.ID, 3); !errors.Is(err, storage.ErrNoExcerpt) {
		t.Errorf("an excerpt out of range: %v", err)
	}
	var v uint64
	db.bolt.View(func(tx *bbolt.Tx) error {
		v = binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	if v != SchemaVersion {
		t.Errorf("schema %d after the upgrade", v)
	}
}

// A schema-2 database (films without headers) gets a header for every
// film when opened.
func TestUpgradeFromSchema2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	own, err := db.CreateFilm(ctx, 111, Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}, Cast: []storage.Role{{Actor: "Mya Taylor"}}})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket(bucketHeaders); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{Now: clock})
	if err != nil {
		t.Fatalf("open schema 2: %v", err)
	}
	defer db.Close()
	for _, f := range []Film{own, {ID: 1, Scope: BuiltIn}} {
		full, err := db.Film(ctx, 111, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		h, err := db.FilmHeader(ctx, 111, f.ID)
		if err != nil || !reflect.DeepEqual(h, full.Header()) || h.Cast != nil {
			t.Errorf("film %d's header after the upgrade: %+v %v", f.ID, h, err)
		}
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// A schema-3 database (headers and paragraphs in JSON) is rewritten in the
// binary layout when opened, and reads the same before and after.
func TestUpgradeFromSchema3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	own, err := db.CreateFilm(ctx, 111, Film{Title: "Tangerine", Year: 2015, Aliases: []string{"Tangerine (film)"}, Directors: []string{"Sean Baker"},
		Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez", Role: "Sin-Dee", Note: "debut"}}, Awards: []string{"x"}, Premiere: "Sundance"})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := db.AddReview(ctx, 111, Review{FilmID: own.ID, Reviewer: "Old", PullQuote: "q", Excerpts: []Excerpt{{Text: "one"}, {Text: "two ||", Spoiler: true}}})
	if err != nil {
		t.Fatal(err)
	}
	type read struct {
		films   []Film
		film    Film
		header  Film
		reviews []Review
		whole   Review
		excerpt Excerpt
	}
	readAll := func() read {
		var r read
		var err error
		if r.films, err = db.Films(ctx, 111); err != nil {
			t.Fatal(err)
		}
		if r.film, err = db.Film(ctx, 111, own.ID); err != nil {
			t.Fatal(err)
		}
		if r.header, err = db.FilmHeader(ctx, 111, own.ID); err != nil {
			t.Fatal(err)
		}
		if r.reviews, err = db.ReviewHeaders(ctx, 111, own.ID); err != nil {
			t.Fatal(err)
		}
		if r.whole, err = db.Review(ctx, 111, rev.ID); err != nil {
			t.Fatal(err)
		}
		if _, r.excerpt, err = db.Excerpt(ctx, 111, rev.ID, 2); err != nil {
			t.Fatal(err)
		}
		return r
	}
	before := readAll()
	// Write the three kinds of record back as schema 3 did: JSON.
	jsonCount := func() (n int) {
		db.bolt.View(func(tx *bbolt.Tx) error {
			for _, b := range [][]byte{bucketFilms, bucketHeaders, bucketReviews, bucketParagraphs} {
				for _, v := range withPrefix(tx.Bucket(b), nil) {
					if v[0] == '{' {
						n++
					}
				}
			}
			return nil
		})
		return n
	}
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketFilms, bucketHeaders, bucketReviews, bucketParagraphs} {
			type kv struct{ k, v []byte }
			var out []kv
			for k, v := range withPrefix(tx.Bucket(b), nil) {
				var rec any
				var err error
				switch string(b) {
				case string(bucketFilms), string(bucketHeaders):
					rec, err = decodeRecord[Film](b, k, v)
				case string(bucketReviews):
					rec, err = decodeRecord[Review](b, k, v)
				default:
					rec, err = decodeRecord[Excerpt](b, k, v)
				}
				if err != nil {
					return err
				}
				raw, _ := json.Marshal(rec)
				out = append(out, kv{bytes.Clone(k), raw})
			}
			for _, o := range out {
				if err := tx.Bucket(b).Put(o.k, o.v); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	n := jsonCount()
	if n < 2+2+1+12+1+2 { // films and headers: the seed and own; reviews; paragraphs
		t.Fatalf("only %d JSON records written back", n)
	}
	if got := readAll(); !reflect.DeepEqual(got, before) {
		t.Errorf("JSON records read differently:\n%+v\nwant\n%+v", got, before)
	}
	db.Close()
	if db, err = Open(path, Options{Now: clock}); err != nil {
		t.Fatalf("open schema 3: %v", err)
	}
	defer db.Close()
	if n := jsonCount(); n != 0 {
		t.Errorf("%d JSON records left after the upgrade", n)
	}
	if got := readAll(); !reflect.DeepEqual(got, before) {
		t.Errorf("after the upgrade:\n%+v\nwant\n%+v", got, before)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// The catalog version is cached in memory, but a film written is seen at
// once by the next read, however many reads race the writes.
func TestCatalogVersionCacheNeverStale(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "v.db"), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
					db.CatalogVersion(ctx, 111)
				}
			}
		}()
	}
	before, _ := db.CatalogVersion(ctx, 111)
	for k := range 200 {
		if _, err := db.AddFilm(ctx, 111, Film{Title: "Film " + strconv.Itoa(k), Year: 2000}); err != nil {
			t.Fatal(err)
		}
		after, err := db.CatalogVersion(ctx, 111)
		if err != nil || after <= before {
			t.Fatalf("after film %d: version %d, was %d (%v)", k, after, before, err)
		}
		before = after
	}
	close(stop)
	readers.Wait()
}
