package storage

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const g = Scope(111)

func TestRateRoundTrip(t *testing.T) {
	db := open(t, Options{})
	a, old, err := db.Rate(g, 1, 42, 7)
	if err != nil || old != 0 || a.Count != 1 || a.Sum != 7 || a.Hist[6] != 1 {
		t.Fatalf("first rate: %+v old %d err %v", a, old, err)
	}
	a, old, err = db.Rate(g, 1, 42, 9)
	if err != nil || old != 7 || a.Count != 1 || a.Sum != 9 || a.Hist[6] != 0 || a.Hist[8] != 1 {
		t.Fatalf("re-rate: %+v old %d err %v", a, old, err)
	}
	if r, err := db.UserRating(g, 1, 42); err != nil || r.Score != 9 || !r.At.Equal(clock()) {
		t.Errorf("UserRating = %+v, %v", r, err)
	}
	if _, err := db.UserRating(Scope(222), 1, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("another server sees the rating: %v", err)
	}
	for _, bad := range []int{0, 11, -1} {
		if _, _, err := db.Rate(g, 1, 42, bad); !errors.Is(err, ErrScore) {
			t.Errorf("score %d: %v", bad, err)
		}
	}
	if _, _, err := db.Rate(g, 999, 42, 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown film: %v", err)
	}
	if _, _, err := db.Rate(BuiltIn, 1, 42, 5); err == nil {
		t.Error("rated outside a server")
	}
	if a, _ := db.Aggregate(g, 1); a.Count != 1 || a.Sum != 9 {
		t.Errorf("bad input changed the aggregate: %+v", a)
	}
	a, old, err = db.Unrate(g, 1, 42)
	if err != nil || old != 9 || a.Count != 0 {
		t.Fatalf("unrate: %+v %d %v", a, old, err)
	}
	if rs, _ := db.UserRatings(g, 42); len(rs) != 0 {
		t.Errorf("user ratings after unrate: %+v", rs)
	}
	if top, _ := db.Top(g, 1); len(top) != 0 {
		t.Errorf("top after unrate: %+v", top)
	}
}

func TestMedianAndTop(t *testing.T) {
	db := open(t, Options{})
	f2, _ := db.AddFilm(g, Film{Title: "B", Year: 2000})
	f3, _ := db.AddFilm(g, Film{Title: "C", Year: 2000})
	for u, s := range []int{10, 6, 8, 4} { // Anora: avg 7, median 7
		db.Rate(g, 1, uint64(u+1), s)
	}
	db.Rate(g, f2.ID, 1, 7) // avg 7 with fewer ratings: after Anora
	db.Rate(g, f3.ID, 1, 9) // best, one rating
	a, _ := db.Aggregate(g, 1)
	if a.Average() != 7 || a.Median() != 7 {
		t.Errorf("avg %v median %v", a.Average(), a.Median())
	}
	top, _ := db.Top(g, 1)
	if len(top) != 3 || top[0].Film != f3.ID || top[1].Film != 1 || top[2].Film != f2.ID {
		t.Errorf("top = %+v", top)
	}
	if top, _ := db.Top(g, 2); len(top) != 1 || top[0].Film != 1 {
		t.Errorf("top min 2 = %+v", top)
	}
}

