package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/filmbot/filmbot/storage"
)

// openStore opens FILMBOT_DB for a subcommand. On failure it returns the
// one line to show: for a damaged file, what happened, where the backups
// are and how to restore one.
func openStore(cfg Config, opts storage.Options, log *slog.Logger) (*storage.DB, string) {
	if log != nil && opts.OnDamage == nil {
		opts.OnDamage = func(err error) { log.Error("a damaged record was skipped", "err", err) }
	}
	db, err := storage.Open(cfg.DB, opts)
	if err == nil {
		return db, ""
	}
	if !errors.Is(err, storage.ErrDamaged) {
		return nil, err.Error()
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
