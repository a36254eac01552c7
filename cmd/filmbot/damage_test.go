package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// Backups prune only files the bot wrote as backups: never the live
// database, whatever it is called, and a look-alike name takes no slot.
func TestBackupsNeverDeleteTheLiveDatabase(t *testing.T) {
	t.Parallel()
	for _, live := range []string{"filmbot-1.db", backupName(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))} {
		t.Run(live, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, live)
			db := ratedBolt(t, path)
			lookalike := filepath.Join(dir, "filmbot-old.db")
			os.WriteFile(lookalike, []byte("not mine"), 0o600)
			b := backups{dir: dir, every: time.Hour, keep: 1}
			start := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
			for k := range 3 {
				if err := backupOnce(db, b, start.Add(time.Duration(k)*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the live database was deleted: %v", err)
			}
			if _, err := os.Stat(lookalike); err != nil {
				t.Errorf("a file the bot did not write was deleted: %v", err)
			}
			entries, _ := os.ReadDir(dir)
			var own []string
			for _, e := range entries {
				if isBackupName(e.Name()) && e.Name() != live {
					own = append(own, e.Name())
				}
			}
			if len(own) != 1 || own[0] != backupName(start.Add(2*time.Minute)) {
				t.Errorf("backups kept: %v, want only the newest", own)
			}
		})
	}
}

func TestIsBackupName(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for name, want := range map[string]bool{
		backupName(now):                       true,
		"filmbot-1.db":                        false,
		"filmbot-20261125T021600.000Z.db":     true,
		"filmbot-20261125T021600.000Z.db.tmp": false,
		"filmbot-2026-11-25.db":               false,
		"filmbot.db":                          false,
	} {
		if got := isBackupName(name); got != want {
			t.Errorf("isBackupName(%q) = %v", name, got)
		}
	}
}

// filmbot backup reads its source without changing a byte of it.
func TestBackupLeavesTheSourceUntouched(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if code, out, errs := runMain(t, env(db), "try", "--guild", "111", "/rate film:anora score:7"); code != 0 {
		t.Fatalf("rate: exit %d %s%s", code, out, errs)
	}
	before := fileSum(t, db)
	if code, out, errs := runMain(t, env(db), "backup", filepath.Join(dir, "copy.db")); code != 0 {
		t.Fatalf("backup: exit %d %s%s", code, out, errs)
	}
	if fileSum(t, db) != before {
		t.Error("the source database changed during a backup")
	}
}

