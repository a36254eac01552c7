package bot

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
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
