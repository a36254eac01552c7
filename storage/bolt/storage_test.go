package bolt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
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
		if _, _, err := db.Rate(ctx, Scope(7), 1, u, int(u%10)+1); err != nil {
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
	if _, _, err := db.Rate(ctx, Scope(7), 1, 99, 3); err != nil { // the original stays writable
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