// Many members rating and re-rating at once: the aggregates always agree
// with the stored ratings, and each member has one rating per film.
func TestConcurrentRatingsAgree(t *testing.T) {
	db := open(t, Options{})
	f2, _ := db.AddFilm(g, Film{Title: "B", Year: 2000})
	films := []uint64{1, f2.ID}
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for k := 0; k < 50; k++ {
				user := uint64(rng.Intn(20)) // users overlap across goroutines: concurrent re-rates
				film := films[rng.Intn(2)]
				var err error
				if rng.Intn(10) == 0 {
					_, _, err = db.Unrate(g, film, user)
				} else {
					_, _, err = db.Rate(g, film, user, 1+rng.Intn(10))
				}
				if err != nil {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()
	for _, f := range films {
		rs, _ := db.FilmRatings(g, f)
		var want Aggregate
		users := map[uint64]bool{}
		for _, r := range rs {
			if users[r.User] {
				t.Errorf("user %d has two ratings of film %d", r.User, f)
			}
			users[r.User] = true
			want.Sum += r.Score
			want.Count++
			want.Hist[r.Score-1]++
			if ur, err := db.UserRating(g, f, r.User); err != nil || ur.Score != r.Score {
				t.Errorf("user index disagrees: %+v %v", ur, err)
			}
		}
		got, _ := db.Aggregate(g, f)
		if got.Sum != want.Sum || got.Count != want.Count || got.Hist != want.Hist {
			t.Errorf("film %d aggregate %+v, ratings say %+v", f, got, want)
		}
	}
}

// A failing write in a group does not undo the others.
func TestGroupMemberFailureIsolated(t *testing.T) {
	db := open(t, Options{})
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for k := range errs {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			film := uint64(1)
			if k%4 == 0 {
				film = 999 // unknown: fails
			}
			_, _, errs[k] = db.Rate(g, film, uint64(k), 5)
		}(k)
	}
	wg.Wait()
	for k, err := range errs {
		_, gerr := db.UserRating(g, 1, uint64(k))
		if k%4 == 0 && (!errors.Is(err, ErrNotFound) || gerr == nil) {
			t.Errorf("write %d should have failed alone: %v", k, err)
		}
		if k%4 != 0 && (err != nil || gerr != nil) {
			t.Errorf("write %d lost: %v %v", k, err, gerr)
		}
	}
}

// TestCrashLosesNoConfirmedRating runs the store in a child process,
// kills it with SIGKILL in the middle of a load, and checks that every
// rating the child confirmed is in the reopened file, which passes bbolt's
// consistency check.
func TestCrashLosesNoConfirmedRating(t *testing.T) {
	if path := os.Getenv("FILMBOT_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNoConfirmedRating$")
	cmd.Env = append(os.Environ(), "FILMBOT_CRASH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	confirmed := map[uint64]int{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(confirmed) < 3000 {
		var user uint64
		var score int
		if _, err := fmt.Sscanf(sc.Text(), "ok %d %d", &user, &score); err == nil {
			confirmed[user] = score
		}
	}
	cmd.Process.Kill() // SIGKILL, mid-load
	cmd.Wait()
	if len(confirmed) < 3000 {
		t.Fatalf("child confirmed only %d ratings", len(confirmed))
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("bbolt check after kill -9: %v", err)
	}
	for user, score := range confirmed {
		r, err := db.UserRating(g, 1, user)
		if err != nil || r.Score != score {
			t.Fatalf("confirmed rating of user %d (%d) lost: %+v %v", user, score, r, err)
		}
	}
	a, _ := db.Aggregate(g, 1)
	rs, _ := db.FilmRatings(g, 1)
	if a.Count != len(rs) || a.Count < len(confirmed) {
		t.Errorf("aggregate count %d, %d ratings stored, %d confirmed", a.Count, len(rs), len(confirmed))
	}
	t.Logf("%d confirmed ratings survived SIGKILL (%d stored)", len(confirmed), len(rs))
}

// crashChild rates as fast as 32 members can, printing each confirmed
// rating, until it is killed. Each user rates once, so a confirmed line
// names its final score.
func crashChild(path string) {
	db, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var next uint64
	var wg sync.WaitGroup
	for k := 0; k < 32; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				next++
				user := next
				mu.Unlock()
				score := int(user%10) + 1
				if _, _, err := db.Rate(g, 1, user, score); err != nil {
					return
				}
				mu.Lock()
				w.WriteString("ok " + strconv.FormatUint(user, 10) + " " + strconv.Itoa(score) + "\n")
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Minute)
}
