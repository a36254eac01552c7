package bolt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// put writes raw bytes under a key, as damage would.
func put(t *testing.T, db *DB, bucket, k, v []byte) {
	t.Helper()
	if err := db.bolt.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Put(k, v) }); err != nil {
		t.Fatal(err)
	}
}

func wantDamaged(t *testing.T, what string, err error, bucket string) {
	t.Helper()
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), bucket) {
		t.Errorf("%s: %v, want ErrDamaged naming bucket %s", what, err, bucket)
	}
}

// A damaged rating fails that member's write and read, alone: the
// writer survives, other members' ratings in the same commit are saved,
// and listings skip the record and report it.
func TestDamagedRatingFailsOneWrite(t *testing.T) {
	var reported []error
	var mu sync.Mutex
	db := open(t, Options{OnDamage: func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }})
	if _, err := db.Rate(ctx, g, 1, 7, 8); err != nil {
		t.Fatal(err)
	}
	put(t, db, bucketRatings, key(uint64(g), 1, 7), []byte{0xff}) // the record the panic came from
	put(t, db, bucketUserRatings, key(uint64(g), 7, 1), []byte{42, 0, 0})
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for u := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[u] = db.Rate(ctx, g, 1, uint64(u), 5) // user 7 is the damaged one
		}()
	}
	wg.Wait()
	for u, err := range errs {
		if u == 7 {
			wantDamaged(t, "rating over a damaged record", err, "ratings")
		} else if err != nil {
			t.Errorf("user %d: %v", u, err)
		}
	}
	_, err := db.UserRating(ctx, g, 1, 7)
	wantDamaged(t, "UserRating", err, "ratings")
	rs, err := db.FilmRatings(ctx, g, 1)
	if err != nil || len(rs) != 19 {
		t.Errorf("FilmRatings: %d ratings, %v; want the 19 sound ones", len(rs), err)
	}
	if mine, err := db.UserRatings(ctx, g, 7); err != nil || len(mine) != 0 {
		t.Errorf("UserRatings: %v %v", mine, err)
	}
	mu.Lock()
	if len(reported) != 2 {
		t.Errorf("reported %d damaged records, want 2: %v", len(reported), reported)
	}
	mu.Unlock()
}

func TestDamagedAggregate(t *testing.T) {
	db := open(t, Options{})
	if _, err := db.Rate(ctx, g, 1, 1, 8); err != nil {
		t.Fatal(err)
	}
	for _, v := range [][]byte{{1, 2, 3}, make([]byte, aggregateSize-1), encodeAggregate(Aggregate{Sum: 9, Count: 1, Hist: [10]int{0, 0, 0, 0, 0, 0, 0, 1}})} {
		put(t, db, bucketAggregates, key(uint64(g), 1), v)
		_, err := db.Rate(ctx, g, 1, 2, 5)
		wantDamaged(t, "Rate", err, "aggregates")
		_, err = db.Aggregate(ctx, g, 1)
		wantDamaged(t, "Aggregate", err, "aggregates")
		if top, err := db.Top(ctx, g, 1); err != nil || len(top) != 0 {
			t.Errorf("Top: %v %v", top, err)
		}
	}
}

