package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
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

func TestSeed(t *testing.T) {
	db := open(t, Options{})
	films, err := db.Films(BuiltIn)
	if err != nil || len(films) != 1 {
		t.Fatalf("Films = %v, %v; want Anora alone", films, err)
	}
	f := films[0]
	if f.Title != "Anora" || f.Year != 2024 || f.Runtime != 139 || len(f.Cast) != 9 || f.Directors[0] != "Sean Baker" {
		t.Errorf("seed film = %+v", f)
	}
	revs, err := db.Reviews(BuiltIn, f.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("Reviews = %v, %v", revs, err)
	}
	r := revs[0]
	if len(r.Excerpts) != 12 || r.Reviewer != "" {
		t.Fatalf("seed review has %d excerpts, reviewer %q", len(r.Excerpts), r.Reviewer)
	}
	for i, e := range r.Excerpts {
		if e.Spoiler != (i == 10) {
			t.Errorf("excerpt %d spoiler = %v", i+1, e.Spoiler)
		}
	}
	if !strings.HasPrefix(r.Excerpts[10].Text, "The film’s climax") {
		t.Errorf("paragraph 11 = %.30q", r.Excerpts[10].Text)
	}
}

// The project's copy of the seed must match the commissioned one where
// that is present (../../shared/seed beside the checkout).
func TestSeedMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("../../shared/seed/000_3f0e43dad3858873.txt")
	if err != nil {
		t.Skip("no ../shared/seed here")
	}
	ours, _ := seedFS.ReadFile("seed/anora-review.txt")
	if string(ours) != string(shared) {
		t.Error("storage/seed/anora-review.txt differs from ../shared/seed")
	}
}

func TestSeedIsIdempotentAndKeepsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	films, _ := db.Films(BuiltIn)
	// A later change: a second review of the built-in film.
	if _, err := db.AddReview(BuiltIn, Review{FilmID: films[0].ID, Reviewer: "Later", Excerpts: []Excerpt{{Text: "x"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i := 0; i < 2; i++ {
		db, err = Open(path, Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		films, _ := db.Films(BuiltIn)
		revs, _ := db.Reviews(BuiltIn, films[0].ID)
		if len(films) != 1 || len(revs) != 2 {
			t.Fatalf("reopen %d: %d films, %d reviews; want 1 and 2", i, len(films), len(revs))
		}
		if err := db.Check(); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestScopes(t *testing.T) {
	db := open(t, Options{})
	a, b := Scope(111), Scope(222)
	fa, err := db.AddFilm(a, Film{Title: "Poltergeist", Year: 1982})
	if err != nil {
		t.Fatal(err)
	}
	anora, _ := db.Films(BuiltIn)
	ra, err := db.AddReview(a, Review{FilmID: anora[0].ID, Reviewer: "A's mod", Excerpts: []Excerpt{{Text: "Guild A thinks"}}})
	if err != nil {
		t.Fatal(err)
	}
	if fs, _ := db.Films(a); len(fs) != 2 {
		t.Errorf("guild A sees %d films, want 2", len(fs))
	}
	if fs, _ := db.Films(b); len(fs) != 1 {
		t.Errorf("guild B sees %d films, want the built-in one", len(fs))
	}
	if _, err := db.Film(b, fa.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("guild B reads guild A's film: %v", err)
	}
	if _, err := db.Review(b, ra.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("guild B reads guild A's review: %v", err)
	}
	if _, err := db.Review(a, ra.ID); err != nil {
		t.Errorf("guild A cannot read its review: %v", err)
	}
	if rs, _ := db.Reviews(b, anora[0].ID); len(rs) != 1 {
		t.Errorf("guild B sees %d reviews of Anora, want 1", len(rs))
	}
	rs, _ := db.Reviews(a, anora[0].ID)
	if len(rs) != 2 || rs[0].ID != ra.ID {
		t.Errorf("guild A's reviews of Anora, newest first: %+v", rs)
	}
	if _, err := db.AddReview(b, Review{FilmID: fa.ID, Excerpts: []Excerpt{{Text: "x"}}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("guild B reviewed guild A's film: %v", err)
	}
	if _, err := db.Film(a, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown film: %v", err)
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

func TestParseScope(t *testing.T) {
	if s, err := ParseScope(""); err != nil || s != BuiltIn {
		t.Error(s, err)
	}
	if s, err := ParseScope("123"); err != nil || s != 123 {
		t.Error(s, err)
	}
	for _, bad := range []string{"x", "0", "-1"} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("ParseScope(%q) accepted", bad)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion+1)) })
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
		if _, _, err := db.Rate(Scope(7), 1, u, int(u%10)+1); err != nil {
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
	if _, _, err := db.Rate(Scope(7), 1, 99, 3); err != nil { // the original stays writable
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
	a, err := cp.Aggregate(Scope(7), 1)
	if err != nil || a.Count != 50 {
		t.Errorf("backup aggregate = %+v, %v; want the 50 ratings made before it", a, err)
	}
	if err := db.Backup(filepath.Join(dir, "missing", "x.db")); err == nil {
		t.Error("a backup into a missing directory succeeded")
	}
}
