package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
)

// The playground keeps its made-up members' data apart from the bot's
// database, and invites people to its page only once it serves: a second
// playground on the same database fails without an invitation.
func TestPlaygroundCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	getenv := func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs syncBuffer
	done := make(chan int)
	go func() { done <- Main(ctx, []string{"playground", "--listen", "127.0.0.1:0"}, getenv, &out, &errs) }()
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "open http://") }) {
		cancel()
		t.Fatalf("no invitation:\n%s\n%s", out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "filmbot-playground.db") {
		t.Errorf("banner does not name the playground's database:\n%s", out.String())
	}
	if _, err := os.Stat("filmbot-playground.db"); err != nil {
		t.Errorf("playground database: %v", err)
	}
	if _, err := os.Stat("filmbot.db"); err == nil {
		t.Error("the playground wrote into the bot's filmbot.db")
	}
	var out2, errs2 syncBuffer
	code := Main(context.Background(), []string{"playground", "--listen", "127.0.0.1:0"}, getenv, &out2, &errs2)
	if code != 1 || strings.Contains(out2.String(), "open http") || !strings.Contains(errs2.String(), "in use") {
		t.Errorf("second playground: exit %d\n%s\n%s", code, out2.String(), errs2.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("playground exit %d: %s", code, errs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the playground did not stop")
	}
}

// The playground keeps what its members see beside its database: after a
// restart the movie night the database holds still has its poll, votes
// and messages, and its host may end the poll early.
func TestPlaygroundKeepsItsConversation(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Chdir(t.TempDir())
	getenv := func(string) string { return "" }
	// A second film for the night, as a moderator would add it.
	db, msg := openStore(context.Background(), Config{DB: playgroundDB}, storage.Options{}, nil, false)
	if db == nil {
		t.Fatal(msg)
	}
	scope, _ := storage.ParseScope(sandbox.Moderator.GuildID)
	if _, err := db.CreateFilm(context.Background(), scope, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	start := func() (page string, stop func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		var out, errs syncBuffer
		done := make(chan int, 1)
		go func() { done <- Main(ctx, []string{"playground", "--listen", "127.0.0.1:0"}, getenv, &out, &errs) }()
		if !eventually(15*time.Second, func() bool { return strings.Contains(out.String(), " in your browser") }) {
			cancel()
			t.Fatalf("no invitation:\n%s\n%s", out.String(), errs.String())
		}
		page = regexp.MustCompile(`http://[^ ]+`).FindString(out.String())
		var body []byte
		if !eventually(15*time.Second, func() bool { // until the bot has registered its commands
			res, err := http.Get(page + "/_sandbox/commands?guild=" + sandbox.Moderator.GuildID)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(res.Body)
			res.Body.Close()
			return strings.Contains(string(body), "movienight")
		}) {
			t.Fatalf("no commands: %s", body)
		}
		return page, func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("playground exit %d: %s", code, errs.String())
			}
		}
	}
	call := func(page, path string, body any) map[string]any {
		t.Helper()
		var res *http.Response
		var err error
		if body == nil {
			res, err = http.Get(page + path)
		} else {
			b, _ := json.Marshal(body)
			res, err = http.Post(page+path, "application/json", bytes.NewReader(b))
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		data, _ := io.ReadAll(res.Body)
		if json.Unmarshal(data, &out) != nil {
			out = map[string]any{"list": json.RawMessage(data)}
		}
		out["status"] = float64(res.StatusCode)
		return out
	}
	run := func(page string, m sandbox.Member, line string) string {
		t.Helper()
		ix := call(page, "/_sandbox/interactions", map[string]any{"member": m, "line": line})
		id, _ := ix["id"].(string)
		ans := call(page, "/_sandbox/interactions/"+id+"?wait=10s", nil)
		msg, _ := ans["message"].(map[string]any)
		if msg == nil {
			t.Fatalf("%s: no answer: %v", line, ans)
		}
		return fmt.Sprint(msg["content"])
	}
	general := sandbox.DefaultGuilds()[0].Channels[0].ID
	messages := func(page string) []map[string]any {
		t.Helper()
		var ms []map[string]any
		raw, _ := call(page, "/_sandbox/channels/"+general+"/messages", nil)["list"].(json.RawMessage)
		json.Unmarshal(raw, &ms)
		return ms
	}

	page, stop := start()
	if got := run(page, sandbox.Moderator, `/movienight plan starts:"in 2 days" candidates:"anora, tangerine"`); !strings.Contains(got, "Planned") {
		t.Fatalf("plan: %s", got)
	}
	if r := call(page, "/_sandbox/messages", map[string]any{"member": sandbox.Viewer, "channel_id": general, "content": "I vote Tangerine."}); r["status"] != 200.0 {
		t.Fatalf("writing: %v", r)
	}
	pollID := ""
	for _, m := range messages(page) {
		if m["poll"] != nil {
			pollID, _ = m["id"].(string)
		}
	}
	if r := call(page, "/_sandbox/vote", map[string]any{"member": sandbox.Viewer, "message_id": pollID, "answers": []int{2}}); r["status"] != 200.0 {
		t.Fatalf("vote: %v", r)
	}
	stop()
	if _, err := os.Stat("filmbot-playground.sandbox.json"); err != nil {
		t.Fatalf("no state beside the database: %v", err)
	}

	page, stop = start()
	defer stop()
	var texts []string
	var poll map[string]any
	for _, m := range messages(page) {
		texts = append(texts, fmt.Sprint(m["content"]))
		if m["id"] == pollID {
			poll = m
		}
	}
	if poll == nil || !strings.Contains(strings.Join(texts, "\n"), "I vote Tangerine.") {
		t.Fatalf("after a restart the channel holds:\n%s", strings.Join(texts, "\n"))
	}
	if counts := fmt.Sprint(poll["poll"].(map[string]any)["results"]); !strings.Contains(counts, "count:1 id:2") {
		t.Errorf("the vote is gone: %s", counts)
	}
	if got := run(page, sandbox.Moderator, `/movienight plan starts:"in 3 days" candidates:"anora, tangerine"`); !strings.Contains(got, "already planned") {
		t.Errorf("second plan: %s", got)
	}
	if r := call(page, "/_sandbox/polls/end", map[string]any{"member": sandbox.Viewer, "message_id": pollID}); r["status"] != 400.0 {
		t.Errorf("a member who is not the host ended the poll: %v", r)
	}
	if r := call(page, "/_sandbox/polls/end", map[string]any{"member": sandbox.Moderator, "message_id": pollID}); r["status"] != 200.0 {
		t.Errorf("the host could not end the poll: %v", r)
	}
}
