// Package storage keeps filmbot's films, credits and reviews in a bbolt
// file. Each exported method of DB is one transaction. Records are JSON;
// keys that must sort are fixed-width big-endian. The package knows nothing
// of Discord: a "scope" is a server (guild) id, and scope 0 is the built-in
// catalog that every server sees.
package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of buckets and keys this code reads and writes.
const SchemaVersion = 1

// BuiltIn is the scope of the catalog shipped with the bot, visible in every
// server and in DMs.
const BuiltIn Scope = 0

// Scope is whose data a record is: a Discord server's id, or BuiltIn.
type Scope uint64

// ParseScope turns a server id (a decimal snowflake, or "" for none) into a Scope.
func ParseScope(guildID string) (Scope, error) {
	if guildID == "" {
		return BuiltIn, nil
	}
	n, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad server id %q", guildID)
	}
	return Scope(n), nil
}

// Bucket names, declared once.
var (
	bucketMeta      = []byte("meta")
	bucketFilms     = []byte("films")      // scope|film → Film
	bucketReviews   = []byte("reviews")    // scope|film|review → Review
	bucketReviewIDs = []byte("review_ids") // review → scope|film

	bucketRatings     = []byte("ratings")      // scope|film|user → score, time
	bucketUserRatings = []byte("user_ratings") // scope|user|film → score, time
	bucketAggregates  = []byte("aggregates")   // scope|film → sum, count, histogram
	bucketSettings    = []byte("settings")     // scope → Settings
	allBuckets        = [][]byte{bucketMeta, bucketFilms, bucketReviews, bucketReviewIDs, bucketRatings, bucketUserRatings, bucketAggregates, bucketSettings}

	keySchema = []byte("schema")
	keySeeded = []byte("seeded")
)

// Errors callers check with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrLocked   = errors.New("the database file is in use by another process")
)

// Options tune Open. The zero value is fine.
type Options struct {
	// LockTimeout bounds the wait for another process's lock on the file.
	// Zero means 3 seconds.
	LockTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NoSeed leaves an empty database empty (for tests that want one).
	NoSeed bool
	// ReadOnly opens an existing file for reading only (backups of a
	// stopped bot): nothing is written, not even the schema version.
	ReadOnly bool
	// OnDamage, if set, hears of each damaged record that a listing
	// skipped (the listing goes on without it); nil ignores them.
	OnDamage func(error)
}

// DB is an open filmbot database.
type DB struct {
	bolt     *bolt.DB
	now      func() time.Time
	writer   *writer
	onDamage func(error)
}

// Open opens or creates the database at path, creates its buckets, checks
// the schema version and, on first start, loads the built-in catalog. If
// another process holds the file it fails with ErrLocked after
// opts.LockTimeout instead of waiting forever. A truncated or damaged
// file fails with ErrDamaged before anything is written to it.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 3 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OnDamage == nil {
		opts.OnDamage = func(error) {}
	}
	size, err := checkHeader(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opts.ReadOnly && size == 0 {
		return nil, fmt.Errorf("open %s: %w", path, ErrNotFound)
	}
	var b *bolt.DB
	err = faultSafe(func() error {
		// NoFreelistSync: each commit skips writing the freelist (as etcd
		// does); bbolt rebuilds it by scanning on open, also after a crash.
		// It makes every rating's commit smaller (BenchmarkRate).
		var err error
		b, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType, ReadOnly: opts.ReadOnly})
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (is another filmbot running? waited %s)", path, ErrLocked, opts.LockTimeout)
	}
	if err != nil && !errors.Is(err, ErrDamaged) && !errors.Is(err, os.ErrPermission) && !errors.Is(err, os.ErrNotExist) && size > 0 {
		err = fmt.Errorf("%w: %v", ErrDamaged, err) // bbolt refused the file's contents
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{bolt: b, now: opts.Now, onDamage: opts.OnDamage}
	if size > 0 && size <= checkLimit {
		if err := faultSafe(db.Check); err != nil {
			b.Close()
			if !errors.Is(err, ErrDamaged) {
				err = fmt.Errorf("%w: %v", ErrDamaged, err)
			}
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	if opts.ReadOnly {
		return db, nil
	}
	if err := db.init(!opts.NoSeed); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.writer = newWriter(b)
	return db, nil
}

func (db *DB) init(seed bool) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keySchema); v != nil {
			if got := binary.BigEndian.Uint64(v); got > SchemaVersion {
				return fmt.Errorf("schema version %d is newer than this filmbot understands (%d)", got, SchemaVersion)
			}
		}
		if err := meta.Put(keySchema, u64(SchemaVersion)); err != nil {
			return err
		}
		if !seed || meta.Get(keySeeded) != nil {
			return nil
		}
		if err := loadSeed(tx, db.now()); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		return meta.Put(keySeeded, []byte(db.now().UTC().Format(time.RFC3339)))
	})
}

// Close commits the writes already queued, then closes the file.
func (db *DB) Close() error {
	if db.writer != nil {
		db.writer.close()
	}
	return db.bolt.Close()
}

// Check runs bbolt's consistency check and returns the first problem found.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain the channel so its goroutine ends
			if first == nil {
				first = err
			}
		}
		return first
	})
}

// Path is the database file's path.
func (db *DB) Path() string { return db.bolt.Path() }

// Backup writes a consistent copy of the database to path, which must not
// exist, while the database stays in use: one read transaction, so
// ratings keep being saved meanwhile. The copy is written beside path,
// synced and renamed into place, so path never holds half a backup.
func (db *DB) Backup(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	err = db.bolt.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil { // the rename itself on disk
		dir.Sync()
		dir.Close()
	}
	return nil
}

// withPrefix iterates, in key order, over the keys and values of b that
// start with p. They are valid only inside the transaction.
func withPrefix(b *bolt.Bucket, p []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func(k, v []byte) bool) {
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if !yield(k, v) {
				return
			}
		}
	}
}

// keysWithPrefix copies the keys of b that start with p, so the caller
// may delete them.
func keysWithPrefix(b *bolt.Bucket, p []byte) [][]byte {
	var out [][]byte
	for k := range withPrefix(b, p) {
		out = append(out, bytes.Clone(k))
	}
	return out
}

// decodeVisible decodes the records of bucket under scope|ids… for each
// scope whose records a user in scope may see. A damaged record is
// reported to skip and left out, so one bad record cannot hide the rest.
func decodeVisible[T any, P checked[T]](tx *bolt.Tx, bucket []byte, scope Scope, skip func(error), ids ...uint64) []T {
	var out []T
	b := tx.Bucket(bucket)
	for _, s := range visible(scope) {
		for k, v := range withPrefix(b, key(append([]uint64{uint64(s)}, ids...)...)) {
			rec, err := decodeRecord[T, P](bucket, k, v)
			if err != nil {
				skip(err)
				continue
			}
			out = append(out, rec)
		}
	}
	return out
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// key joins ids into a fixed-width big-endian key, so keys sort by scope,
// then film, then review.
func key(ids ...uint64) []byte {
	b := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		b = binary.BigEndian.AppendUint64(b, id)
	}
	return b
}
