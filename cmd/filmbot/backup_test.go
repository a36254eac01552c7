package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// aggregateIn opens a database file and returns server 111's Anora count.
func aggregateIn(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, bolt.Options{NoSeed: true, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	films, err := db.Films(context.Background(), storage.BuiltIn)
	if err != nil || len(films) == 0 {
		t.Fatalf("no films in %s: %v", path, err)
	}
	a, err := db.Aggregate(context.Background(), 111, films[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return a.Count
}

func TestBackupCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if code, out, errs := runMain(t, env(db), "try", "--guild", "111", "/rate film:anora score:7"); code != 0 {
		t.Fatalf("rate: exit %d %s%s", code, out, errs)
	}
	out := filepath.Join(dir, "copy.db")
	code, stdout, errs := runMain(t, env(db), "backup", out)
	if code != 0 || !strings.Contains(stdout, "checked") {
		t.Fatalf("backup: exit %d %s%s", code, stdout, errs)
	}
	if n := aggregateIn(t, out); n != 1 {
		t.Errorf("the backup holds %d ratings, want 1", n)
	}
	for _, c := range []struct {
		name string
		db   string
		args []string
		code int
		want string
	}{
		{"exists", db, []string{"backup", out}, 1, "already exists"},
		{"no database", filepath.Join(dir, "none.db"), []string{"backup", filepath.Join(dir, "x.db")}, 1, "no database"},
		{"no path", db, []string{"backup"}, 2, "Usage: filmbot backup PATH"},
	} {
		code, stdout, errs := runMain(t, env(c.db), c.args...)
		if code != c.code || !strings.Contains(stdout+errs, c.want) {
			t.Errorf("%s: exit %d, want %d and %q: %s%s", c.name, code, c.code, c.want, stdout, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("backing up a missing database created one")
	}
	held, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if code, _, errs := runMain(t, env(db), "backup", filepath.Join(dir, "y.db")); code != 1 || !strings.Contains(errs, "FILMBOT_BACKUP_DIR") {
		t.Errorf("while a bot holds the database: exit %d %s", code, errs)
	}
}

// The running bot's backups: one at start, then one per interval, the
// newest few kept, other files left alone.
func TestScheduledBackups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := ratedBolt(t, filepath.Join(dir, "f.db"))
	bdir := filepath.Join(dir, "backups")
	os.MkdirAll(bdir, 0o700)
	os.WriteFile(filepath.Join(bdir, "notes.txt"), []byte("mine"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	wait := startBackups(ctx, db, backups{dir: bdir, every: 20 * time.Millisecond, keep: 3}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// More backups made than are kept (seen by their names, which carry
	// the time they were made): then exactly three remain.
	seen := map[string]bool{}
	if !eventually(10*time.Second, func() bool {
		entries, _ := os.ReadDir(bdir)
		for _, e := range entries {
			if isBackupName(e.Name()) {
				seen[e.Name()] = true
			}
		}
		return len(seen) > 4
	}) {
		t.Fatalf("backups seen: %v", seen)
	}
	cancel()
	wait()
	entries, _ := os.ReadDir(bdir)
	var kept []string
	for _, e := range entries {
		if e.Name() != "notes.txt" {
			kept = append(kept, e.Name())
		}
	}
	if len(entries) != 4 || len(kept) != 3 {
		t.Fatalf("backup dir holds %v, want notes.txt and 3 backups", entries)
	}
	for _, n := range kept {
		if !strings.HasPrefix(n, "filmbot-") || aggregateIn(t, filepath.Join(bdir, n)) != 1 {
			t.Errorf("backup %s", n)
		}
	}
}

func TestBadBackupSettings(t *testing.T) {
	t.Parallel()
	for _, kv := range [][2]string{{"FILMBOT_BACKUP_EVERY", "10s"}, {"FILMBOT_BACKUP_EVERY", "daily"}, {"FILMBOT_BACKUP_KEEP", "0"}, {"FILMBOT_BACKUP_KEEP", "x"}} {
		code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "t", kv[0], kv[1]), "run")
		if code != 2 || !strings.Contains(errs, kv[0]) {
			t.Errorf("%s=%s: exit %d %s", kv[0], kv[1], code, errs)
		}
	}
}

// ratedBolt opens a bbolt database at path, closed when the test ends,
// holding one rating of Anora in server 111.
func ratedBolt(t *testing.T, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	films, _ := db.Films(context.Background(), storage.BuiltIn)
	if _, err := db.Rate(context.Background(), 111, films[0].ID, 1, 9); err != nil {
		t.Fatal(err)
	}
	return db
}
