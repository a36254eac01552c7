package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Since schema 4 the records read on every answer (films, film headers,
// review headers, paragraphs) are stored in a small binary layout instead
// of JSON: decoding JSON was most of a read's cost. A record in this
// layout starts with recBinary; a JSON record starts with '{', so a record
// written before the upgrade still reads. Settings, movie nights and
// pending imports stay JSON: they are read rarely, and JSON keeps them
// easy to inspect and to extend.
//
// The layout is a sequence of fields in a fixed order: unsigned and
// signed varints, strings as a length then bytes, times as unix seconds
// then nanoseconds, lists as a count then items. A whole film is its
// header's fields then its credits', then (schema 5, a film from TMDB)
// what TMDB adds (recWriter.sourced). A paragraph is one flag byte then
// its text.
const recBinary = 0x01

type recWriter struct{ b []byte }

func (w *recWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *recWriter) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *recWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *recWriter) time(t time.Time) {
	w.int(t.Unix())
	w.uint(uint64(t.Nanosecond()))
}

var errShort = errors.New("record cut short")

// recReader reads fields until the first error, which it keeps. The
// record is copied out of bbolt's memory map once, as s, and its strings
// are cut from that copy: one allocation per record, not one per string.
type recReader struct {
	b   []byte // what is left to read
	s   string // the whole record, b's bytes ending it
	err error
}

func newRecReader(v []byte) recReader { return recReader{b: v, s: string(v)} }

func (r *recReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a string, cut from the record's copy (the bytes of b belong
// to bbolt's memory map).
func (r *recReader) str() string {
	n := r.uint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return ""
	}
	off := len(r.s) - len(r.b)
	r.b = r.b[n:]
	return r.s[off : off+int(n)]
}

func (r *recReader) time() time.Time {
	sec, ns := r.int(), r.uint()
	if r.err == nil && ns >= 1e9 {
		r.err = fmt.Errorf("%d nanoseconds", ns)
	}
	if r.err != nil {
		return time.Time{}
	}
	return time.Unix(sec, int64(ns)).UTC()
}

// strs reads a count then that many strings; a count larger than the
// bytes left is damage, not a reason to allocate.
func (r *recReader) strs() []string {
	n := r.uint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

// end reports the first error, or bytes left over.
func (r *recReader) end() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("%d bytes after the record", len(r.b))
	}
	return r.err
}

// encodeFilmHeader is f.Header() in the binary layout.
func encodeFilmHeader(f Film) []byte {
	w := recWriter{b: make([]byte, 1, 64+len(f.Title))}
	w.b[0] = recBinary
	w.filmHeader(f)
	if d := f.FirstDirector(); d != "" {
		// The sourced part, zero for a film a moderator typed, then the
		// first director (schema 6).
		w.uint(f.TMDB)
		w.time(f.FetchedAt)
		w.strMap(f.Titles)
		w.str(d)
		return w.b
	}
	w.sourced(f, false)
	return w.b
}

// encodeFilm is the whole film f: its header, then its credits.
func encodeFilm(f Film) []byte {
	w := recWriter{b: make([]byte, 1, 256+len(f.Title))}
	w.b[0] = recBinary
	w.filmHeader(f)
	for _, l := range [][]string{f.Languages, f.Directors, f.Writers, f.Editors, f.Cinematographers, f.Producers} {
		w.strs(l)
	}
	w.str(f.Premiere)
	w.str(f.Release)
	w.strs(f.Awards)
	w.uint(uint64(len(f.Cast)))
	for _, r := range f.Cast {
		w.str(r.Actor)
		w.str(r.Role)
		w.str(r.Note)
	}
	w.sourced(f, true)
	return w.b
}

// sourced writes what TMDB adds to a film (schema 5), after the fields
// of schema 4 so that a record written before still reads: the header's
// part (TMDB id, FetchedAt, localized titles), then, in a whole film,
// the rest. A film a moderator typed writes nothing here.
func (w *recWriter) sourced(f Film, whole bool) {
	if f.TMDB == 0 && f.FetchedAt.IsZero() && len(f.Titles) == 0 && !(whole && hasSourcedCredits(f)) {
		return
	}
	w.uint(f.TMDB)
	w.time(f.FetchedAt)
	w.strMap(f.Titles)
	if !whole {
		return
	}
	w.str(f.IMDb)
	w.str(f.Wikidata)
	w.str(f.OriginalTitle)
	w.str(f.Overview)
	w.strs(f.Genres)
	w.strs(f.Countries)
	w.strs(f.Composers)
	w.str(f.Poster)
	w.strMap(f.Overviews)
}

func hasSourcedCredits(f Film) bool {
	return f.IMDb != "" || f.Wikidata != "" || f.OriginalTitle != "" || f.Overview != "" || len(f.Genres) > 0 ||
		len(f.Countries) > 0 || len(f.Composers) > 0 || f.Poster != "" || len(f.Overviews) > 0
}

// strMap writes a count then the keys and values, keys in order.
func (w *recWriter) strMap(m map[string]string) {
	w.uint(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.str(k)
		w.str(m[k])
	}
}

