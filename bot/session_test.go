package bot

import (
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// buckets counts discordgo's rate-limit buckets (an unexported map).
func buckets(s *discordgo.Session) int {
	return reflect.ValueOf(s.Ratelimiter).Elem().FieldByName("buckets").Len()
}

// discordgo keeps one bucket per interaction token forever (its issue
// #1333); SessionResponder keeps a fixed pool.
func TestSessionResponderBoundsBuckets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v9/interactions/") {
			t.Errorf("request to %s", r.URL.Path)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	newSession := func() *discordgo.Session {
		s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	const n = 2000
	answer := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	plain, pooled := newSession(), newSession()
	for k := 0; k < n; k++ {
		i := &discordgo.Interaction{ID: strconv.Itoa(k), Token: "token-" + strconv.Itoa(k)}
		if err := plain.InteractionRespond(i, answer); err != nil {
			t.Fatal(err)
		}
		if err := (SessionResponder{pooled}).InteractionRespond(i, answer); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("buckets after %d answers: discordgo %d, SessionResponder %d", n, buckets(plain), buckets(pooled))
	if got := buckets(plain); got < n {
		t.Logf("discordgo itself kept %d buckets for %d answers (issue #1333 may be fixed)", got, n)
	}
	if got := buckets(pooled); got > bucketPool {
		t.Errorf("SessionResponder kept %d buckets for %d answers, want at most %d", got, n, bucketPool)
	}
}

// A busy bot sends many answers at once; over HTTP/1.1 (a sandbox, a
// proxy) it must reuse its connections rather than open one per answer.
func TestSessionReusesConnections(t *testing.T) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	const concurrent, rounds = 32, 10
	answer := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		for k := 0; k < concurrent; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := strconv.Itoa(r*concurrent + k)
				if err := (SessionResponder{s}).InteractionRespond(&discordgo.Interaction{ID: id, Token: "tok" + id}, answer); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	// At most one connection per answer in flight at once; with Go's
	// default of two idle connections it is close to one per answer.
	if n := opened.Load(); n > concurrent {
		t.Errorf("%d connections opened for %d answers, %d at a time", n, concurrent*rounds, concurrent)
	}
}
