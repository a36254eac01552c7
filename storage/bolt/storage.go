// Package bolt is filmbot's embedded store (storage.Store) in one bbolt
// file: nothing to install, one process. Each exported method of DB is one
// transaction. The records read on every answer are binary: films, their
// headers, review headers and paragraphs (binary.go), ratings and their
// aggregates (records.go); the rest (settings, nights, pending steps) is
// JSON. Keys that must sort are fixed-width big-endian.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/filmbot/filmbot/storage"
)

// SchemaVersion is the layout of buckets and keys this code reads and writes.
const SchemaVersion = 6 // 2: reviews as a header and paragraphs; 3: film headers; 4: those in binary; 5: films from TMDB; 6: the first director in the header

// Bucket names, declared once.
var (
	bucketMeta       = []byte("meta")
	bucketFilms      = []byte("films")        // scope|film → Film
	bucketHeaders    = []byte("film_headers") // scope|film → Film.Header()
	bucketPending    = []byte("pending")      // scope|user|id → expiry, data
	bucketWatch      = []byte("watchlists")   // scope|user|film → added at
	bucketNights     = []byte("nights")       // scope|id → movie night and its lease
	bucketOpenNights = []byte("open_nights")  // scope|id of the nights with steps left
	bucketReviews    = []byte("reviews")      // scope|film|review → Review
	bucketReviewIDs  = []byte("review_ids")   // review → scope|film

	bucketRatings       = []byte("ratings")        // scope|film|user → score, time
	bucketUserRatings   = []byte("user_ratings")   // scope|user|film → score, time
	bucketAggregates    = []byte("aggregates")     // scope|film → sum, count, histogram
	bucketSettings      = []byte("settings")       // scope → Settings
	bucketVersions      = []byte("versions")       // scope → catalog version (CatalogVersion)
	bucketRatingLog     = []byte("rating_log")     // scope|version → user|film|score (RatingsSince)
	bucketNotInterested = []byte("not_interested") // scope|user|film → nothing
	allBuckets          = [][]byte{bucketMeta, bucketFilms, bucketReviews, bucketReviewIDs, bucketRatings, bucketUserRatings, bucketAggregates, bucketSettings, bucketVersions, bucketParagraphs, bucketHeaders, bucketPending, bucketWatch, bucketNights, bucketOpenNights, bucketTMDB, bucketRatingLog, bucketNotInterested}

	keySchema = []byte("schema")
	keySeeded = []byte("seeded")
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
	// OnGroup, if set, hears the size of each group commit (metrics).
	OnGroup func(n int)
}