// strMap reads what recWriter.strMap wrote.
func (r *recReader) strMap() map[string]string {
	n := r.uint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

// readSourced reads what recWriter.sourced wrote, if anything is left.
func (r *recReader) readSourced(f *Film, whole bool) {
	if r.err != nil || len(r.b) == 0 {
		return
	}
	f.TMDB = r.uint()
	f.FetchedAt = r.time()
	f.Titles = r.strMap()
	if !whole {
		if len(r.b) > 0 {
			f.Director = r.str()
		}
		return
	}
	if len(r.b) == 0 {
		return
	}
	f.IMDb = r.str()
	f.Wikidata = r.str()
	f.OriginalTitle = r.str()
	f.Overview = r.str()
	f.Genres = r.strs()
	f.Countries = r.strs()
	f.Composers = r.strs()
	f.Poster = r.str()
	f.Overviews = r.strMap()
}

func (w *recWriter) strs(l []string) {
	w.uint(uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

func (w *recWriter) filmHeader(f Film) {
	w.uint(f.ID)
	w.uint(uint64(f.Scope))
	w.str(f.Title)
	w.int(int64(f.Year))
	w.int(int64(f.Runtime))
	w.str(f.Country)
	w.strs(f.Aliases)
	w.str(f.Letterboxd)
	w.str(f.CreatedBy)
	w.time(f.CreatedAt)
	w.time(f.UpdatedAt)
}

// decodeFilm decodes a film header, or with whole a whole film.
func decodeFilm(f *Film, v []byte, whole bool) error {
	r := newRecReader(v)
	f.ID = r.uint()
	f.Scope = Scope(r.uint())
	f.Title = r.str()
	f.Year = int(r.int())
	f.Runtime = int(r.int())
	f.Country = r.str()
	f.Aliases = r.strs()
	f.Letterboxd = r.str()
	f.CreatedBy = r.str()
	f.CreatedAt = r.time()
	f.UpdatedAt = r.time()
	if whole {
		for _, l := range []*[]string{&f.Languages, &f.Directors, &f.Writers, &f.Editors, &f.Cinematographers, &f.Producers} {
			*l = r.strs()
		}
		f.Premiere = r.str()
		f.Release = r.str()
		f.Awards = r.strs()
		if n := r.uint(); n > 0 && r.err == nil {
			if n > uint64(len(r.b)) {
				return errShort
			}
			f.Cast = make([]Role, n)
			for i := range f.Cast {
				f.Cast[i] = Role{Actor: r.str(), Role: r.str(), Note: r.str()}
			}
		}
	}
	r.readSourced(f, whole)
	return r.end()
}

// encodeReviewHeader is review h without its text, Paragraphs counting it.
func encodeReviewHeader(h Review) []byte {
	w := recWriter{b: make([]byte, 1, 64+len(h.Reviewer)+len(h.PullQuote))}
	w.b[0] = recBinary
	w.uint(h.ID)
	w.uint(h.FilmID)
	w.uint(uint64(h.Scope))
	w.str(h.Reviewer)
	w.str(h.PullQuote)
	w.int(int64(h.Paragraphs))
	w.str(h.PostedBy)
	w.time(h.PostedAt)
	return w.b
}

func decodeReviewHeader(h *Review, v []byte) error {
	r := newRecReader(v)
	h.ID = r.uint()
	h.FilmID = r.uint()
	h.Scope = Scope(r.uint())
	h.Reviewer = r.str()
	h.PullQuote = r.str()
	h.Paragraphs = int(r.int())
	h.PostedBy = r.str()
	h.PostedAt = r.time()
	return r.end()
}

const paragraphSpoiler = 1

func encodeParagraph(e Excerpt) []byte {
	b := make([]byte, 2, 2+len(e.Text))
	b[0] = recBinary
	if e.Spoiler {
		b[1] = paragraphSpoiler
	}
	return append(b, e.Text...)
}

func decodeParagraph(e *Excerpt, v []byte) error {
	if len(v) < 1 {
		return errShort
	}
	if v[0]&^paragraphSpoiler != 0 {
		return fmt.Errorf("unknown paragraph flags %#x", v[0])
	}
	e.Spoiler = v[0]&paragraphSpoiler != 0
	e.Text = string(v[1:])
	return nil
}

// decodeBinary decodes v (after recBinary), stored in bucket, into rec,
// one of the records kept in the binary layout.
func decodeBinary(bucket []byte, rec any, v []byte) error {
	switch r := rec.(type) {
	case *Film:
		return decodeFilm(r, v, bytes.Equal(bucket, bucketFilms))
	case *Review:
		return decodeReviewHeader(r, v)
	case *Excerpt:
		return decodeParagraph(r, v)
	}
	return fmt.Errorf("a binary record where %T is kept as JSON", rec)
}

// upgradeToBinary rewrites the JSON films, film headers, review headers
// and paragraphs of schema 3 in the binary layout, in the opening
// transaction. A record that does not decode is left as it is, for
// Check and the read that meets it to report.
func upgradeToBinary(tx *bbolt.Tx) error {
	for _, u := range []struct {
		bucket []byte
		encode func(k, v []byte) ([]byte, error)
	}{
		{bucketFilms, func(k, v []byte) ([]byte, error) {
			f, err := decodeRecord[Film](bucketFilms, k, v)
			return encodeFilm(f), err
		}},
		{bucketHeaders, func(k, v []byte) ([]byte, error) {
			f, err := decodeRecord[Film](bucketHeaders, k, v)
			return encodeFilmHeader(f), err
		}},
		{bucketReviews, func(k, v []byte) ([]byte, error) {
			h, err := decodeRecord[Review](bucketReviews, k, v)
			return encodeReviewHeader(h), err
		}},
		{bucketParagraphs, func(k, v []byte) ([]byte, error) {
			e, err := decodeRecord[Excerpt](bucketParagraphs, k, v)
			return encodeParagraph(e), err
		}},
	} {
		b := tx.Bucket(u.bucket)
		type kv struct{ k, v []byte }
		var out []kv // bbolt's cursor may not be written through
		for k, v := range withPrefix(b, nil) {
			if len(v) == 0 || v[0] == recBinary {
				continue
			}
			if nv, err := u.encode(k, v); err == nil {
				out = append(out, kv{bytes.Clone(k), nv})
			}
		}
		for _, r := range out {
			if err := b.Put(r.k, r.v); err != nil {
				return err
			}
		}
	}
	return nil
}
