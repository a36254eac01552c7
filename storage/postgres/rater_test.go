package postgres

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// One group holding good ratings, a film that does not exist, a removal
// of a rating that was never made and a re-rate: each gets its own answer
// and the aggregate agrees with the ratings.
func TestGroupOfRatings(t *testing.T) {
	db, err := Open(context.Background(), pgtest.URL(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Rate(ctx, 111, 1, 7, 3); err != nil {
		t.Fatal(err)
	}
	at := db.now()
	req := func(film, user uint64, score int) *rateReq {
		return &rateReq{ctx: ctx, scope: 111, film: film, user: user, score: score, at: at, done: make(chan rateRes, 1)}
	}
	group := []*rateReq{req(1, 1, 10), req(999, 2, 5), req(1, 3, 0), req(1, 7, 8), req(1, 4, 8)}
	db.writeGroup(group)
	var res []rateRes
	for _, r := range group {
		res = append(res, <-r.done)
	}
	if !errors.Is(res[1].err, storage.ErrNotFound) {
		t.Errorf("unknown film: %+v", res[1])
	}
	for _, i := range []int{0, 2, 3, 4} {
		if res[i].err != nil || res[i].agg.Count != 3 || res[i].agg.Sum != 26 {
			t.Errorf("rating %d: %+v, want the aggregate after the group (3 ratings, sum 26)", i, res[i])
		}
	}
	if res[3].old != 3 || res[0].old != 0 || res[2].old != 0 {
		t.Errorf("old scores %d %d %d, want 3 0 0", res[3].old, res[0].old, res[2].old)
	}
	if a, _ := db.Aggregate(ctx, 111, 1); a.Count != 3 || a.Hist[9] != 1 || a.Hist[7] != 2 {
		t.Errorf("stored aggregate %+v", a)
	}
	if _, err := db.UserRating(ctx, 111, 999, 2); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("rating of an unknown film stored: %v", err)
	}
}

// A member's second rating of a film waits for the next group (a group
// writes each rating once); members whose deadline passed are left out.
func TestTakeGroup(t *testing.T) {
	ctx := context.Background()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	a, b, c, d := &rateReq{ctx: ctx, scope: 1, film: 1, user: 1}, &rateReq{ctx: ctx, scope: 1, film: 1, user: 1, score: 2},
		&rateReq{ctx: gone, scope: 1, film: 1, user: 2}, &rateReq{ctx: ctx, scope: 2, film: 1, user: 1}
	group, rest := takeGroup([]*rateReq{a, b, c, d})
	if len(group) != 2 || group[0] != a || group[1] != d || len(rest) != 1 || rest[0] != b {
		t.Errorf("group %v rest %v", group, rest)
	}
	var many []*rateReq
	for u := range maxGroup + 10 {
		many = append(many, &rateReq{ctx: ctx, scope: 1, film: 1, user: uint64(u)})
	}
	if group, rest := takeGroup(many); len(group) != maxGroup || len(rest) != 10 {
		t.Errorf("%d in the group, %d left", len(group), len(rest))
	}
}

// Two processes' groups over the same films and members never deadlock,
// and every film's aggregate equals its ratings afterwards.
func TestTwoProcessesGroups(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	var dbs []*DB
	for range 2 {
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	var films []uint64
	for _, title := range []string{"B", "C", "D"} {
		f, err := dbs[0].CreateFilm(ctx, 111, storage.Film{Title: title, Year: 2000})
		if err != nil {
			t.Fatal(err)
		}
		films = append(films, f.ID)
	}
	deadline := time.Now().Add(20 * time.Second)
	var wg sync.WaitGroup
	for w := range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for k := range 60 {
				if time.Now().After(deadline) {
					t.Error("too slow: a deadlock?")
					return
				}
				film, user := films[(w+k)%3], uint64((w*7+k)%25)
				var err error
				if k%9 == 0 {
					_, _, err = db.Unrate(ctx, 111, film, user)
				} else {
					_, err = db.Rate(ctx, 111, film, user, 1+(w+k)%10)
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range films {
		rs, _ := dbs[1].FilmRatings(ctx, 111, f)
		var want storage.Aggregate
		for _, r := range rs {
			want.Count++
			want.Sum += r.Score
			want.Hist[r.Score-1]++
		}
		if got, _ := dbs[0].Aggregate(ctx, 111, f); got.Count != want.Count || got.Sum != want.Sum || got.Hist != want.Hist {
			t.Errorf("film %d: aggregate %+v, ratings say %+v", f, got, want)
		}
	}
}

// The rating that started a run of groups is answered with its own group,
// however many ratings keep arriving after it: no rating waits on the
// groups of those that came later.
func TestFirstRatingNotKeptWaiting(t *testing.T) {
	db, err := Open(context.Background(), pgtest.URL(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var mu sync.Mutex
	var worst time.Duration
	var wg sync.WaitGroup
	// Ratings arrive on their own, as interactions do, not each after the
	// last one's answer: while a group commits, the next is already queued.
	for end, k := time.Now().Add(1500*time.Millisecond), 0; time.Now().Before(end); k++ {
		for t0 := time.Now(); time.Since(t0) < 100*time.Microsecond; { // finer than a timer
			runtime.Gosched()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			if _, err := db.Rate(ctx, 111, 1, uint64(100+k%500), 1+k%10); err != nil {
				t.Error(err)
			}
			mu.Lock()
			worst = max(worst, time.Since(t0))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if worst > time.Second {
		t.Errorf("a rating took %v while others kept coming", worst)
	}
}
