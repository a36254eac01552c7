package main

import (
	"context"
	"flag"
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
	if c.BackupDir != "" && !fileStore(c.DB) {
		return b, fmt.Errorf("FILMBOT_BACKUP_DIR is for a bbolt file, and FILMBOT_DB is a PostgreSQL database: back it up with pg_dump (or your provider's backups) and unset FILMBOT_BACKUP_DIR")
	}
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

const backupPrefix, backupSuffix, backupStamp = "filmbot-", ".db", "20060102T150405.000Z"

// backupName sorts by time: filmbot-20261125T021600.000Z.db.
func backupName(t time.Time) string {
	return backupPrefix + t.UTC().Format(backupStamp) + backupSuffix
}

// isBackupName tells whether name is exactly one the bot gives its
// backups: a name that merely looks like one (filmbot-1.db) is not.
func isBackupName(name string) bool {
	stamp, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return false
	}
	if stamp, ok = strings.CutSuffix(stamp, backupSuffix); !ok {
		return false
	}
	t, err := time.Parse(backupStamp, stamp)
	return err == nil && backupName(t) == name
}

// startBackups copies db into b.dir now and every b.every until ctx ends,
// keeping the newest b.keep copies. The returned wait blocks until a copy
// under way is finished, so the database can close after it.
func startBackups(ctx context.Context, db storage.FileBackups, b backups, log *slog.Logger) (wait func()) {
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
// beyond b.keep. Only files named exactly as the bot names its backups
// are counted or removed, and never the live database itself, whatever
// its name (compared by file identity, so links and odd paths count).
func backupOnce(db storage.FileBackups, b backups, now time.Time) error {
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(b.dir, backupName(now))
	if err := db.Backup(path); err != nil {
		return err
	}
	live, err := os.Stat(db.Path())
	if err != nil {
		return fmt.Errorf("the live database: %w", err)
	}
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !isBackupName(n) {
			continue
		}
		if st, err := os.Stat(filepath.Join(b.dir, n)); err != nil || os.SameFile(st, live) {
			continue
		}
		names = append(names, n)
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
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	usageFor(fs, "backup PATH", "Copies the bbolt database FILMBOT_DB to PATH, which must not exist, while no bot is running,\n"+
		"and checks the copy. A running bot makes its own backups with FILMBOT_BACKUP_DIR.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if args = fs.Args(); len(args) != 1 {
		fs.Usage()
		return 2
	}
	if !fileStore(cfg.DB) {
		fmt.Fprintln(stderr, "filmbot backup: FILMBOT_DB is a PostgreSQL database: back it up with PostgreSQL's own tools (pg_dump, or your provider's backups); filmbot backup copies bbolt files")
		return 2
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		fmt.Fprintf(stderr, "filmbot backup: no database at %s (FILMBOT_DB)\n", cfg.DB)
		return 1
	}
	if _, err := os.Lstat(args[0]); err == nil {
		fmt.Fprintf(stderr, "filmbot backup: %s already exists; a backup never replaces a file: name a new one\n", args[0])
		return 1
	}
	db, msg := openAnyStore(context.Background(), cfg, storage.Options{ReadOnly: true}, nil, false)
	if db == nil {
		if strings.Contains(msg, "in use by another process") {
			msg = cfg.DB + " is in use by a running filmbot; set FILMBOT_BACKUP_DIR and it makes its own backups"
		}
		fmt.Fprintln(stderr, "filmbot backup:", msg)
		return 1
	}
	defer db.Close()
	fb, ok := db.(storage.FileBackups)
	if !ok {
		fmt.Fprintf(stderr, "filmbot backup: %s (FILMBOT_DB) cannot be backed up by filmbot\n", cfg.DB)
		return 1
	}
	if err := fb.Backup(args[0]); err != nil {
		// The store says "backup: …"; this line already does.
		fmt.Fprintln(stderr, "filmbot backup:", strings.TrimPrefix(err.Error(), "backup: "))
		return 1
	}
	cp, err := storage.Open(context.Background(), args[0], storage.Options{NoSeed: true})
	if err == nil {
		if c, ok := cp.(storage.FileBackups); ok {
			err = c.Check()
		} else {
			err = fmt.Errorf("%s is no database file", args[0])
		}
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
