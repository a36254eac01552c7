package bolt

import (
	"context"

	"github.com/filmbot/filmbot/storage"
)

// bbolt is the backend of every FILMBOT_DB value no other backend takes:
// a file path.
func init() {
	storage.Register(storage.Backend{Name: "bbolt", Noun: "the database file", Files: true,
		Open: func(_ context.Context, path string, o storage.Options) (storage.Store, error) {
			db, err := Open(path, Options{Now: o.Now, NoSeed: o.NoSeed, ReadOnly: o.ReadOnly, OnGroup: o.OnGroup, OnDamage: o.OnDamage})
			if err != nil {
				return nil, err // no typed nil in the interface
			}
			return db, nil
		}})
}

var (
	_ storage.FileBackups = (*DB)(nil)
	_ storage.CopyMarks   = (*DB)(nil)
	_ storage.Copier      = (*DB)(nil)
)
