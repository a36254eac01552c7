package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/loadtest"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// live is the real bot, as `filmbot run` builds it, connected through
// discordgo's gateway session to a sandbox.
type live struct {
	t    *testing.T
	sb   *sandbox.Server
	stop context.CancelFunc
	done chan int
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// setupDB, in startLive's extraEnv, names the database to prepare for the
// bot when it differs from the bot's FILMBOT_DB (the bot reaches it
// through a proxy that is down). The bot itself never reads it.
const setupDB = "TEST_SETUP_DB"

func startLive(t *testing.T, opts sandbox.Options, extraEnv ...string) *live {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	l := &live{t: t, sb: sb, stop: stop, done: make(chan int, 1), logs: &syncBuffer{}}
	// The database is set up before the bot starts: FILMBOT_DB, or
	// setupDB when the bot's own way there is not open yet.
	dbPath := filepath.Join(t.TempDir(), "e2e.db")
	setup := ""
	for k := 0; k+1 < len(extraEnv); k += 2 {
		switch extraEnv[k] {
		case "FILMBOT_DB":
			dbPath = extraEnv[k+1]
		case setupDB:
			setup = extraEnv[k+1]
		}
	}
	if setup == "" {
		setup = dbPath
	}
	if msg := nameModeratorRole(Config{DB: setup}); msg != "" { // as the playground does
		t.Fatal(msg)
	}
	guild, overHTTP := "", false
	for k := 0; k+1 < len(extraEnv); k += 2 {
		switch extraEnv[k] {
		case "DISCORD_GUILD_ID":
			guild = extraEnv[k+1]
		case "FILMBOT_HTTP_LISTEN":
			overHTTP = true
			extraEnv = append(extraEnv, "DISCORD_PUBLIC_KEY", sb.PublicKey())
		}
	}
	// A sandbox playing TMDB is the bot's TMDB, as in the playground.
	if fake := sb.TMDB(); fake != nil {
		extraEnv = append([]string{"TMDB_TOKEN", fake.Token, "TMDB_API_URL", fake.URL}, extraEnv...)
	}
	getenv := env(dbPath, append([]string{"DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL, "LOG_LEVEL", "debug"}, extraEnv...)...)
	go func() { l.done <- Main(ctx, []string{"run"}, getenv, io.Discard, l.logs) }()
	t.Cleanup(func() {
		l.shutdown()
		sb.Close()
		if strings.Contains(l.logs.String(), sb.Token()) {
			t.Error("the token appears in the logs")
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", l.logs)
		}
	})
	wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := sb.WaitCommands(wctx, guild); err != nil {
		t.Fatalf("the bot never registered its commands: %v", err)
	}
	if overHTTP {
		// As an operator saves the URL in the developer portal.
		if err := sb.SetInteractionsURL(wctx, waitEndpoint(t, l.logs)); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// waitEndpoint reads the Interactions Endpoint URL from the bot's log.
func waitEndpoint(t *testing.T, logs fmt.Stringer) string {
	t.Helper()
	return waitLogURL(t, logs, "Interactions Endpoint")
}

// waitLogURL reads the url= of the first log line saying what.
func waitLogURL(t *testing.T, logs fmt.Stringer, what string) string {
	t.Helper()
	var found string
	if eventually(10*time.Second, func() bool {
		for _, line := range strings.Split(logs.String(), "\n") {
			if _, after, ok := strings.Cut(line, what); ok {
				if _, u, ok := strings.Cut(after, "url="); ok {
					found = strings.Fields(u)[0]
					return true
				}
			}
		}
		return false
	}) {
		return found
	}
	t.Fatalf("the bot never said where its %s is:\n%s", what, logs)
	return ""
}

func (l *live) shutdown() int {
	l.stop()
	select {
	case code := <-l.done:
		l.done <- code
		return code
	case <-time.After(30 * time.Second):
		l.t.Fatal("the bot did not stop")
		return -1
	}
}

func (l *live) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	l.t.Cleanup(cancel)
	return ctx
}

// do runs a command line as m and returns the answer.
func (l *live) do(m sandbox.Member, line string) *sandbox.Answer {
	l.t.Helper()
	a, _, err := l.sb.Do(l.ctx(), m, line)
	if err != nil {
		l.t.Fatalf("%s: %v", line, err)
	}
	return a
}

func (l *live) click(m sandbox.Member, msg *sandbox.Message, id string) *sandbox.Answer {
	l.t.Helper()
	ix, err := l.sb.Click(m, msg.ID, id)
	if err != nil {
		l.t.Fatalf("click %s: %v", id, err)
	}
	a, err := ix.Wait(l.ctx())
	if err != nil {
		l.t.Fatalf("click %s: %v", id, err)
	}
	return a
}

func (l *live) noViolations() {
	l.t.Helper()
	for _, v := range l.sb.Violations() {
		l.t.Errorf("Discord would refuse: %s", v)
	}
}

func buttonIDs(m *sandbox.Message) map[string]string {
	out := map[string]string{}
	for _, row := range m.Rows() {
		for _, x := range row.Components {
			if b, ok := x.(discordgo.Button); ok && !b.Disabled {
				out[b.Label] = b.CustomID
			}
		}
	}
	return out
}

func TestEndToEndReview(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	defs := l.sb.Commands("")
	var names []string
	for _, d := range defs {
		names = append(names, d.Name)
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "review cast film rate") {
		t.Errorf("registered: %s", got)
	}

	a := l.do(sandbox.Viewer, `/review film:anora about:"Drew Daniels"`)
	if a.Type != discordgo.InteractionResponseChannelMessageWithSource || a.Message.Cards()[0].Footer.Text != "Excerpt 8 of 12" {
		t.Fatalf("answer: type %d %+v", a.Type, a.Message)
	}
	msg := a.Message
	next := l.click(sandbox.Viewer, msg, buttonIDs(msg)["Next ▶"])
	if next.Type != discordgo.InteractionResponseUpdateMessage || next.Message.ID != msg.ID || next.Message.Cards()[0].Footer.Text != "Excerpt 9 of 12" {
		t.Errorf("next: type %d, %q", next.Type, next.Message.Cards()[0].Footer.Text)
	}
	prev := l.click(sandbox.Viewer, next.Message, buttonIDs(next.Message)["◀ Previous"])
	if prev.Message.Cards()[0].Footer.Text != "Excerpt 8 of 12" {
		t.Errorf("previous: %q", prev.Message.Cards()[0].Footer.Text)
	}
	rnd := l.click(sandbox.Viewer, prev.Message, buttonIDs(prev.Message)["🎲 Random"])
	if f := rnd.Message.Cards()[0].Footer.Text; f == "Excerpt 8 of 12" || !strings.HasPrefix(f, "Excerpt ") {
		t.Errorf("random: %q", f)
	}
	all := l.click(sandbox.Viewer, rnd.Message, buttonIDs(rnd.Message)["Read it all"])
	if !all.Message.Ephemeral() || all.Message.EphemeralFor != sandbox.Viewer.UserID || all.Message.ID == msg.ID {
		t.Errorf("read it all: want a new message only the clicker sees, got %+v", all.Message)
	}
	page2 := l.click(sandbox.Viewer, all.Message, buttonIDs(all.Message)["Next ▶"])
	if !strings.Contains(page2.Message.Cards()[0].Footer.Text, "page 2 of") {
		t.Errorf("page 2: %q", page2.Message.Cards()[0].Footer.Text)
	}

	ac, err := l.sb.Autocomplete(sandbox.Viewer, "/review film:anroa", "film")
	if err != nil {
		t.Fatal(err)
	}
	ans, err := ac.Wait(l.ctx())
	if err != nil || len(ans.Choices) == 0 || ans.Choices[0].Name != "Anora (2024)" {
		t.Errorf("autocomplete: %v %+v", err, ans)
	}
	for typed, want := range map[string]int{"anr": 1, "anro": 1, "xqzvw": 0} {
		ac, err := l.sb.Autocomplete(sandbox.Viewer, "/review film:"+typed, "film")
		if err != nil {
			t.Fatal(err)
		}
		ans, err := ac.Wait(l.ctx())
		if err != nil || len(ans.Choices) != want || (want > 0 && ans.Choices[0].Name != "Anora (2024)") {
			t.Errorf("autocomplete %q: %v %+v", typed, err, ans)
		}
		for _, v := range l.sb.Violations() {
			if v.Interaction == ac.ID {
				t.Errorf("autocomplete %q: %s", typed, v.What)
			}
		}
	}
	if cast := l.do(sandbox.Viewer, "/cast film:anora"); !strings.Contains(cast.Message.Cards()[0].Description, "Yura Borisov") {
		t.Errorf("cast: %+v", cast.Message.Cards()[0])
	}
	if card := l.do(sandbox.DMUser, "/film film:ani"); card.Message.Cards()[0].Title != "Anora (2024)" {
		t.Errorf("film in a DM: %+v", card.Message)
	}
	bad := l.do(sandbox.Viewer, "/review film:nosuch")
	if !bad.Message.Ephemeral() || !strings.Contains(bad.Message.Content, `No film called "nosuch"`) {
		t.Errorf("unknown film: %+v", bad.Message)
	}
	l.noViolations()
}

func TestEndToEndRatings(t *testing.T) {
	t.Parallel()
	backups := t.TempDir()
	endToEndRatings(t, "FILMBOT_BACKUP_DIR", backups)
	// FILMBOT_BACKUP_DIR: the running bot made its first backup at start.
	if made, _ := filepath.Glob(filepath.Join(backups, "filmbot-*.db")); len(made) != 1 {
		t.Errorf("backups made: %v", made)
	}
}

// The same members, moderators and answers over HTTP interactions: no
// gateway connection, first answers in HTTP responses (the chart as
// multipart), deferred and later ones over REST.
func TestEndToEndOverHTTP(t *testing.T) {
	t.Parallel()
	t.Run("ratings", func(t *testing.T) { endToEndRatings(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
	t.Run("moderators", func(t *testing.T) { endToEndModerators(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
	t.Run("review", func(t *testing.T) {
		l := startLive(t, sandbox.Options{}, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0")
		if l.sb.Connected() {
			t.Error("the bot opened a gateway connection while serving HTTP interactions")
		}
		base := strings.TrimSuffix(l.sb.InteractionsURL(), "/interactions")
		if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
			t.Errorf("GET /healthz: %v %v", err, resp)
		} else {
			resp.Body.Close()
		}
		// Ready once the registration's answer is in: a moment after the
		// sandbox holds the commands, so polled as a load balancer does.
		if err := loadtest.WaitReady(l.ctx(), base+"/readyz"); err != nil {
			t.Error(err)
		}
		a := l.do(sandbox.Viewer, "/review film:anora")
		next := l.click(sandbox.Viewer, a.Message, buttonIDs(a.Message)["Next ▶"])
		if next.Type != discordgo.InteractionResponseUpdateMessage || next.Message.ID != a.Message.ID {
			t.Errorf("next: %+v", next)
		}
		ac, err := l.sb.Autocomplete(sandbox.Viewer, "/review film:anroa", "film")
		if err != nil {
			t.Fatal(err)
		}
		if ans, err := ac.Wait(l.ctx()); err != nil || len(ans.Choices) == 0 || ans.Choices[0].Name != "Anora (2024)" {
			t.Errorf("autocomplete: %v %+v", err, ans)
		}
		l.noViolations()
	})
}

// filmbot register registers the commands and exits; with
// FILMBOT_REGISTER=off a running bot leaves them alone.
func TestRegisterCommand(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var out, errs strings.Builder
	getenv := env("", "DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL, "DISCORD_GUILD_ID", "100000000000000001")
	if code := Main(context.Background(), []string{"register"}, getenv, &out, &errs); code != 0 || !strings.Contains(out.String(), "in server 100000000000000001") {
		t.Fatalf("register: %d %q %q", code, out.String(), errs.String())
	}
	if defs := sb.Commands("100000000000000001"); len(defs) < 5 {
		t.Errorf("registered %d commands", len(defs))
	}
	bad := env("", "DISCORD_TOKEN", "wrong", "DISCORD_API_URL", sb.URL)
	errs.Reset()
	if code := Main(context.Background(), []string{"register"}, bad, &out, &errs); code != 1 || !strings.Contains(errs.String(), "rejected") {
		t.Errorf("register with a wrong token: %d %q", code, errs.String())
	}

	ctx, stop := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int, 1)
	getenv = env(filepath.Join(t.TempDir(), "e.db"), "DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL, "FILMBOT_REGISTER", "off",
		"FILMBOT_HTTP_LISTEN", "127.0.0.1:0", "DISCORD_PUBLIC_KEY", sb.PublicKey())
	go func() { done <- Main(ctx, []string{"run"}, getenv, io.Discard, logs) }()
	u := waitEndpoint(t, logs)
	if err := sb.SetInteractionsURL(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	// Ready once warm (it says "warming up" until then), registration
	// or not.
	var resp *http.Response
	if !eventually(15*time.Second, func() bool {
		r, err := http.Get(strings.TrimSuffix(u, "/interactions") + "/readyz")
		if err != nil {
			return false
		}
		r.Body.Close()
		resp = r
		return r.StatusCode == 200
	}) {
		t.Errorf("readyz with FILMBOT_REGISTER=off: %v", resp)
	}
	if defs := sb.Commands(""); len(defs) != 0 {
		t.Errorf("FILMBOT_REGISTER=off registered %d global commands", len(defs))
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("exit %d\n%s", code, logs)
	}
}

// The same members, moderators and answers on PostgreSQL.
func TestEndToEndOnPostgres(t *testing.T) {
	t.Parallel()
	t.Run("ratings", func(t *testing.T) { endToEndRatings(t, "FILMBOT_DB", pgtest.URL(t)) })
	t.Run("moderators", func(t *testing.T) { endToEndModerators(t, "FILMBOT_DB", pgtest.URL(t)) })
}

func endToEndRatings(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	a := l.do(sandbox.Viewer, "/rate film:anora score:7")
	if !a.Message.Ephemeral() || !strings.Contains(a.Message.Cards()[0].Description, "★★★½") {
		t.Fatalf("rate: %+v", a.Message)
	}
	card := l.do(sandbox.Moderator, "/film film:anora")
	sel, err := l.sb.Select(sandbox.Moderator, card.Message.ID, menuID(card.Message), "10")
	if err != nil {
		t.Fatal(err)
	}
	ans, err := sel.Wait(l.ctx())
	if err != nil || ans.Type != discordgo.InteractionResponseUpdateMessage || ans.Message.ID != card.Message.ID {
		t.Fatalf("rate from the card: want the card updated, got %v %+v", err, ans)
	}
	if v := fieldValue(ans.Message.Cards()[0], "This server's rating"); !strings.Contains(v, "8.5") || !strings.Contains(v, "from 2") {
		t.Errorf("the card after rating shows %q, want the new average", v)
	}
	// The rater alone is told what the rating did, in a follow-up sent
	// once the card's update is out (over HTTP: once the response is).
	eventually(10*time.Second, func() bool { return len(sel.Answer().Followups) > 0 })
	if fs := sel.Answer().Followups; len(fs) != 1 || !fs[0].Ephemeral() || len(fs[0].Embeds) == 0 || !strings.Contains(fs[0].Embeds[0].Description, "(10/10)") {
		t.Errorf("rate from the card: want one ephemeral follow-up saying what the rating did, got %+v", fs)
	}
	r := l.do(sandbox.Viewer, "/ratings film:anora")
	if len(r.Message.Attachments) != 1 || r.Message.Attachments[0].Filename != "ratings.png" {
		t.Errorf("chart not attached: %+v", r.Message.Attachments)
	}
	if top := l.do(sandbox.Viewer, "/top"); !strings.Contains(top.Message.Cards()[0].Description, "Anora (2024)** — 8.5/10 from 2") {
		t.Errorf("top: %q", top.Message.Cards()[0].Description)
	}
	if dm := l.do(sandbox.DMUser, "/rate film:anora score:3"); !strings.Contains(dm.Message.Content, "servers") {
		t.Errorf("rate in a DM: %+v", dm.Message)
	}
	l.noViolations()
}

// A server far from the default ones: on shard 1 of 2.
var farGuild = sandbox.Guild{ID: "100000000004194305", Name: "Far Away", Channels: []sandbox.Channel{{ID: "200000000000000009", Name: "general"}}}

// Past 2,500 servers Discord requires shards: the bot asks how many
// (GET /gateway/bot), opens them all, and answers in every server.
func TestEndToEndShards(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{Shards: 2, MaxConcurrency: 2, Guilds: append(sandbox.DefaultGuilds(), farGuild)})
	if err := l.sb.WaitConnected(l.ctx()); err != nil {
		t.Fatal(err)
	}
	if ids := l.sb.Identifies(); len(ids) != 2 || ids[0].Shards != 2 || ids[0].Shard == ids[1].Shard {
		t.Fatalf("identifies: %+v", ids)
	}
	far := sandbox.Member{GuildID: farGuild.ID, UserID: "500000000000000009", Name: "Fa"}
	if a := l.do(far, "/rate film:anora score:9"); !strings.Contains(a.Message.Cards()[0].Description, "9/10") {
		t.Errorf("rate on shard 1: %+v", a.Message.Cards()[0])
	}
	if a := l.do(sandbox.Viewer, "/top"); len(a.Message.Cards()) != 0 || !strings.Contains(a.Message.Content, "No film") {
		t.Errorf("a rating in shard 1's server shows in another server: %q %+v", a.Message.Content, a.Message.Cards())
	}
	if a := l.do(sandbox.DMUser, "/film film:anora"); a.Message.Cards()[0].Title != "Anora (2024)" {
		t.Errorf("DM: %+v", a.Message)
	}
	if !strings.Contains(l.logs.String(), "shard=1/2") {
		t.Errorf("no log line for shard 1:\n%s", l.logs)
	}
	// Both connections drop: each shard resumes its own session.
	l.sb.DropConnection()
	if !eventually(10*time.Second, func() bool { _, resumes := l.sb.GatewayStats(); return resumes >= 2 && l.sb.Connected() }) {
		t.Fatal("the shards did not both resume")
	}
	if ids := l.sb.Identifies(); len(ids) != 2 {
		t.Errorf("identified again instead of resuming: %+v", ids)
	}
	if a := l.do(far, "/rate film:anora"); !strings.Contains(a.Message.Cards()[0].Description, "Your rating") {
		t.Errorf("after resuming, shard 1: %+v", a.Message.Cards()[0])
	}
	l.noViolations()
}

// Too few shards: Discord closes the gateway (4011) and the bot exits with
// the reason, rather than serving some servers silently.
func TestEndToEndTooFewShards(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	sb, err := sandbox.Start(sandbox.Options{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	logs := &syncBuffer{}
	code := Main(context.Background(), []string{"run"}, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", sb.Token(),
		"DISCORD_API_URL", sb.URL, "DISCORD_SHARDS", "1"), io.Discard, logs)
	if code != 1 || !strings.Contains(logs.String(), "Sharding required") {
		t.Errorf("exit %d:\n%s", code, logs)
	}
}

func TestEndToEndResumesAfterDrop(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	l.do(sandbox.Viewer, "/film film:anora")
	l.sb.DropConnection()
	// Dispatched while the connection is down: delivered on resume.
	ix, err := l.sb.Command(sandbox.Viewer, "/review film:anora excerpt:2")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := l.sb.WaitConnected(ctx); err != nil {
		t.Fatal("the bot did not reconnect")
	}
	// The event above may have missed Discord's window while the bot was
	// away; what matters is that the session resumed and answers go on.
	// The sandbox counts the RESUME when it arrives, which may be just
	// after the new connection is up.
	if !eventually(5*time.Second, func() bool { _, resumes := l.sb.GatewayStats(); return resumes >= 1 }) {
		t.Error("the bot identified again instead of resuming")
	}
	_ = ix
	a := l.do(sandbox.Viewer, "/review film:anora excerpt:3")
	if a.Message.Cards()[0].Footer.Text != "Excerpt 3 of 12" {
		t.Errorf("after resume: %+v", a.Message)
	}
	_, before := l.sb.GatewayStats()
	if err := l.sb.RequestReconnect(); err != nil {
		t.Fatal(err)
	}
	if !eventually(15*time.Second, func() bool { _, after := l.sb.GatewayStats(); return after > before && l.sb.Connected() }) {
		t.Fatal("no reconnect after op 7")
	}
	if a := l.do(sandbox.Viewer, "/review film:anora excerpt:4"); a.Message.Cards()[0].Footer.Text != "Excerpt 4 of 12" {
		t.Errorf("after op 7: %+v", a.Message)
	}
}

func TestEndToEnd429OnCallback(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	l.sb.FailNext(sandbox.Fault{Method: "POST", Path: "/callback", Status: 429, RetryAfter: 0.3})
	a := l.do(sandbox.Viewer, "/review film:anora excerpt:5")
	if a.Message == nil || a.Message.Cards()[0].Footer.Text != "Excerpt 5 of 12" {
		t.Fatalf("after a 429: %+v", a)
	}
	if a.Latency > 3*time.Second {
		t.Errorf("answered after %v", a.Latency)
	}
	l.noViolations()
}

func TestEndToEndShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	var ixs []*sandbox.Interaction
	for k := 1; k <= 20; k++ {
		ix, err := l.sb.Command(sandbox.Viewer, fmt.Sprintf("/review film:anora excerpt:%d", k%12+1))
		if err != nil {
			t.Fatal(err)
		}
		ixs = append(ixs, ix)
	}
	if code := l.shutdown(); code != 0 {
		t.Errorf("exit %d", code)
	}
	for _, ix := range ixs {
		a := ix.Answer()
		if a.Message == nil {
			continue // dispatched after the bot stopped reading: Discord would show "did not respond"
		}
		if strings.Contains(a.Message.Content, "went wrong") {
			t.Errorf("an interaction in flight failed: %q", a.Message.Content)
		}
	}
	if !strings.Contains(l.logs.String(), "database closed") {
		t.Error("the database was not closed cleanly")
	}
}

// TestBinarySIGTERM runs the real binary against the sandbox and stops it
// with SIGTERM while interactions are in flight: they are answered, the
// process exits 0, and the database closes cleanly.
func TestBinarySIGTERM(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBot(t)
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	db := filepath.Join(dir, "bot.db")
	cmd := exec.Command(bin, "run")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL, "FILMBOT_DB="+db, "LOG_LEVEL=info")
	var logs syncBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := sb.WaitCommands(ctx, ""); err != nil {
		cmd.Process.Kill()
		t.Fatalf("no registration: %v\n%s", err, logs.String())
	}
	if a, _, err := sb.Do(ctx, sandbox.Viewer, "/rate film:anora score:9"); err != nil || a.Message == nil {
		t.Fatalf("rate: %v", err)
	}
	var ixs []*sandbox.Interaction
	for k := 0; k < 30; k++ {
		ix, err := sb.Command(sandbox.Viewer, fmt.Sprintf("/review film:anora excerpt:%d", k%12+1))
		if err != nil {
			t.Fatal(err)
		}
		ixs = append(ixs, ix)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, logs.String())
	}
	answered := 0
	for _, ix := range ixs {
		if a := ix.Answer(); a.Message != nil {
			answered++
			if strings.Contains(a.Message.Content, "went wrong") {
				t.Errorf("failed in flight: %q", a.Message.Content)
			}
		}
	}
	if !strings.Contains(logs.String(), "database closed") {
		t.Errorf("database not closed cleanly:\n%s", logs.String())
	}
	st, err := bolt.Open(db, bolt.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Error(err)
	}
	if r, err := st.UserRating(context.Background(), 100000000000000001, 1, 500000000000000002); err != nil || r.Score != 9 {
		t.Errorf("confirmed rating lost: %+v %v", r, err)
	}
	t.Logf("%d of %d interactions in flight at SIGTERM were answered", answered, len(ixs))
}

func TestEndToEndModerators(t *testing.T) {
	t.Parallel()
	endToEndModerators(t)
}

func endToEndModerators(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	sb := l.sb
	// A member who is not a moderator is refused, whatever Discord shows.
	if a := l.do(sandbox.Viewer, "/manage film add"); !a.Message.Ephemeral() || !strings.Contains(a.Message.Content, "Only moderators") {
		t.Fatalf("non-moderator: %+v", a.Message)
	}
	// A moderator adds a film through the form.
	ix, err := sb.Command(sandbox.Moderator, "/manage film add")
	if err != nil {
		t.Fatal(err)
	}
	form, err := ix.Wait(l.ctx())
	if err != nil || form.Modal == nil {
		t.Fatalf("no form: %v %+v", err, form)
	}
	fields := map[string]string{"title": "Tangerine", "year": "2015", "directors": "Sean Baker", "cast": "Kitana Kiki Rodriguez — Sin-Dee Rella\nMya Taylor — Alexandra"}
	// The same form submitted by a non-moderator changes nothing.
	sneaky, err := sb.SubmitModal(sandbox.Viewer, ix, fields)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := sneaky.Wait(l.ctx()); !strings.Contains(a.Message.Content, "Only moderators") {
		t.Errorf("non-moderator submit: %+v", a.Message)
	}
	done, err := sb.SubmitModal(sandbox.Moderator, ix, fields)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := done.Wait(l.ctx()); !strings.Contains(a.Message.Content, "Added **Tangerine (2015)**") {
		t.Fatalf("film add: %+v", a.Message)
	}
	// A review through the form, with @everyone in it: announced, with a thread.
	ix, _ = sb.Command(sandbox.Moderator, "/manage review add film:tangerine")
	if form, _ = ix.Wait(l.ctx()); form.Modal == nil {
		t.Fatalf("no review form: %+v", form)
	}
	post, _ := sb.SubmitModal(sandbox.Moderator, ix, map[string]string{"reviewer": "Mo", "text": "Shot on iPhones @everyone.\n\n||The donut shop.||", "quote": "Electric"})
	a, err := post.Wait(l.ctx())
	if err != nil || !strings.Contains(a.Message.Content, "Posted Mo's review of **Tangerine (2015)**") {
		t.Fatalf("review add: %v %+v", err, a)
	}
	general := sb.Guilds()[0].Channels[0].ID
	var announced *sandbox.Message
	for _, m := range sb.ChannelMessages(general) {
		if len(m.Cards()) > 0 && m.Cards()[0].Author != nil && m.Cards()[0].Author.Name == "New review by Mo" {
			announced = m
		}
	}
	if announced == nil || announced.ThreadID == "" {
		t.Fatalf("no announcement with a thread in #general")
	}
	threads := sb.Threads()
	if len(threads) != 1 || threads[0].Name != "Tangerine (2015)" {
		t.Errorf("threads: %+v", threads)
	}
	if r := l.do(sandbox.Viewer, "/review film:tangerine"); r.Message.Cards()[0].Author.Name != "Review by Mo" {
		t.Errorf("members reach the review: %+v", r.Message.Cards()[0])
	}
	// The other server sees none of it.
	if r := l.do(sandbox.OtherMember, "/film film:tangerine"); !strings.Contains(r.Message.Content, "No film called") {
		t.Errorf("the other server sees the film: %+v", r.Message)
	}
	// Settings: a reviews channel, then a long review from a file.
	admin := sandbox.Member{GuildID: sandbox.Moderator.GuildID, UserID: "500000000000000009", Name: "Ad", Permissions: discordgo.PermissionManageGuild}
	reviews := sb.Guilds()[0].Channels[1].ID
	if r := l.do(admin, "/settings reviews-channel channel:"+reviews); !strings.Contains(r.Message.Content, "<#"+reviews+">") {
		t.Fatalf("settings: %+v", r.Message)
	}
	var paras []string
	for _, e := range storage.SeedReview() {
		paras = append(paras, e.Text)
	}
	file := sb.Upload("anora.txt", "text/plain; charset=utf-8", []byte(strings.Join(paras, "\n")), 0)
	r := l.do(sandbox.Moderator, "/manage review add film:anora reviewer:Mo file:"+file.ID)
	if !strings.Contains(r.Message.Content, "(12 excerpts)") || !strings.Contains(r.Message.Content, "<#"+reviews+">") {
		t.Fatalf("review from a file: %+v", r.Message)
	}
	if n := len(sb.ChannelMessages(reviews)); n != 1 {
		t.Errorf("%d messages in #reviews, want the announcement", n)
	}
	// A slow attachment: the bot defers, then answers the moderator alone.
	slow := sb.Upload("slow.txt", "text/plain", []byte("late"), 6*time.Second)
	ix, _ = sb.Command(sandbox.Moderator, "/manage review add film:anora file:"+slow.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if a, err := ix.Wait(ctx); err != nil || !a.Deferred || !strings.Contains(a.Message.Content, "took too long") || !a.Message.Ephemeral() {
		t.Errorf("slow attachment: %v %+v", err, a)
	}
	l.noViolations()
}

func TestEndToEndGuildRegistration(t *testing.T) {
	t.Parallel()
	guild := sandbox.DefaultGuilds()[0].ID
	l := startLive(t, sandbox.Options{}, "DISCORD_GUILD_ID", guild)
	if n := len(l.sb.Commands(guild)); n < 9 {
		t.Errorf("%d commands in the guild", n)
	}
	if n := len(l.sb.Commands("")); n != 0 {
		t.Errorf("%d global commands; want none when DISCORD_GUILD_ID is set", n)
	}
	if a := l.do(sandbox.Viewer, "/film film:anora"); a.Message.Cards()[0].Title != "Anora (2024)" {
		t.Errorf("film: %+v", a.Message)
	}
}

// A failed registration is logged and the bot keeps serving the commands
// Discord already has.
func TestEndToEndFailedRegistration(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	// Registered by an earlier run.
	req, _ := http.NewRequest("PUT", sb.URL+"/api/v9/applications/"+sb.AppID+"/commands",
		strings.NewReader(`[{"name":"film","description":"A film's card","options":[{"type":3,"name":"film","description":"The film","required":true}]}]`))
	req.Header.Set("Authorization", "Bot "+sb.Token())
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("pre-registration: %v %v", err, resp)
	}
	sb.FailNext(sandbox.Fault{Method: "PUT", Path: "/commands", Status: 500})
	ctx, stop := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run"}, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL), io.Discard, logs)
	}()
	defer func() { stop(); <-done }()
	wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sb.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	a, _, err := sb.Do(wctx, sandbox.Viewer, "/film film:anora")
	if err != nil || a.Message.Cards()[0].Title != "Anora (2024)" {
		t.Fatalf("serving after a failed registration: %v %+v", err, a)
	}
	if !eventually(10*time.Second, func() bool { return strings.Contains(logs.String(), "registering commands failed") }) {
		t.Fatalf("failure not logged:\n%s", logs.String())
	}
}

func TestEndToEndInvalidSession(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	before, _ := l.sb.GatewayStats()
	if err := l.sb.InvalidateSession(false); err != nil {
		t.Fatal(err)
	}
	if !eventually(15*time.Second, func() bool { after, _ := l.sb.GatewayStats(); return after > before && l.sb.Connected() }) {
		t.Fatal("the bot did not identify again after op 9")
	}
	if a := l.do(sandbox.Viewer, "/review film:anora excerpt:6"); a.Message.Cards()[0].Footer.Text != "Excerpt 6 of 12" {
		t.Errorf("after op 9: %+v", a.Message)
	}
	l.noViolations()
}

func fieldValue(e *discordgo.MessageEmbed, name string) string {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// startBinary runs the built bot (`filmbot run`) with env added to this
// process's; its log goes to the returned buffer.
func startBinary(t testing.TB, bin string, env ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), env...)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, logs
}

// eventually reports whether cond became true within d, checking it
// every few milliseconds.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// deadlineOf is ctx's deadline, or a minute from now if it has none.
func deadlineOf(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(time.Minute)
}

// buildBot builds the filmbot binary, as an operator would: once per
// run of the tests, into a directory TestMain removes at the end (each
// test runs it in its own directory).
func buildBot(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "filmbot-bin")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "filmbot")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("%v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatalf("build: %v", built.err)
	}
	return built.bin
}

// built is the binary buildBot built.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// testParallel is how many tests marked parallel run at once unless
// -parallel says otherwise: they spend their time waiting on child
// processes, sockets and the gateway's close (discordgo waits a second
// per connection), not computing, so more than GOMAXPROCS of them fit.
const testParallel = "8"

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", testParallel)
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
