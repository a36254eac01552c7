package bolt

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	bbolt "go.etcd.io/bbolt"
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
	if _, _, err := db.Rate(ctx, g, 1, 7, 8); err != nil {
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
			_, _, errs[u] = db.Rate(ctx, g, 1, uint64(u), 5) // user 7 is the damaged one
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
	if _, _, err := db.Rate(ctx, g, 1, 1, 8); err != nil {
		t.Fatal(err)
	}
	for _, v := range [][]byte{{1, 2, 3}, make([]byte, aggregateSize-1), encodeAggregate(Aggregate{Sum: 9, Count: 1, Hist: [10]int{0, 0, 0, 0, 0, 0, 0, 1}})} {
		put(t, db, bucketAggregates, key(uint64(g), 1), v)
		_, _, err := db.Rate(ctx, g, 1, 2, 5)
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
	if _, _, err := db.Rate(ctx, g, 1, 1, 6); err != nil {
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