// DB is an open filmbot database.
type DB struct {
	bolt     *bbolt.DB
	now      func() time.Time
	writer   *writer
	onDamage func(error)
	versions *versionCache
	fetches  fetchClaims // ClaimFetch's claims (one process: in memory)
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
	size, err := checkHeader(path, opts.ReadOnly, opts.LockTimeout)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (is another filmbot running? waited %s)", path, ErrLocked, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opts.ReadOnly && size == 0 {
		return nil, fmt.Errorf("open %s: %w", path, ErrNotFound)
	}
	var b *bbolt.DB
	err = faultSafe(func() error {
		// NoFreelistSync: each commit skips writing the freelist (as etcd
		// does); bbolt rebuilds it by scanning on open, also after a crash.
		// It makes every rating's commit smaller (BenchmarkRate).
		var err error
		b, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.LockTimeout, NoFreelistSync: true, FreelistType: bbolt.FreelistMapType, ReadOnly: opts.ReadOnly})
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
	db := &DB{bolt: b, now: opts.Now, onDamage: opts.OnDamage, versions: &versionCache{}}
	versionCaches.Store(b, db.versions)
	if size > 0 && size <= checkLimit {
		if err := faultSafe(db.Check); err != nil {
			versionCaches.Delete(b)
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
		versionCaches.Delete(b)
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.writer = newWriter(b, opts.OnGroup)
	return db, nil
}

func (db *DB) init(seed bool) error {
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keySchema); v != nil {
			got := binary.BigEndian.Uint64(v)
			if got > SchemaVersion {
				return fmt.Errorf("schema version %d is newer than this filmbot understands (%d)", got, SchemaVersion)
			}
			if got < 2 {
				if err := upgradeToParagraphs(tx); err != nil {
					return fmt.Errorf("upgrading the reviews to schema 2: %w", err)
				}
			}
			if got < 3 {
				if err := upgradeToHeaders(tx); err != nil {
					return fmt.Errorf("upgrading the films to schema 3: %w", err)
				}
			}
			if got < 4 {
				if err := upgradeToBinary(tx); err != nil {
					return fmt.Errorf("upgrading the headers to schema 4: %w", err)
				}
			}
			if got < 5 {
				if err := upgradeToSourced(tx); err != nil {
					return fmt.Errorf("upgrading the films to schema 5: %w", err)
				}
			}
			if got < 6 {
				if err := upgradeToDirectorHeaders(tx); err != nil {
					return fmt.Errorf("upgrading the film headers to schema 6: %w", err)
				}
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
	defer versionCaches.Delete(db.bolt)
	return db.bolt.Close()
}

// Check runs bbolt's consistency check and returns the first problem found.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bbolt.Tx) error {
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
	err = db.bolt.View(func(tx *bbolt.Tx) error {
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
func withPrefix(b *bbolt.Bucket, p []byte) iter.Seq2[[]byte, []byte] {
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
func keysWithPrefix(b *bbolt.Bucket, p []byte) [][]byte {
	var out [][]byte
	for k := range withPrefix(b, p) {
		out = append(out, bytes.Clone(k))
	}
	return out
}

// decodeVisible decodes the records of bucket under scope|ids… for each
// scope whose records a user in scope may see. A damaged record is
// reported to skip and left out, so one bad record cannot hide the rest.
func decodeVisible[T any](tx *bbolt.Tx, bucket []byte, scope Scope, skip func(error), ids ...uint64) []T {
	b := tx.Bucket(bucket)
	// Count first: records are large (a Film is some 400 bytes), and
	// growing the slice one doubling at a time would copy 50,000 of them
	// several times over; walking the keys again is cheap.
	n := 0
	for _, s := range visible(scope) {
		for range withPrefix(b, key(append([]uint64{uint64(s)}, ids...)...)) {
			n++
		}
	}
	var out []T
	if n > 0 {
		out = make([]T, 0, n)
	}
	for _, s := range visible(scope) {
		for k, v := range withPrefix(b, key(append([]uint64{uint64(s)}, ids...)...)) {
			rec, err := decodeRecord[T](bucket, k, v)
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

// loadSeed adds the built-in catalog. It runs once, in the transaction
// that marks the database seeded, so it never overwrites later changes.
func loadSeed(tx *bbolt.Tx, now time.Time) error {
	f, err := createFilm(tx, BuiltIn, storage.SeedFilm(), now)
	if err != nil {
		return err
	}
	_, err = createReview(tx, BuiltIn, Review{FilmID: f.ID, Excerpts: storage.SeedReview(), PostedAt: storage.SeedPosted}, now)
	return err
}

// bumpCatalog marks scope's catalog changed, in the transaction that
// changes it, so that no write path can forget to.
func bumpCatalog(tx *bbolt.Tx, scope Scope) error {
	if c, ok := versionCaches.Load(tx.DB()); ok {
		tx.OnCommit(c.(*versionCache).forget)
	}
	b := tx.Bucket(bucketVersions)
	k := key(uint64(scope))
	var v uint64
	if old := b.Get(k); len(old) == 8 {
		v = binary.BigEndian.Uint64(old)
	}
	return b.Put(k, u64(v+1))
}

// CatalogVersion is the sum of the built-in catalog's version and
// scope's: it changes with any film write either sees.
func (db *DB) CatalogVersion(ctx context.Context, scope Scope) (uint64, error) {
	if err := ctx.Err(); err != nil { // refused as the other reads are, cached or not
		return 0, err
	}
	gen, v, ok := db.versions.get(scope)
	if ok {
		return v, nil
	}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketVersions)
		for _, s := range visible(scope) {
			if x := b.Get(key(uint64(s))); len(x) == 8 {
				v += binary.BigEndian.Uint64(x)
			}
		}
		return nil
	})
	if err == nil {
		db.versions.put(gen, scope, v)
	}
	return v, err
}

// versionCache keeps the catalog versions read, so that answers that
// check whether the catalog changed (every film lookup) need no
// transaction. Only this process writes the file (bbolt locks it), and
// every transaction that changes a version forgets them all when it
// commits, so the cache cannot be stale; a read that raced a commit is
// not kept (the generation moved).
type versionCache struct {
	mu  sync.Mutex
	gen uint64
	v   map[Scope]uint64
}

// versionCaches finds a file's cache from a write transaction.
var versionCaches sync.Map // *bbolt.DB → *versionCache

func (c *versionCache) get(scope Scope) (gen, v uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok = c.v[scope]
	return c.gen, v, ok
}

func (c *versionCache) put(gen uint64, scope Scope, v uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.v == nil {
		c.v = map[Scope]uint64{}
	}
	c.v[scope] = v
}

func (c *versionCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.v = nil
}
