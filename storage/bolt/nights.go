package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// A movie night lives under scope|id, with its lease beside it.
type nightRec struct {
	storage.Night
	LeaseOwner string    `json:"lease_owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitempty"`
}

func getNight(b *bbolt.Bucket, k []byte) (nightRec, error) {
	var r nightRec
	v := b.Get(k)
	if v == nil {
		return r, fmt.Errorf("night: %w", ErrNotFound)
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, damaged(bucketNights, k, "%v", err)
	}
	return r, nil
}

// CreateNight stores a new night, refusing a second open one in a scope.
func (db *DB) CreateNight(ctx context.Context, n storage.Night) (storage.Night, error) {
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketNights)
		for _, v := range withPrefix(b, key(uint64(n.Scope))) {
			var o nightRec
			if json.Unmarshal(v, &o) == nil && o.Open() {
				n = o.Night
				return fmt.Errorf("night %d: %w", o.ID, ErrExists)
			}
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		n.ID, n.CreatedAt = id, db.now()
		return putNight(tx, nightRec{Night: n})
	})
	return n, err
}

// putNight stores a night and keeps the index of open ones (what the
// scheduler reads every few seconds) in step.
func putNight(tx *bbolt.Tx, r nightRec) error {
	k := key(uint64(r.Scope), r.ID)
	if err := putJSON(tx.Bucket(bucketNights), k, r); err != nil {
		return err
	}
	if r.Open() {
		return tx.Bucket(bucketOpenNights).Put(k, []byte{})
	}
	return tx.Bucket(bucketOpenNights).Delete(k)
}

// Nights lists scope's nights, newest first.
func (db *DB) Nights(ctx context.Context, scope Scope) ([]storage.Night, error) {
	var out []storage.Night
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketNights), key(uint64(scope))) {
			var r nightRec
			if err := json.Unmarshal(v, &r); err != nil {
				db.onDamage(damaged(bucketNights, k, "%v", err))
				continue
			}
			out = append(out, r.Night)
		}
		return nil
	})
	storage.SortNights(out)
	return out, err
}

// ClaimDueNights leases the open nights whose next step is due, judging
// leases by the store's clock (db.now), not the caller's now. It looks
// in a read transaction first: every bot asks every few seconds, and
// most of the time nothing is due, which must not cost a commit.
func (db *DB) ClaimDueNights(ctx context.Context, now time.Time, owner string, lease time.Duration) ([]storage.Night, error) {
	anyDue := false
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		nights := tx.Bucket(bucketNights)
		for k := range withPrefix(tx.Bucket(bucketOpenNights), nil) {
			var r nightRec
			if json.Unmarshal(nights.Get(k), &r) == nil && r.Open() && !r.NextAt.After(now) {
				anyDue = true
				return nil
			}
		}
		return nil
	})
	if err != nil || !anyDue {
		return nil, err
	}
	var out []storage.Night
	err = db.write(ctx, func(tx *bbolt.Tx) error {
		out = nil
		b := tx.Bucket(bucketNights)
		held := db.now()
		type claim struct {
			k []byte
			r nightRec
		}
		var due []claim
		for k := range withPrefix(tx.Bucket(bucketOpenNights), nil) {
			var r nightRec
			if json.Unmarshal(b.Get(k), &r) != nil || !r.Open() || r.NextAt.After(now) {
				continue
			}
			if r.LeaseOwner != "" && r.LeaseOwner != owner && r.LeaseUntil.After(held) {
				continue
			}
			due = append(due, claim{append([]byte(nil), k...), r})
		}
		for _, c := range due {
			c.r.LeaseOwner, c.r.LeaseUntil = owner, held.Add(lease)
			c.r.Version++
			if err := putJSON(b, c.k, c.r); err != nil {
				return err
			}
			out = append(out, c.r.Night)
		}
		return nil
	})
	return out, err
}

// RenewNight extends owner's lease of n if owner still holds it and
// nothing saved or claimed n since.
func (db *DB) RenewNight(ctx context.Context, n storage.Night, owner string, lease time.Duration) error {
	return db.write(ctx, func(tx *bbolt.Tx) error {
		b, k := tx.Bucket(bucketNights), key(uint64(n.Scope), n.ID)
		r, err := getNight(b, k)
		if err != nil {
			return err
		}
		if r.LeaseOwner != owner || r.Version != n.Version || !r.Open() {
			return fmt.Errorf("night %d: the lease of %s is lost: %w", n.ID, owner, storage.ErrLeased)
		}
		r.LeaseUntil = db.now().Add(lease)
		return putJSON(b, k, r)
	})
}

// SaveNight stores n if nothing saved or claimed it since it was read,
// ending owner's lease with release.
func (db *DB) SaveNight(ctx context.Context, n storage.Night, owner string, release bool) (storage.Night, error) {
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		b, k := tx.Bucket(bucketNights), key(uint64(n.Scope), n.ID)
		r, err := getNight(b, k)
		if err != nil {
			return err
		}
		if r.LeaseOwner != "" && r.LeaseOwner != owner && r.LeaseUntil.After(db.now()) {
			return fmt.Errorf("night %d is being run by %s: %w", n.ID, r.LeaseOwner, storage.ErrLeased)
		}
		if r.Version != n.Version {
			return fmt.Errorf("night %d (version %d, saving %d): %w", n.ID, r.Version, n.Version, storage.ErrChanged)
		}
		n.Version++
		r.Night = n
		if release || r.LeaseOwner != owner {
			r.LeaseOwner, r.LeaseUntil = "", time.Time{}
		}
		return putNight(tx, r)
	})
	return n, err
}