func usedBytes(t *testing.T, path string) int {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int64
	b.View(func(tx *bbolt.Tx) error { n = tx.Size(); return nil })
	return int(n)
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// A truncated database is reported in one line with exit 1 by run, try
// and backup, never a crash with a stack trace. Each runs in a child
// process, since the failure being tested is the process dying.
func TestDamagedDatabaseIsReported(t *testing.T) {
	if args := os.Getenv("FILMBOT_MAIN_CHILD"); args != "" {
		os.Exit(Main(context.Background(), strings.Split(args, "\x1f"), os.Getenv, os.Stdout, os.Stderr))
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	db, err := bolt.Open(good, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	films, _ := db.Films(context.Background(), storage.BuiltIn)
	for u := range uint64(3000) { // enough ratings for many pages
		if _, err := db.Rate(context.Background(), storage.Scope(100+u%7), films[0].ID, u+1, int(u%10)+1); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	data, _ := os.ReadFile(good)
	used := usedBytes(t, good) // bbolt grows files ahead of use: cut within what is used
	sizes := []int{100, 4096, 8192 + 17, used / 3, used / 2, used - 1}
	for _, size := range sizes {
		bad := filepath.Join(dir, "bad.db")
		os.WriteFile(bad, data[:size], 0o600)
		for _, args := range [][]string{
			{"try", "/review film:anora"},
			{"backup", filepath.Join(dir, "never.db")},
			{"run"},
		} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDamagedDatabaseIsReported$")
			cmd.Env = append(os.Environ(), "FILMBOT_MAIN_CHILD="+strings.Join(args, "\x1f"), "FILMBOT_DB="+bad,
				"DISCORD_TOKEN=x", "DISCORD_API_URL=http://127.0.0.1:1", "FILMBOT_BACKUP_DIR="+filepath.Join(dir, "backups"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			msg := stderr.String()
			if code != 1 || !strings.Contains(msg, "is damaged") || !strings.Contains(msg, "backups") ||
				strings.Contains(msg, "goroutine ") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
				t.Errorf("%d of %d bytes, %s: exit %d (%v), want 1 and one line:\n%s", size, len(data), args[0], code, err, msg)
			}
		}
		if after, _ := os.ReadFile(bad); !bytes.Equal(after, data[:size]) {
			t.Errorf("%d bytes: the damaged file was changed", size)
		}
		if _, err := os.Stat(filepath.Join(dir, "never.db")); err == nil {
			t.Fatalf("%d bytes: a backup of a damaged file was written", size)
		}
	}
}

// Credentials in DISCORD_API_URL never reach the log, and a connection
// error names the host actually used, not discord.com.
func TestAPIURLCredentialsNeverLogged(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	code, out, errs := runMain(t, env(db, "DISCORD_TOKEN", "tok", "DISCORD_API_URL", "http://admin:hunter2@127.0.0.1:1"), "run")
	if code != 1 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "hunter2") || strings.Contains(out+errs, "admin") {
		t.Errorf("credentials logged:\n%s", errs)
	}
	if !strings.Contains(errs, "http://127.0.0.1:1/api/v9/gateway/bot") || !strings.Contains(errs, "credentials hidden") {
		t.Errorf("the error does not name the host used:\n%s", errs)
	}
	code, _, errs = runMain(t, env(db, "DISCORD_TOKEN", "tok", "DISCORD_API_URL", "ftp://admin:hunter2@x"), "run")
	if code != 2 || strings.Contains(errs, "hunter2") {
		t.Errorf("bad URL: exit %d\n%s", code, errs)
	}
}

// Damaged pages anywhere in the file, not only a short file, are
// reported in one line with exit 1 by try, backup, run and copy: 4 KiB
// of zeros or of noise over a meta page, the root of all buckets, the
// root of a bucket, a deeper branch page, a leaf and the last page in
// use. bbolt rebuilds its free list on open (NoFreelistSync) in a
// goroutine of its own that panics on such pages; this is the
// child-process test of that. Damage to a page nothing uses (a free
// page), or to the body of one meta page (a torn write, what the other
// meta page is for), loses nothing: the database opens and answers.
func TestDamagedPagesAreReported(t *testing.T) {
	if args := os.Getenv("FILMBOT_MAIN_CHILD"); args != "" {
		os.Exit(Main(context.Background(), strings.Split(args, "\x1f"), os.Getenv, os.Stdout, os.Stderr))
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	fillBolt(t, good, 30000) // three levels of branch and leaf pages in the ratings buckets
	db, err := bolt.Open(good, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	films, _ := db.Films(context.Background(), storage.BuiltIn)
	for u := range uint64(2000) { // single writes leave free pages behind
		if _, err := db.Rate(context.Background(), 333, films[0].ID, u+1, int(u%10)+1); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// Pick the pages to damage by what bbolt says they are.
	pages := map[string]int{"meta page 0": 0, "meta page 1": 1}
	b, err := bbolt.Open(good, 0o600, &bbolt.Options{NoFreelistSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int
	b.View(func(tx *bbolt.Tx) error {
		pageSize = tx.DB().Info().PageSize
		pages["the ratings bucket's root"] = int(tx.Bucket([]byte("ratings")).Root())
		pages["the root of all buckets"] = -1
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				break
			}
			switch kind := p.Type; {
			case kind == "free" && pages["a free page"] == 0:
				pages["a free page"] = id
			case kind == "leaf" && pages["a leaf"] == 0:
				pages["a leaf"] = id
			case kind == "branch" && id != pages["the ratings bucket's root"] && pages["a deeper branch page"] == 0:
				pages["a deeper branch page"] = id
			case kind == "leaf" || kind == "branch":
				pages["the last page in use"] = id
			}
			id += p.OverflowCount
		}
		return nil
	})
	b.Close()
	data, _ := os.ReadFile(good)
	// The root of all buckets: what meta page 0 names (byte 16+16 on).
	root := int(data[32]) | int(data[33])<<8 | int(data[34])<<16
	pages["the root of all buckets"] = root
	if pages["a free page"] == 0 || pages["a deeper branch page"] == 0 {
		t.Fatalf("the fixture has no free or no deeper branch page: %v", pages)
	}
	harmless := map[string]bool{"a free page": true, "the body of meta page 0": true}
	pages["the body of meta page 0"] = 0
	noise := make([]byte, pageSize)
	for i := range noise {
		noise[i] = byte(i*7919 + i>>8*31 + 13)
	}
	for what, id := range pages {
		for _, fill := range []struct {
			name  string
			bytes []byte
		}{{"zeros", make([]byte, pageSize)}, {"noise", noise}} {
			bad := filepath.Join(dir, "bad.db")
			damaged := bytes.Clone(data)
			if what == "the body of meta page 0" { // a torn write: the other meta page is for that
				copy(damaged[16:], fill.bytes[:pageSize-16])
			} else {
				copy(damaged[id*pageSize:], fill.bytes)
			}
			os.WriteFile(bad, damaged, 0o600)
			cmds := [][]string{{"try", "/review film:anora"}}
			if !harmless[what] {
				cmds = append(cmds, []string{"backup", filepath.Join(dir, "never.db")}, []string{"run"}, []string{"copy", bad, filepath.Join(dir, "copy.db")})
			}
			for _, args := range cmds {
				cmd := exec.Command(os.Args[0], "-test.run=^TestDamagedPagesAreReported$")
				cmd.Env = append(os.Environ(), "FILMBOT_MAIN_CHILD="+strings.Join(args, "\x1f"), "FILMBOT_DB="+bad,
					"DISCORD_TOKEN=x", "DISCORD_API_URL=http://127.0.0.1:1", "FILMBOT_BACKUP_DIR="+filepath.Join(dir, "backups"))
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				code := cmd.ProcessState.ExitCode()
				msg := stderr.String()
				if harmless[what] {
					if code != 0 || !strings.Contains(stdout.String(), "Anora") {
						t.Errorf("%s of %s (page %d), %s: exit %d (%v), want the answer as before:\n%s%s", fill.name, what, id, args[0], code, err, stdout.String(), msg)
					}
					continue
				}
				if code != 1 || !strings.Contains(msg, "is damaged") || !strings.Contains(msg, "backups") ||
					strings.Contains(msg, "goroutine ") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
					t.Errorf("%s over %s (page %d), %s: exit %d (%v), want 1 and one line:\n%.600s", fill.name, what, id, args[0], code, err, msg)
				}
			}
			if after, _ := os.ReadFile(bad); !harmless[what] && !bytes.Equal(after, damaged) {
				t.Errorf("%s over %s: the damaged file was changed", fill.name, what)
			}
			for _, never := range []string{"never.db", "copy.db"} {
				if _, err := os.Stat(filepath.Join(dir, never)); err == nil {
					t.Fatalf("%s over %s: %s was written from a damaged file", fill.name, what, never)
				}
			}
		}
	}
}
