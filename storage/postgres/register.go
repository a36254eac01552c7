package postgres

import (
	"context"

	"github.com/filmbot/filmbot/storage"
)

// postgres is the backend of postgres:// and postgresql:// URLs.
func init() {
	storage.Register(storage.Backend{Name: "postgres", Noun: "the PostgreSQL database", Server: "PostgreSQL", Match: IsURL,
		Open: func(ctx context.Context, url string, o storage.Options) (storage.Store, error) {
			db, err := Open(ctx, url, Options{Now: o.Now, NoSeed: o.NoSeed, OnGroup: o.OnGroup})
			if err != nil {
				return nil, err // no typed nil in the interface
			}
			return db, nil
		}})
}

var (
	_ storage.CopyMarks         = (*DB)(nil)
	_ storage.ShardCoordination = (*DB)(nil)
)
