package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// screenServer answers the REST calls of movie nights with canned
// statuses, and keeps the bodies posted.
func screenServer(t *testing.T, routes map[string]func(w http.ResponseWriter)) (SessionPoster, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		key := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/api/v9")
		h := routes[key]
		if h == nil {
			t.Errorf("unexpected %s", key)
			w.WriteHeader(500)
			return
		}
		h(w)
	}))
	t.Cleanup(srv.Close)
	s, err := NewSession(Config{Token: "x", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s.MaxRestRetries = 0
	return SessionPoster{S: s}, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
}

func status(code int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func is[T any](err error) bool {
	var v T
	return errors.As(err, &v)
}

// Discord's answers read as what they mean for a movie night: a channel
// the bot cannot see (PostPoll's lookup) is a missing permission; the
// where: channel deleted or hidden is Gone; an event Discord will not
// take (a start in the past) is Refused.
func TestScreenerErrors(t *testing.T) {
	ctx := context.Background()
	p, _ := screenServer(t, map[string]func(http.ResponseWriter){
		"GET /channels/10":                 status(403, `{"code":50001,"message":"Missing Access"}`),
		"GET /channels/11":                 status(404, `{"code":10003,"message":"Unknown Channel"}`),
		"GET /channels/12/messages/5":      status(404, `{"code":10008,"message":"Unknown Message"}`),
		"POST /channels/12/polls/5/expire": status(404, `{"code":10008,"message":"Unknown Message"}`),
		"POST /guilds/1/scheduled-events":  status(400, `{"code":50035,"message":"Invalid Form Body"}`),
	})
	if _, err := p.PostPoll(ctx, "1", "10", "c", "q", []string{"a", "b"}, 1); !is[*Forbidden](err) {
		t.Errorf("PostPoll, channel hidden: %v", err)
	}
	if _, err := p.PostPoll(ctx, "1", "11", "c", "q", []string{"a", "b"}, 1); !is[*Gone](err) {
		t.Errorf("PostPoll, channel deleted: %v", err)
	}
	for _, ch := range []string{"10", "11"} {
		if _, err := p.CreateEvent(ctx, "1", "n", "d", ch, "", time.Now().Add(time.Hour), time.Now().Add(2*time.Hour)); !is[*Gone](err) {
			t.Errorf("CreateEvent in channel %s: %v", ch, err)
		}
	}
	if _, err := p.CreateEvent(ctx, "1", "n", "d", "", "there", time.Now().Add(-time.Hour), time.Now()); !is[*Refused](err) {
		t.Errorf("CreateEvent in the past: %v", err)
	}
	if _, err := p.EndPoll(ctx, "12", "5"); !is[*Gone](err) {
		t.Errorf("EndPoll of a deleted poll: %v", err)
	}
	if _, err := p.PostCard(ctx, "1", "11", "c", &discordgo.MessageEmbed{Title: "t"}, nil, ""); !is[*Gone](err) {
		t.Errorf("PostCard in a deleted channel: %v", err)
	}
}

// A poll that could not be ended and is still open is not read as
// final: the step tries again (a host's /movienight close hitting a 5xx
// would otherwise announce a winner while members still vote). One that
// has ended is read as it is.
func TestEndPollStillOpen(t *testing.T) {
	ctx := context.Background()
	open := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	ended := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	poll := func(expiry string, final bool) string {
		return `{"id":"5","channel_id":"12","poll":{"question":{"text":"q"},"answers":[{"answer_id":1,"poll_media":{"text":"a"}},{"answer_id":2,"poll_media":{"text":"b"}}],` +
			`"expiry":"` + expiry + `","results":{"is_finalized":` + map[bool]string{true: "true", false: "false"}[final] + `,"answer_counts":[{"id":2,"count":3,"me_voted":false}]}}}`
	}
	p, _ := screenServer(t, map[string]func(http.ResponseWriter){
		"POST /channels/12/polls/5/expire": status(502, `{"message":"Bad Gateway"}`),
		"GET /channels/12/messages/5":      status(200, poll(open, false)),
		"POST /channels/13/polls/6/expire": status(400, `{"code":520001,"message":"Poll expired"}`),
		"GET /channels/13/messages/6":      status(200, poll(ended, true)),
	})
	if votes, err := p.EndPoll(ctx, "12", "5"); err == nil {
		t.Errorf("a poll still open read as final: %v", votes)
	}
	if votes, err := p.EndPoll(ctx, "13", "6"); err != nil || len(votes) != 2 || votes[1] != 3 {
		t.Errorf("an ended poll: %v %v", votes, err)
	}
}

// PostCard lets exactly the one user it is given be mentioned (the host
// of a movie night), and no one when given none.
func TestPostCardMention(t *testing.T) {
	ctx := context.Background()
	p, bodies := screenServer(t, map[string]func(http.ResponseWriter){
		"GET /channels/20":           status(200, `{"id":"20","guild_id":"1","type":0}`),
		"POST /channels/20/messages": status(200, `{"id":"99","channel_id":"20"}`),
	})
	if _, err := p.PostCard(ctx, "1", "20", "<@42>, no event @everyone", &discordgo.MessageEmbed{Title: "t"}, nil, "42"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PostCard(ctx, "1", "20", "no one", &discordgo.MessageEmbed{Title: "t"}, nil, ""); err != nil {
		t.Fatal(err)
	}
	type body struct {
		AllowedMentions map[string]any `json:"allowed_mentions"`
	}
	var sent []body
	for _, b := range bodies() {
		if b == "" {
			continue
		}
		var m body
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m)
	}
	if len(sent) != 2 {
		t.Fatalf("sent %d", len(sent))
	}
	if got, _ := json.Marshal(sent[0].AllowedMentions); string(got) != `{"parse":[],"replied_user":false,"users":["42"]}` {
		t.Errorf("the host's card: %s", got)
	}
	if got, _ := json.Marshal(sent[1].AllowedMentions); string(got) != `{"parse":[],"replied_user":false}` {
		t.Errorf("a card for no one: %s", got)
	}
}

// FindPost finds the bot's own message by its tag (in the content or an
// embed's footer), never a member's that quotes it; FindEvent finds an
// event by its description.
func TestFindPostAndEvent(t *testing.T) {
	ctx := context.Background()
	p, _ := screenServer(t, map[string]func(http.ResponseWriter){
		"GET /channels/30/messages": status(200, `[
			{"id":"3","content":"Movie night #7 · announce","author":{"id":"5","bot":false}},
			{"id":"2","content":"","author":{"id":"9","bot":true},"embeds":[{"title":"x","footer":{"text":"Movie night #7 · announce"}}]},
			{"id":"1","content":"vote\n-# Movie night #7 · poll","author":{"id":"9","bot":true}}]`),
		"GET /guilds/1/scheduled-events": status(200, `[{"id":"70","guild_id":"1","description":"other"},{"id":"71","guild_id":"1","description":"Voted.\nMovie night #7 · event"}]`),
	})
	for tag, want := range map[string]string{"Movie night #7 · announce": "2", "Movie night #7 · poll": "1", "Movie night #7 · verdict": ""} {
		if got, err := p.FindPost(ctx, "30", tag); got != want || err != nil {
			t.Errorf("FindPost %q: %q %v, want %q", tag, got, err, want)
		}
	}
	if got, err := p.FindEvent(ctx, "1", "Movie night #7 · event"); got != "71" || err != nil {
		t.Errorf("FindEvent: %q %v", got, err)
	}
	if got, err := p.FindEvent(ctx, "1", "Movie night #8 · event"); got != "" || err != nil {
		t.Errorf("FindEvent of none: %q %v", got, err)
	}
}
