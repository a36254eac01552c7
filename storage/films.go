package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Film is a film in a catalog, with its credits.
type Film struct {
	ID               uint64    `json:"id"`
	Scope            Scope     `json:"scope"`
	Title            string    `json:"title"`
	Year             int       `json:"year"`
	Runtime          int       `json:"runtime,omitempty"` // minutes
	Country          string    `json:"country,omitempty"`
	Languages        []string  `json:"languages,omitempty"`
	Aliases          []string  `json:"aliases,omitempty"`
	Directors        []string  `json:"directors,omitempty"`
	Writers          []string  `json:"writers,omitempty"`
	Editors          []string  `json:"editors,omitempty"`
	Cinematographers []string  `json:"cinematographers,omitempty"`
	Producers        []string  `json:"producers,omitempty"`
	Premiere         string    `json:"premiere,omitempty"`
	Release          string    `json:"release,omitempty"`
	Awards           []string  `json:"awards,omitempty"`
	Cast             []Role    `json:"cast,omitempty"`
	CreatedBy        string    `json:"created_by,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Role is one actor's part in a film, with an optional note on the role.
type Role struct {
	Actor string `json:"actor"`
	Role  string `json:"role"`
	Note  string `json:"note,omitempty"`
}

// Films lists the films visible in scope: the built-in catalog and, for a
// server, its own films; ordered by title then year.
func (db *DB) Films(scope Scope) ([]Film, error) {
	var films []Film
	err := db.bolt.View(func(tx *bolt.Tx) error {
		films = decodeVisible[Film](tx, bucketFilms, scope, db.onDamage)
		return nil
	})
	sort.SliceStable(films, func(i, j int) bool {
		if films[i].Title != films[j].Title {
			return films[i].Title < films[j].Title
		}
		return films[i].Year < films[j].Year
	})
	return films, err
}

// Film returns film id if it is visible in scope, or ErrNotFound.
func (db *DB) Film(scope Scope, id uint64) (Film, error) {
	var f Film
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		f, err = getFilm(tx, scope, id)
		return err
	})
	return f, err
}

// getFilm finds film id in scope's own films or the built-in catalog.
func getFilm(tx *bolt.Tx, scope Scope, id uint64) (Film, error) {
	var f Film
	for _, s := range visible(scope) {
		k := key(uint64(s), id)
		if v := tx.Bucket(bucketFilms).Get(k); v != nil {
			return decodeRecord[Film](bucketFilms, k, v)
		}
	}
	return f, fmt.Errorf("film %d: %w", id, ErrNotFound)
}

// filmExists is getFilm without decoding: the single writer checks it for
// every rating, so it must be cheap.
func filmExists(tx *bolt.Tx, scope Scope, id uint64) bool {
	b := tx.Bucket(bucketFilms)
	var k [16]byte // Get does not keep the key: it can live on the stack
	binary.BigEndian.PutUint64(k[8:], id)
	if b.Get(k[:]) != nil {
		return true
	}
	binary.BigEndian.PutUint64(k[:8], uint64(scope))
	return scope != BuiltIn && b.Get(k[:]) != nil
}

// AddFilm stores a new film in scope and returns it with its id and times set.
func (db *DB) AddFilm(scope Scope, f Film) (Film, error) {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		f, err = createFilm(tx, scope, f, db.now())
		return err
	})
	return f, err
}

func createFilm(tx *bolt.Tx, scope Scope, f Film, now time.Time) (Film, error) {
	b := tx.Bucket(bucketFilms)
	id, err := b.NextSequence()
	if err != nil {
		return f, err
	}
	f.ID, f.Scope = id, scope
	f.CreatedAt, f.UpdatedAt = now.UTC(), now.UTC()
	return f, putJSON(b, key(uint64(scope), id), f)
}

// visible lists the scopes whose records a user in scope may see.
func visible(scope Scope) []Scope {
	if scope == BuiltIn {
		return []Scope{BuiltIn}
	}
	return []Scope{BuiltIn, scope}
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}
