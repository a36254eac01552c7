package storage_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	_ "github.com/filmbot/filmbot/storage/bolt"
	_ "github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// Each backend registers itself; FILMBOT_DB's form chooses it.
func TestBackendFor(t *testing.T) {
	for url, want := range map[string]string{
		"filmbot.db":                      "bbolt",
		"/var/lib/filmbot/f.db":           "bbolt",
		"postgres://u@h/db":               "postgres",
		"postgresql://u@h/db?sslmode=off": "postgres",
	} {
		b, ok := storage.BackendFor(url)
		if !ok || b.Name != want {
			t.Errorf("%s: backend %q, want %q", url, b.Name, want)
		}
		if b.Files != (want == "bbolt") {
			t.Errorf("%s: Files %v", url, b.Files)
		}
	}
}

// Open opens with the backend of the URL, with the generic options; the
// capabilities only some stores have are found by interface.
func TestOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := storage.Open(context.Background(), path, storage.Options{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if films, err := db.Films(context.Background(), storage.BuiltIn); err != nil || len(films) != 0 {
		t.Errorf("NoSeed: %d films, %v", len(films), err)
	}
	fb, ok := db.(storage.FileBackups)
	if !ok || fb.Path() != path {
		t.Errorf("a bbolt store backs up its file: %T", db)
	}
	if _, ok := db.(storage.CopyMarks); !ok {
		t.Error("a bbolt store carries copy marks")
	}
	if _, ok := db.(storage.ShardCoordination); ok {
		t.Error("a bbolt file coordinates no shards")
	}
}

func TestOpenPostgres(t *testing.T) {
	db, err := storage.Open(context.Background(), pgtest.URL(t), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, ok := db.(storage.FileBackups); ok {
		t.Error("a PostgreSQL store has no file to back up")
	}
	if _, ok := db.(storage.CopyMarks); !ok {
		t.Error("a PostgreSQL store carries copy marks")
	}
	sc, ok := db.(storage.ShardCoordination)
	if !ok {
		t.Fatal("a PostgreSQL store coordinates shards")
	}
	if err := sc.Shards().ClaimShards(context.Background(), "a/1", []int{0}, 2, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := sc.Shards().ClaimShards(context.Background(), "b/2", []int{0, 1}, 2, time.Minute); err == nil {
		t.Error("a shard claimed twice")
	}
}

func TestRegisterTwice(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a second backend of one name was taken")
		}
	}()
	storage.Register(storage.Backend{Name: "bbolt", Match: func(string) bool { return false }})
}
