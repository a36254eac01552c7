package storetest

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// ratingState is a server's ratings as a model of them holds them:
// member and film → score.
type ratingState map[[2]uint64]int

// apply brings s up to date with what RatingsSince read.
func (s ratingState) apply(c storage.RatingChanges) {
	if c.Full {
		clear(s)
	}
	for _, r := range c.Ratings {
		if r.Score == 0 {
			delete(s, [2]uint64{r.User, r.Film})
			continue
		}
		s[[2]uint64{r.User, r.Film}] = r.Score
	}
}

// runRecommend covers what recommendations read and write: the ratings'
// version and changes, and the "not interested" marks.
func runRecommend(t *testing.T, open Open) {
	t.Run("RatingsSince", func(t *testing.T) {
		db := open(t, clock)
		since := func(s storage.Scope, v uint64) storage.RatingChanges {
			t.Helper()
			c, err := db.RatingsSince(ctx, s, v)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		full := func(s storage.Scope) ratingState {
			t.Helper()
			c := since(s, 0)
			if !c.Full {
				t.Fatalf("RatingsSince(0) is not Full: %+v", c)
			}
			st := ratingState{}
			st.apply(c)
			return st
		}
		if c := since(g, 0); !c.Full || len(c.Ratings) != 0 {
			t.Fatalf("a server without ratings: %+v, want Full and none", c)
		}
		var films []uint64
		for i := range 4 {
			f, err := db.CreateFilm(ctx, g, storage.Film{Title: fmt.Sprintf("Film %d", i), Year: 2000 + i})
			if err != nil {
				t.Fatal(err)
			}
			films = append(films, f.ID)
		}
		other, err := db.CreateFilm(ctx, 222, storage.Film{Title: "Elsewhere", Year: 1999})
		if err != nil {
			t.Fatal(err)
		}
		mustRate := func(s storage.Scope, film, user uint64, score int) {
			t.Helper()
			if _, err := db.Rate(ctx, s, film, user, score); err != nil {
				t.Fatal(err)
			}
		}
		mustRate(g, films[0], 1, 8)
		mustRate(g, films[1], 1, 3)
		mustRate(g, films[0], 2, 9)
		mustRate(222, other.ID, 1, 5)
		c0 := since(g, 0)
		model := ratingState{}
		model.apply(c0)
		want := ratingState{{1, films[0]}: 8, {1, films[1]}: 3, {2, films[0]}: 9}
		if !reflect.DeepEqual(model, want) || c0.Version == 0 {
			t.Fatalf("Full = %v at version %d, want %v at a version > 0", model, c0.Version, want)
		}
		if c := since(g, c0.Version); c.Full || len(c.Ratings) != 0 || c.Version != c0.Version {
			t.Errorf("nothing changed since %d, got %+v", c0.Version, c)
		}
		// Every write path moves the version; the changes since bring a
		// model to what a full read gives.
		v := c0.Version
		steps := []struct {
			name string
			do   func() error
		}{
			{"Rate (new)", func() error { _, err := db.Rate(ctx, g, films[2], 3, 7); return err }},
			{"Rate (replace)", func() error { _, err := db.Rate(ctx, g, films[0], 1, 10); return err }},
			{"Unrate", func() error { _, _, err := db.Unrate(ctx, g, films[1], 1); return err }},
			{"ImportRatings", func() error {
				_, err := db.ImportRatings(ctx, g, 4, []storage.Rating{{Film: films[0], Score: 6, At: clock()}, {Film: films[3], Score: 2, At: clock()}})
				return err
			}},
			{"DeleteFilm", func() error { return db.DeleteFilm(ctx, g, films[0]) }},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			c := since(g, v)
			if c.Full || c.Version <= v {
				t.Fatalf("after %s: %+v since %d, want the changes and a later version", s.name, c, v)
			}
			model.apply(c)
			if want := full(g); !reflect.DeepEqual(model, want) {
				t.Fatalf("after %s: the changes since %d make %v, a full read %v", s.name, v, model, want)
			}
			v = c.Version
		}
		if len(model) != 2 {
			t.Errorf("at the end %v, want member 3's and member 4's film 3", model)
		}
		if c := since(222, 0); len(c.Ratings) != 1 || c.Ratings[0].Film != other.ID {
			t.Errorf("server 222 sees %+v, want its one rating", c.Ratings)
		}
		if c := since(g, v+1000); !c.Full || len(c.Ratings) != 2 || c.Version != v {
			t.Errorf("a version the store never had: %+v, want Full at %d", c, v)
		}
		if _, err := db.Rate(ctx, g, films[0], 5, 5); !errors.Is(err, storage.ErrNotFound) { // the film is gone
			t.Fatalf("rating a removed film: %v", err)
		}
		if c := since(g, v); c.Version != v || len(c.Ratings) != 0 {
			t.Errorf("a refused rating moved the version: %+v", c)
		}
	})
	t.Run("RatingsSinceConcurrently", func(t *testing.T) {
		db := open(t, clock)
		var films []uint64
		for i := range 8 {
			f, err := db.CreateFilm(ctx, g, storage.Film{Title: fmt.Sprintf("Film %d", i), Year: 2000 + i})
			if err != nil {
				t.Fatal(err)
			}
			films = append(films, f.ID)
		}
		// A model reading changes while members rate at once ends where a
		// full read does: no change is missed between two reads.
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for u := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 12 {
					var err error
					if k%5 == 4 {
						_, _, err = db.Unrate(ctx, g, films[(u+k)%8], uint64(u+1))
					} else {
						_, err = db.Rate(ctx, g, films[(u+k)%8], uint64(u+1), 1+(u*k)%10)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		model, v := ratingState{}, uint64(0)
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
			}
			c, err := db.RatingsSince(ctx, g, v)
			if err != nil {
				t.Fatal(err)
			}
			if c.Version < v {
				t.Fatalf("the version went back from %d to %d", v, c.Version)
			}
			model.apply(c)
			v = c.Version
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		c, err := db.RatingsSince(ctx, g, v)
		if err != nil {
			t.Fatal(err)
		}
		model.apply(c)
		want := ratingState{}
		c, _ = db.RatingsSince(ctx, g, 0)
		want.apply(c)
		if !maps.Equal(model, want) || len(want) == 0 {
			t.Errorf("the model followed to %v, a full read gives %v", model, want)
		}
	})
	t.Run("NotInterested", func(t *testing.T) {
		db := open(t, clock)
		a, _ := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015})
		b, _ := db.CreateFilm(ctx, g, storage.Film{Title: "Red Rocket", Year: 2021})
		anora, _ := db.Films(ctx, storage.BuiltIn)
		for _, f := range []uint64{b.ID, a.ID, anora[0].ID} {
			if added, err := db.NotInterested(ctx, g, 1, f); err != nil || !added {
				t.Fatalf("NotInterested(%d) = %v, %v", f, added, err)
			}
		}
		if added, err := db.NotInterested(ctx, g, 1, a.ID); err != nil || added {
			t.Errorf("marking again = %v, %v; want false, nil", added, err)
		}
		want := []uint64{a.ID, b.ID, anora[0].ID}
		slices.Sort(want)
		if got, err := db.NotInterestedFilms(ctx, g, 1); err != nil || !slices.Equal(got, want) {
			t.Errorf("NotInterestedFilms = %v, %v; want %v", got, err, want)
		}
		if got, _ := db.NotInterestedFilms(ctx, g, 2); len(got) != 0 {
			t.Errorf("another member's marks: %v", got)
		}
		if got, _ := db.NotInterestedFilms(ctx, 222, 1); len(got) != 0 {
			t.Errorf("another server's marks: %v", got)
		}
		if _, err := db.NotInterested(ctx, 222, 1, a.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a film the server cannot see: %v, want ErrNotFound", err)
		}
		if err := db.DeleteFilm(ctx, g, a.ID); err != nil {
			t.Fatal(err)
		}
		want = slices.DeleteFunc(want, func(id uint64) bool { return id == a.ID })
		if got, _ := db.NotInterestedFilms(ctx, g, 1); !slices.Equal(got, want) {
			t.Errorf("after the film's removal: %v, want %v", got, want)
		}
	})
}
