package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// openStore opens FILMBOT_DB for a subcommand. On failure it returns the
// one line to show: for a damaged file, what happened, where the backups
// are and how to restore one.
func openStore(cfg Config, opts bolt.Options, log *slog.Logger) (*bolt.DB, string) {
	if log != nil && opts.OnDamage == nil {
		opts.OnDamage = func(err error) { log.Error("a damaged record was skipped", "err", err) }
	}
	db, err := bolt.Open(cfg.DB, opts)
	if err == nil {
		return db, ""
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, storage.ErrLocked):
		return nil, fmt.Sprintf("the database file %s (FILMBOT_DB) %s: a filmbot, its playground or bench is using it. Stop that one first, or set FILMBOT_DB to another file.", cfg.DB, strings.TrimPrefix(storage.ErrLocked.Error(), "the database file "))
	case errors.Is(err, storage.ErrDamaged):
	case errors.As(err, &pe):
		return nil, fmt.Sprintf("cannot open the database file %s (FILMBOT_DB): %v", cfg.DB, pe.Err)
	default:
		msg := strings.ReplaceAll(err.Error(), "open "+cfg.DB+": ", "")
		return nil, fmt.Sprintf("cannot open the database file %s (FILMBOT_DB): %s", cfg.DB, msg)
	}
	cause := err.Error()
	if _, after, ok := strings.Cut(cause, storage.ErrDamaged.Error()); ok {
		cause = strings.TrimPrefix(after, ": ")
	}
	where := "no FILMBOT_BACKUP_DIR is set, so the running bot made no backups; if you saved one with `filmbot backup`, use that"
	if cfg.BackupDir != "" {
		where = fmt.Sprintf("the bot's backups are in %s (FILMBOT_BACKUP_DIR), newest last by name", cfg.BackupDir)
	}
	return nil, fmt.Sprintf("the database file %s (FILMBOT_DB) is damaged: %s. Nothing was changed. To restore: stop every filmbot using it, move %s aside, and copy a backup to %s; %s.",
		cfg.DB, cause, cfg.DB, cfg.DB, where)
}