// A write that panics fails alone; the writer goes on committing others.
func TestWriterSurvivesAPanic(t *testing.T) {
	db := open(t, Options{})
	err := db.writer.do(func(tx *bbolt.Tx) error {
		var s []int
		_ = s[3] // index out of range, as a bad decode once did
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("panicking write: %v", err)
	}
	if _, err := db.Rate(ctx, g, 1, 1, 6); err != nil {
		t.Fatalf("the writer stopped after a panic: %v", err)
	}
}

// A damaged film or review fails reads of itself, not of the server.
func TestDamagedFilmAndReview(t *testing.T) {
	var reported int
	db := open(t, Options{OnDamage: func(error) { reported++ }})
	a, err := db.AddFilm(ctx, g, Film{Title: "Good", Year: 2001})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.AddFilm(ctx, g, Film{Title: "Bad", Year: 2002})
	put(t, db, bucketFilms, key(uint64(g), b.ID), []byte(`{"id":`))
	put(t, db, bucketHeaders, key(uint64(g), b.ID), []byte(`{"id":`)) // lists read the headers
	films, err := db.Films(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, f := range films {
		titles = append(titles, f.Title)
	}
	if strings.Contains(strings.Join(titles, ","), "Bad") || !strings.Contains(strings.Join(titles, ","), "Good") || reported != 1 {
		t.Errorf("Films: %v, %d reported", titles, reported)
	}
	_, err = db.Film(ctx, g, b.ID)
	wantDamaged(t, "Film", err, "films")
	if _, err := db.Film(ctx, g, a.ID); err != nil {
		t.Errorf("a sound film: %v", err)
	}
	// A record of the right shape for another key is damage too.
	put(t, db, bucketFilms, key(uint64(g), b.ID), []byte(`{"id":99,"scope":111,"title":"Elsewhere"}`))
	_, err = db.Film(ctx, g, b.ID)
	wantDamaged(t, "a film stored under another id", err, "films")

	r1, err := db.AddReview(ctx, g, Review{FilmID: a.ID, Reviewer: "x", Excerpts: []Excerpt{{Text: "fine"}}})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := db.AddReview(ctx, g, Review{FilmID: a.ID, Reviewer: "y", Excerpts: []Excerpt{{Text: "soon damaged"}}})
	put(t, db, bucketReviews, key(uint64(g), a.ID, r2.ID), []byte(`{"id":`+itoa(r2.ID)+`,"film_id":`+itoa(a.ID)+`,"scope":111,"excerpts":[]}`))
	revs, err := db.Reviews(ctx, g, a.ID)
	if err != nil || len(revs) != 1 || revs[0].ID != r1.ID {
		t.Errorf("Reviews: %v %v", revs, err)
	}
	_, err = db.Review(ctx, g, r2.ID)
	wantDamaged(t, "Review", err, "reviews")
	_, err = db.UpdateReview(ctx, g, Review{ID: r2.ID, Reviewer: "y", Excerpts: []Excerpt{{Text: "new"}}})
	wantDamaged(t, "UpdateReview", err, "reviews")

	put(t, db, bucketSettings, key(uint64(g)), []byte(`[`))
	_, err = db.Settings(ctx, g)
	wantDamaged(t, "Settings", err, "settings")
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// A binary record cut short, with bytes left over, or with a count larger
// than itself is damage, reported like a JSON record that does not parse.
func TestDamagedBinaryRecords(t *testing.T) {
	db := open(t, Options{OnDamage: func(error) {}})
	f, err := db.AddFilm(ctx, g, Film{Title: "Whole", Year: 2001, Aliases: []string{"w"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.AddReview(ctx, g, Review{FilmID: f.ID, Reviewer: "x", Excerpts: []Excerpt{{Text: "fine"}}})
	if err != nil {
		t.Fatal(err)
	}
	hk, rk, pk := key(uint64(g), f.ID), key(uint64(g), f.ID, r.ID), key(r.ID, 1)
	var film, header, review, para []byte
	db.bolt.View(func(tx *bbolt.Tx) error {
		film = bytes.Clone(tx.Bucket(bucketFilms).Get(hk))
		header = bytes.Clone(tx.Bucket(bucketHeaders).Get(hk))
		review = bytes.Clone(tx.Bucket(bucketReviews).Get(rk))
		para = bytes.Clone(tx.Bucket(bucketParagraphs).Get(pk))
		return nil
	})
	sound := map[string][]byte{string(bucketFilms): film, string(bucketHeaders): header, string(bucketReviews): review, string(bucketParagraphs): para}
	if film[0] != recBinary || header[0] != recBinary || review[0] != recBinary || para[0] != recBinary {
		t.Fatalf("records not written in the binary layout: %x %x %x %x", film[:1], header[:1], review[:1], para[:1])
	}
	for _, c := range []struct {
		what   string
		bucket []byte
		k, v   []byte
		read   func() error
	}{
		{"film cut short", bucketFilms, hk, film[:len(film)-1], func() error { _, err := db.Film(ctx, g, f.ID); return err }},
		{"film with a huge cast count", bucketFilms, hk, append(bytes.Clone(film[:len(film)-1]), 0xff, 0xff, 0x7f), func() error { _, err := db.Film(ctx, g, f.ID); return err }},
		{"header cut short", bucketHeaders, hk, header[:len(header)-3], func() error { _, err := db.FilmHeader(ctx, g, f.ID); return err }},
		{"header with bytes left over", bucketHeaders, hk, append(bytes.Clone(header), 0), func() error { _, err := db.FilmHeader(ctx, g, f.ID); return err }},
		{"header with a huge alias count", bucketHeaders, hk, []byte{recBinary, 1, 111, 1, 'W', 2, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, func() error { _, err := db.FilmHeader(ctx, g, f.ID); return err }},
		{"review header cut short", bucketReviews, rk, review[:4], func() error { _, err := db.Review(ctx, g, r.ID); return err }},
		{"paragraph with unknown flags", bucketParagraphs, pk, []byte{recBinary, 0x80, 'x'}, func() error { _, _, err := db.Excerpt(ctx, g, r.ID, 1); return err }},
		{"empty paragraph record", bucketParagraphs, pk, []byte{recBinary}, func() error { _, _, err := db.Excerpt(ctx, g, r.ID, 1); return err }},
	} {
		put(t, db, c.bucket, c.k, c.v)
		wantDamaged(t, c.what, c.read(), string(c.bucket))
		put(t, db, c.bucket, c.k, sound[string(c.bucket)])
		if err := c.read(); err != nil {
			t.Errorf("%s, then put back: %v", c.what, err)
		}
	}
}

// Every header and paragraph comes back from the binary layout as it
// went in.
func FuzzBinaryRecords(f *testing.F) {
	f.Add(uint64(7), uint64(111), "Anora", 2024, 139, "US", "ani", "https://boxd.it/x", "42", int64(1732700000), "Drew", "A quote", 12, true, "text ||spoiler|| é")
	f.Add(uint64(0), uint64(0), "", -1, 0, "", "", "", "", int64(-62135596800), "", "", 0, false, "")
	f.Fuzz(func(t *testing.T, id, scope uint64, title string, year, runtime int, country, alias, link, by string, at int64, reviewer, quote string, paragraphs int, spoiler bool, text string) {
		when := time.Unix(at%(1<<40), int64(uint64(at)%1e9)).UTC()
		film := Film{ID: id, Scope: Scope(scope), Title: title, Year: year, Runtime: runtime, Country: country, Letterboxd: link, CreatedBy: by, CreatedAt: when, UpdatedAt: when.Add(time.Second)}
		if alias != "" {
			film.Aliases = []string{alias, alias + "2"}
		}
		var gotF Film
		if err := decodeBinary(bucketHeaders, &gotF, encodeFilmHeader(film)[1:]); err != nil || !reflect.DeepEqual(gotF, film) {
			t.Fatalf("film header: %+v, %v; want %+v", gotF, err, film)
		}
		whole := film
		if alias != "" {
			whole.Directors, whole.Awards, whole.Premiere = []string{alias}, []string{title, alias}, country
			whole.Cast = []storage.Role{{Actor: alias, Role: title, Note: by}, {Actor: reviewer}}
		}
		whole.Languages, whole.Release = []string{country}, link
		var gotW Film
		if err := decodeBinary(bucketFilms, &gotW, encodeFilm(whole)[1:]); err != nil || !reflect.DeepEqual(gotW, whole) {
			t.Fatalf("whole film: %+v, %v; want %+v", gotW, err, whole)
		}
		// A whole film where a header belongs, or the reverse, is damage.
		if err := decodeBinary(bucketHeaders, &gotF, encodeFilm(whole)[1:]); err == nil {
			t.Fatal("a whole film read as a header")
		}
		if err := decodeBinary(bucketFilms, &gotW, encodeFilmHeader(film)[1:]); err == nil {
			t.Fatal("a header read as a whole film")
		}
		rev := Review{ID: id, FilmID: id + 1, Scope: Scope(scope), Reviewer: reviewer, PullQuote: quote, Paragraphs: paragraphs, PostedBy: by, PostedAt: when}
		var gotR Review
		if err := decodeBinary(bucketReviews, &gotR, encodeReviewHeader(rev)[1:]); err != nil || !reflect.DeepEqual(gotR, rev) {
			t.Fatalf("review header: %+v, %v; want %+v", gotR, err, rev)
		}
		e := Excerpt{Text: text, Spoiler: spoiler}
		var gotE Excerpt
		if err := decodeBinary(bucketParagraphs, &gotE, encodeParagraph(e)[1:]); err != nil || gotE != e {
			t.Fatalf("paragraph: %+v, %v; want %+v", gotE, err, e)
		}
	})
}

// A damaged paragraph leaves /review's page whole: that review's excerpt
// is left empty (and reported), the others read, and Excerpt, which
// /review falls back to, says what is wrong.
func TestReviewPageDamagedParagraph(t *testing.T) {
	var heard []error
	db := open(t, Options{OnDamage: func(err error) { heard = append(heard, err) }})
	bad, err := db.AddReview(ctx, g, Review{FilmID: 1, Reviewer: "bad", Excerpts: []Excerpt{{Text: "soon damaged"}}})
	if err != nil {
		t.Fatal(err)
	}
	put(t, db, bucketParagraphs, key(bad.ID, 1), []byte{recBinary, 0x80, 'x'})
	p, err := db.ReviewPage(ctx, g, 1, 1)
	if err != nil || len(p.Reviews) != 2 {
		t.Fatalf("page: %+v, %v", p, err)
	}
	for k, r := range p.Reviews {
		if got := p.Excerpts[k].Text; (r.ID == bad.ID) != (got == "") {
			t.Errorf("review %d (%s): excerpt %q", r.ID, r.Reviewer, got)
		}
	}
	if len(heard) != 1 {
		t.Errorf("damage reported %d times: %v", len(heard), heard)
	}
	_, _, err = db.Excerpt(ctx, g, bad.ID, 1)
	wantDamaged(t, "the damaged paragraph read alone", err, string(bucketParagraphs))
}

// Every page of a file, overwritten with zeros or with noise, either
// fails Open with ErrDamaged or leaves a database that opens and reads
// (a page nothing uses): never a panic in a goroutine of bbolt's, which
// would end this test process. Two files: one as filmbot writes them (no
// free list on disk), one whose free list an older bbolt wrote to a page
// of its own. The cmd tests check the same in child processes, with the
// one line the operator sees.
func TestEveryDamagedPageIsCaughtAtOpen(t *testing.T) {
	for _, syncedFreelist := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "good.db")
		db, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var recs []storage.Record
		for u := range uint64(4000) {
			recs = append(recs, storage.Record{Rating: &Rating{Scope: Scope(100 + u%5), Film: 1, User: u + 1, Score: int(u%10) + 1, At: time.Unix(0, 0)}})
		}
		if err := db.Load(ctx, recs); err != nil {
			t.Fatal(err)
		}
		for u := range uint64(50) { // single writes leave free pages behind
			if _, err := db.Rate(ctx, 100, 1, u+1, 3); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		freelist := 0
		b, err := bbolt.Open(path, 0o600, &bbolt.Options{NoFreelistSync: !syncedFreelist})
		if err != nil {
			t.Fatal(err)
		}
		b.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("x"), []byte("y")) })
		b.View(func(tx *bbolt.Tx) error {
			for id := 2; ; id++ {
				p, err := tx.Page(id)
				if err != nil || p == nil {
					break
				}
				if p.Type == "freelist" {
					freelist = id
				}
			}
			return nil
		})
		b.Close()
		if syncedFreelist && freelist == 0 {
			t.Fatal("no free list page to damage")
		}
		data, _ := os.ReadFile(path)
		const ps = 4096
		used := 0
		b, err = bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		b.View(func(tx *bbolt.Tx) error { used = int(tx.Size()) / ps; return nil })
		b.Close()
		noise := make([]byte, ps)
		for i := range noise {
			noise[i] = byte(i*131 + i>>9)
		}
		bad := filepath.Join(dir, "bad.db")
		caught := 0
		for id := range used {
			for _, fill := range [][]byte{make([]byte, ps), noise} {
				damaged := bytes.Clone(data)
				copy(damaged[id*ps:], fill)
				os.WriteFile(bad, damaged, 0o600)
				db, err := Open(bad, Options{ReadOnly: id%2 == 0})
				if err != nil {
					if !errors.Is(err, ErrDamaged) {
						t.Errorf("page %d of %d: %v, want ErrDamaged", id, used, err)
					}
					caught++
					continue
				}
				if id == freelist && freelist != 0 {
					t.Errorf("the free list's page %d damaged, and Open took the file", id)
				}
				if _, err := db.Counts(ctx); err != nil {
					t.Errorf("page %d: opened, but %v", id, err)
				}
				db.Close()
			}
		}
		if caught < used { // most pages are in use
			t.Errorf("synced free list %v: %d of %d damaged pages caught", syncedFreelist, caught, 2*used)
		}
	}
}
