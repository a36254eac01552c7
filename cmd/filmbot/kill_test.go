package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// The built bot on PostgreSQL, killed with SIGKILL while members rate:
// every rating it confirmed to a member is in the database, and a bot
// started again serves them.
func TestBinaryKill9OnPostgres(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	url := pgtest.URL(t)
	bin := buildBot(t)
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	start := func() (*exec.Cmd, *syncBuffer) {
		return startBinary(t, bin, "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL, "FILMBOT_DB="+url, "LOG_LEVEL=info", "FILMBOT_BACKUP_DIR=")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bot, logs := start()
	defer func() { bot.Process.Kill(); bot.Wait() }()
	if _, err := sb.WaitCommands(ctx, ""); err != nil {
		t.Fatalf("no registration: %v\n%s", err, logs.String())
	}
	member := func(k int) sandbox.Member {
		return sandbox.Member{GuildID: sandbox.Viewer.GuildID, UserID: fmt.Sprint(600000000000000000 + k), Name: "m"}
	}
	// Members rate without pause; the bot is killed mid-load.
	began := time.Now()
	var mu sync.Mutex
	confirmed := map[int]int{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; ; k += 16 {
				select {
				case <-stop:
					return
				default:
				}
				score := 1 + k%10
				ix, err := sb.Command(member(k), fmt.Sprintf("/rate film:anora score:%d", score))
				if err != nil {
					return
				}
				wctx, wcancel := context.WithTimeout(ctx, 3*time.Second)
				a, err := ix.Wait(wctx)
				wcancel()
				if err == nil && a.Message != nil && len(a.Message.Cards()) > 0 && strings.Contains(a.Message.Cards()[0].Description, "You rated") {
					mu.Lock()
					confirmed[k] = score
					mu.Unlock()
				}
			}
		}()
	}
	n := 0
	eventually(time.Until(deadlineOf(ctx)), func() bool {
		mu.Lock()
		n = len(confirmed)
		mu.Unlock()
		return n >= 200
	})
	t.Logf("%d confirmed after %v; killing", n, time.Since(began))
	bot.Process.Kill() // SIGKILL, mid-load
	bot.Wait()
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(confirmed) < 200 {
		t.Fatalf("only %d ratings confirmed before the kill\n%s", len(confirmed), logs.String())
	}
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for k, score := range confirmed {
		var user uint64
		fmt.Sscan(member(k).UserID, &user)
		if r, err := db.UserRating(ctx, 100000000000000001, 1, user); err != nil || r.Score != score {
			t.Fatalf("confirmed rating of member %d (%d) lost after kill -9: %+v %v", k, score, r, err)
		}
	}
	// Started again, the bot serves them.
	bot, logs = start()
	rctx, rcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer rcancel()
	for k, score := range confirmed {
		want := fmt.Sprintf("(%d/10)", score)
		if err := sb.WaitConnected(rctx); err != nil {
			t.Fatalf("the bot did not connect again: %v\n%s", err, logs.String())
		}
		var err error
		if !eventually(time.Until(deadlineOf(rctx)), func() bool {
			actx, acancel := context.WithTimeout(rctx, 2*time.Second)
			defer acancel()
			var a *sandbox.Answer
			a, _, err = sb.Do(actx, member(k), "/rate film:anora")
			return err == nil && a != nil && a.Message != nil && len(a.Message.Cards()) > 0 && strings.Contains(a.Message.Cards()[0].Description, want)
		}) {
			t.Fatalf("after the restart, member %d's rating is not served: %v\n%s", k, err, logs.String())
		}
		break
	}
	t.Logf("%d ratings confirmed before SIGKILL, all found", len(confirmed))
}
