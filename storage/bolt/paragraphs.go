package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// Since schema 2 a review is a header under scope|film|review (its text
// left out, Paragraphs counting it) and one record per paragraph under
// review|n in the paragraphs bucket: /review reads a header and one
// paragraph, not the whole review.

var bucketParagraphs = []byte("paragraphs") // review|n → Excerpt

// putReview writes r's header and paragraphs, replacing any it had.
func putReview(tx *bbolt.Tx, k []byte, r Review) error {
	if err := deleteParagraphs(tx, r.ID); err != nil {
		return err
	}
	pb := tx.Bucket(bucketParagraphs)
	for n, e := range r.Excerpts {
		if err := pb.Put(key(r.ID, uint64(n+1)), encodeParagraph(e)); err != nil {
			return err
		}
	}
	h := r
	h.Paragraphs, h.Excerpts = len(r.Excerpts), nil
	return tx.Bucket(bucketReviews).Put(k, encodeReviewHeader(h))
}

// deleteReview removes a review's header and paragraphs.
func deleteReview(tx *bbolt.Tx, k []byte) error {
	if err := deleteParagraphs(tx, idAt(k, 2)); err != nil {
		return err
	}
	return tx.Bucket(bucketReviews).Delete(k)
}

func deleteParagraphs(tx *bbolt.Tx, id uint64) error {
	pb := tx.Bucket(bucketParagraphs)
	for _, pk := range keysWithPrefix(pb, key(id)) {
		if err := pb.Delete(pk); err != nil {
			return err
		}
	}
	return nil
}

// header decodes the review header stored at k.
func header(k, v []byte) (Review, error) {
	r, err := decodeRecord[Review](bucketReviews, k, v)
	if err == nil && r.Paragraphs < 1 {
		err = damaged(bucketReviews, k, "review without text")
	}
	return r, err
}

// paragraph reads paragraph n (1-based) of review id.
func paragraph(tx *bbolt.Tx, id uint64, n int) (Excerpt, error) {
	pk := key(id, uint64(n))
	v := tx.Bucket(bucketParagraphs).Get(pk)
	if v == nil {
		return Excerpt{}, damaged(bucketParagraphs, pk, "missing paragraph")
	}
	return decodeRecord[Excerpt](bucketParagraphs, pk, v)
}

// wholeReview reads the header at k and all its paragraphs.
func wholeReview(tx *bbolt.Tx, k, v []byte) (Review, error) {
	r, err := header(k, v)
	if err != nil {
		return r, err
	}
	r.Excerpts = make([]Excerpt, 0, r.Paragraphs)
	for n := 1; n <= r.Paragraphs; n++ {
		e, err := paragraph(tx, r.ID, n)
		if err != nil {
			return r, err
		}
		r.Excerpts = append(r.Excerpts, e)
	}
	return r, nil
}

// visibleReviews reads the reviews of film that scope sees, whole or as
// headers; a damaged one is reported to skip and left out.
func visibleReviews(tx *bbolt.Tx, scope Scope, film uint64, whole bool, skip func(error)) []Review {
	var out []Review
	for _, s := range visible(scope) {
		for k, v := range withPrefix(tx.Bucket(bucketReviews), key(uint64(s), film)) {
			var r Review
			var err error
			if whole {
				r, err = wholeReview(tx, k, v)
			} else {
				r, err = header(k, v)
			}
			if err != nil {
				skip(err)
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// reviewKey finds where review id is stored, if scope may see it.
func reviewKey(tx *bbolt.Tx, scope Scope, id uint64) ([]byte, error) {
	loc := tx.Bucket(bucketReviewIDs).Get(key(id))
	if len(loc) != 16 {
		return nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	owner := Scope(binary.BigEndian.Uint64(loc))
	if owner != BuiltIn && owner != scope {
		return nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	return append(bytes.Clone(loc), key(id)...), nil
}

// reviewAt finds the stored header of review id, if scope may see it.
func reviewAt(tx *bbolt.Tx, scope Scope, id uint64) (k, v []byte, err error) {
	if k, err = reviewKey(tx, scope, id); err != nil {
		return nil, nil, err
	}
	if v = tx.Bucket(bucketReviews).Get(k); v == nil {
		return nil, nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	return k, v, nil
}

// upgradeToParagraphs rewrites schema-1 reviews (one record with the
// whole text) as headers and paragraphs, in the opening transaction.
func upgradeToParagraphs(tx *bbolt.Tx) error {
	b := tx.Bucket(bucketReviews)
	type old struct {
		k []byte
		r Review
	}
	var all []old
	for k, v := range withPrefix(b, nil) {
		var r Review
		if err := json.Unmarshal(v, &r); err != nil {
			return damaged(bucketReviews, k, "%v", err)
		}
		all = append(all, old{bytes.Clone(k), r})
	}
	for _, o := range all {
		if o.r.Excerpts == nil && o.r.Paragraphs > 0 {
			continue // already a header
		}
		if len(o.r.Excerpts) == 0 {
			return damaged(bucketReviews, o.k, "review without text")
		}
		if err := putReview(tx, o.k, o.r); err != nil {
			return err
		}
	}
	return nil
}
