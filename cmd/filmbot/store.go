package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/storage"
)

// openStore opens FILMBOT_DB for a subcommand, with the backend
// registered for it (a bbolt file path, a postgres:// URL). With wait, a
// database server that cannot be reached is retried with backoff until
// ctx ends (a bot started before its database must not crash-loop). On
// failure it returns the one line to show. A database that an
// interrupted `filmbot copy` left half filled is refused, saying so.
func openStore(ctx context.Context, cfg Config, opts storage.Options, log *slog.Logger, wait bool) (storage.Store, string) {
	db, msg := openAnyStore(ctx, cfg, opts, log, wait)
	if db == nil {
		return nil, msg
	}
	m, ok := db.(storage.CopyMarks)
	if !ok {
		return db, ""
	}
	note, err := m.CopyMark(ctx)
	if err == nil && note == "" {
		return db, ""
	}
	db.Close()
	if err != nil {
		return nil, fmt.Sprintf("cannot read the database %s (FILMBOT_DB): %v", bot.RedactURL(cfg.DB), err)
	}
	return nil, fmt.Sprintf("the database %s (FILMBOT_DB) is the target of a `filmbot copy` (%s) that was interrupted before its counts were checked: records may be missing, so filmbot will not use it. Start the copy over with `filmbot copy --restart SRC %s` (it empties this database first), or set FILMBOT_DB to the source.",
		bot.RedactURL(cfg.DB), note, bot.RedactURL(cfg.DB))
}

// storeKind names FILMBOT_DB's backend ("bbolt", "postgres") for metrics.
func storeKind(db string) string {
	b, _ := storage.BackendFor(db)
	return b.Name
}

// fileStore tells whether FILMBOT_DB is a file on this machine (bbolt),
// not a database server's.
func fileStore(db string) bool {
	b, ok := storage.BackendFor(db)
	return ok && b.Files
}

// openAnyStore is openStore without the check for an unfinished copy
// (the copy itself opens its target so).
func openAnyStore(ctx context.Context, cfg Config, opts storage.Options, log *slog.Logger, wait bool) (storage.Store, string) {
	b, ok := storage.BackendFor(cfg.DB)
	if !ok {
		return nil, fmt.Sprintf("cannot open the database %s (FILMBOT_DB): no store is built in for it", bot.RedactURL(cfg.DB))
	}
	if b.Files && log != nil && opts.OnDamage == nil {
		opts.OnDamage = func(err error) { log.Error("a damaged record was skipped", "err", err) }
	}
	delay := time.Second
	for {
		db, err := b.Open(ctx, cfg.DB, opts)
		if err == nil {
			return db, ""
		}
		if b.Files {
			return nil, fileOpenError(cfg, err)
		}
		msg := fmt.Sprintf("cannot open %s %s (FILMBOT_DB): %v", b.Noun, bot.RedactURL(cfg.DB), err)
		if !wait || !errors.Is(err, storage.ErrUnavailable) {
			return nil, msg
		}
		if log != nil {
			log.Warn(b.Server+" cannot be reached; trying again", "in", delay, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil, msg
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// fileOpenError is the one line to show when the database file FILMBOT_DB
// cannot be opened: for a damaged file, what happened, where the backups
// are and how to restore one.
func fileOpenError(cfg Config, err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, storage.ErrLocked):
		return fmt.Sprintf("the database file %s (FILMBOT_DB) %s: a filmbot, its playground or bench is using it. Stop that one first, or set FILMBOT_DB to another file.", cfg.DB, strings.TrimPrefix(storage.ErrLocked.Error(), "the database file "))
	case errors.Is(err, storage.ErrDamaged):
	case errors.As(err, &pe):
		return fmt.Sprintf("cannot open the database file %s (FILMBOT_DB): %v", cfg.DB, pe.Err)
	default:
		msg := strings.ReplaceAll(err.Error(), "open "+cfg.DB+": ", "")
		return fmt.Sprintf("cannot open the database file %s (FILMBOT_DB): %s", cfg.DB, msg)
	}
	cause := err.Error()
	if _, after, ok := strings.Cut(cause, storage.ErrDamaged.Error()); ok {
		cause = strings.TrimPrefix(after, ": ")
	}
	where := "no FILMBOT_BACKUP_DIR is set, so the running bot made no backups; if you saved one with `filmbot backup`, use that"
	if cfg.BackupDir != "" {
		where = fmt.Sprintf("the bot's backups are in %s (FILMBOT_BACKUP_DIR), newest last by name", cfg.BackupDir)
	}
	return fmt.Sprintf("the database file %s (FILMBOT_DB) is damaged: %s. Nothing was changed. To restore: stop every filmbot using it, move %s aside, and copy a backup to %s; %s.",
		cfg.DB, cause, cfg.DB, cfg.DB, where)
}

// catalogCache is FILMBOT_AUTOCOMPLETE_CACHE_MB in bytes: the bound of
// the autocomplete indexes kept in memory; empty: the default.
func (c Config) catalogCache() (int64, error) {
	if c.AutocompleteMB == "" {
		return commands.DefaultCatalogCacheBytes, nil
	}
	n, err := strconv.Atoi(c.AutocompleteMB)
	if err != nil || n < 1 || n > 1<<16 {
		return 0, fmt.Errorf("FILMBOT_AUTOCOMPLETE_CACHE_MB %q: want the megabytes autocomplete's indexes may hold, 1 to 65536 (default %d)", c.AutocompleteMB, commands.DefaultCatalogCacheBytes>>20)
	}
	return int64(n) << 20, nil
}

// storeCache is FILMBOT_STORE_CACHE_MB in bytes: the bound of what a
// process keeps of a shared database (PostgreSQL) in memory; empty: the
// default; 0: no cache.
func (c Config) storeCache() (int64, error) {
	if c.StoreCacheMB == "" {
		return storage.DefaultCacheBytes, nil
	}
	n, err := strconv.Atoi(c.StoreCacheMB)
	if err != nil || n < 0 || n > 1<<16 {
		return 0, fmt.Errorf("FILMBOT_STORE_CACHE_MB %q: want the megabytes the cache of PostgreSQL's films, reviews and settings may hold, 0 (none) to 65536 (default %d)", c.StoreCacheMB, storage.DefaultCacheBytes>>20)
	}
	return int64(n) << 20, nil
}
