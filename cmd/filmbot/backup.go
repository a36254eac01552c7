package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// backups is when and where the running bot copies its database.
type backups struct {
	dir   string        // FILMBOT_BACKUP_DIR; empty: no backups
	every time.Duration // FILMBOT_BACKUP_EVERY
	keep  int           // FILMBOT_BACKUP_KEEP
}

// backupSettings reads the FILMBOT_BACKUP_* settings.
func (c Config) backupSettings() (backups, error) {
	b := backups{dir: c.BackupDir, every: 24 * time.Hour, keep: 7}
	if c.BackupEvery != "" {
		d, err := time.ParseDuration(c.BackupEvery)
		if err != nil || d < time.Minute {
			return b, fmt.Errorf("FILMBOT_BACKUP_EVERY %q: want a duration of at least 1m, like 6h or 24h", c.BackupEvery)
		}
		b.every = d
	}
	if c.BackupKeep != "" {
		n, err := strconv.Atoi(c.BackupKeep)
		if err != nil || n < 1 || n > 1000 {
			return b, fmt.Errorf("FILMBOT_BACKUP_KEEP %q: want how many backups to keep, 1 to 1000", c.BackupKeep)
		}
		b.keep = n
	}
	return b, nil
}

const backupPrefix, backupSuffix = "filmbot-", ".db"

// backupName sorts by time: filmbot-20261125T021600.000Z.db.
func backupName(t time.Time) string {
	return backupPrefix + t.UTC().Format("20060102T150405.000Z") + backupSuffix
}

// startBackups copies db into b.dir now and every b.every until ctx ends,
// keeping the newest b.keep copies. The returned wait blocks until a copy
// under way is finished, so the database can close after it.
func startBackups(ctx context.Context, db *storage.DB, b backups, log *slog.Logger) (wait func()) {
	if b.dir == "" {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(b.every)
		defer t.Stop()
		for {
			if err := backupOnce(db, b, time.Now()); err != nil {
				log.Error("backup failed", "dir", b.dir, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return wg.Wait
}

// backupOnce writes one backup named for now and removes the oldest
// beyond b.keep. Files not named like backups are never touched.
func backupOnce(db *storage.DB, b backups, now time.Time) error {
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(b.dir, backupName(now))
	if err := db.Backup(path); err != nil {
		return err
	}
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names[:max(len(names)-b.keep, 0)] {
		if err := os.Remove(filepath.Join(b.dir, n)); err != nil {
			return err
		}
	}
	return nil
}

// runBackup is `filmbot backup PATH`: a checked copy of FILMBOT_DB while
// no bot holds it.
func runBackup(cfg Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: filmbot backup PATH   (copies FILMBOT_DB to PATH, which must not exist)")
		return 2
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		fmt.Fprintf(stderr, "filmbot backup: no database at %s (FILMBOT_DB)\n", cfg.DB)
		return 1
	}
	db, err := storage.Open(cfg.DB, storage.Options{NoSeed: true})
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintf(stderr, "filmbot backup: %s is in use by a running filmbot; set FILMBOT_BACKUP_DIR and it makes its own backups\n", cfg.DB)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "filmbot backup:", err)
		return 1
	}
	defer db.Close()
	if err := db.Backup(args[0]); err != nil {
		fmt.Fprintln(stderr, "filmbot backup:", err)
		return 1
	}
	cp, err := storage.Open(args[0], storage.Options{NoSeed: true})
	if err == nil {
		err = cp.Check()
		cp.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, "filmbot backup: the copy does not check out:", err)
		return 1
	}
	st, _ := os.Stat(args[0])
	fmt.Fprintf(stdout, "backed up %s to %s (%d KiB), checked\n", cfg.DB, args[0], st.Size()/1024)
	return 0
}
