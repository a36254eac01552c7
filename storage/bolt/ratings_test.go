package bolt

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const g = Scope(111)

// Many members rating and re-rating at once: the aggregates always agree
// with the stored ratings, and each member has one rating per film.

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
			_, errs[k] = db.Rate(ctx, g, film, uint64(k), 5)
		}(k)
	}
	wg.Wait()
	for k, err := range errs {
		_, gerr := db.UserRating(ctx, g, 1, uint64(k))
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
		r, err := db.UserRating(ctx, g, 1, user)
		if err != nil || r.Score != score {
			t.Fatalf("confirmed rating of user %d (%d) lost: %+v %v", user, score, r, err)
		}
	}
	a, _ := db.Aggregate(ctx, g, 1)
	rs, _ := db.FilmRatings(ctx, g, 1)
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
				if _, err := db.Rate(ctx, g, 1, user, score); err != nil {
					return
				}
				mu.Lock()
				w.WriteString("ok " + strconv.FormatUint(user, 10) + " " + strconv.Itoa(score) + "\n")
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	// Until killed; a minute at most, should the parent die first.
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(time.Minute):
	}
}
