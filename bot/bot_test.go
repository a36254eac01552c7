package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// recorder is a Responder that records what the bot sent.
type recorder struct {
	mu        sync.Mutex
	responses []*discordgo.InteractionResponse
	edits     []*discordgo.WebhookEdit
	flagged   []*WebhookEdit // edits with flags (FlagsEditor), also in edits
	followups []*discordgo.WebhookParams
	deletes   int
	changed   chan struct{} // closed at the next record
	clock     *fakeClock    // the bot's, for waitDeferred
}

// recordedLocked tells waiters something was recorded (r.mu held).
func (r *recorder) recordedLocked() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// waitFor blocks until cond, read with r.mu held, holds of what was
// recorded.
func (r *recorder) waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	failsafe := time.After(10 * time.Second)
	r.mu.Lock()
	defer r.mu.Unlock()
	for !cond() {
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ch:
		case <-failsafe:
			r.mu.Lock()
			t.Fatalf("still waiting: responses %+v, edits %+v, follow-ups %+v, %d deletes", r.responses, r.edits, r.followups, r.deletes)
		}
		r.mu.Lock()
	}
}

func (r *recorder) InteractionRespond(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.responses = append(r.responses, resp)
	r.recordedLocked()
	return nil
}

func (r *recorder) InteractionResponseEdit(_ *discordgo.Interaction, e *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edits = append(r.edits, e)
	r.recordedLocked()
	return &discordgo.Message{}, nil
}

func (r *recorder) InteractionResponseEditFlags(_ *discordgo.Interaction, e *WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flagged = append(r.flagged, e)
	r.edits = append(r.edits, &e.WebhookEdit)
	r.recordedLocked()
	return &discordgo.Message{}, nil
}

func (r *recorder) InteractionResponseDelete(*discordgo.Interaction, ...discordgo.RequestOption) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deletes++
	r.recordedLocked()
	return nil
}

func (r *recorder) FollowupMessageCreate(_ *discordgo.Interaction, _ bool, p *discordgo.WebhookParams, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.followups = append(r.followups, p)
	r.recordedLocked()
	return &discordgo.Message{}, nil
}

// waitDeferred, in a test handler, moves the bot's clock past
// DeferAfter and blocks until the watchdog has sent its first answer (a
// deferral) over REST.
func waitDeferred(t testing.TB, rec **recorder) {
	r := *rec
	r.clock.Next(t)
	r.waitFor(t, func() bool { return len(r.responses) > 0 })
}

// userErr is a member's mistake, as handlers return it.
func userErr(msg string) error { return storage.Invalid("%s", msg) }

func ok(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Content: text, AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}}
}

func cmd(name string, run Handler) Command {
	return Command{Def: &discordgo.ApplicationCommand{Name: name, Description: name}, Run: run}
}

// nextID is a new interaction id: a bot handles each id once.
func nextID() string { return strconv.FormatInt(lastID.Add(1), 10) }

var lastID atomic.Int64

func slash(name string) *discordgo.InteractionCreate {
	return &discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: nextID(), Type: discordgo.InteractionApplicationCommand, GuildID: "7",
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}}, Data: discordgo.ApplicationCommandInteractionData{Name: name}}}
}

func clickI(id string) *discordgo.InteractionCreate {
	return &discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: nextID(), Type: discordgo.InteractionMessageComponent, GuildID: "7",
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}}, Data: discordgo.MessageComponentInteractionData{CustomID: id}}}
}

func newBot(t *testing.T, cmds []Command, comps map[string]Handler) (*Bot, *recorder, *bytes.Buffer) {
	rec := &recorder{clock: newFakeClock()}
	var logs bytes.Buffer
	b := New(rec, cmds, comps, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), DeferAfter: 50 * time.Millisecond, Clock: rec.clock})
	return b, rec, &logs
}

func only(t *testing.T, rec *recorder) *discordgo.InteractionResponse {
	t.Helper()
	if len(rec.responses) != 1 {
		t.Fatalf("%d responses, want 1", len(rec.responses))
	}
	return rec.responses[0]
}

func ephemeralWith(t *testing.T, r *discordgo.InteractionResponse, want string) {
	t.Helper()
	if r.Data == nil || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, want) {
		t.Fatalf("want an ephemeral %q, got %+v", want, r.Data)
	}
}

func TestRoutesAndAnswers(t *testing.T) {
	b, rec, _ := newBot(t, []Command{cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("hello"), nil
	})}, nil)
	b.Handle(slash("hi"))
	if r := only(t, rec); r.Data.Content != "hello" {
		t.Errorf("got %+v", r.Data)
	}
}

func TestUnknownCommandAndButton(t *testing.T) {
	b, rec, _ := newBot(t, nil, nil)
	b.Handle(slash("nope"))
	ephemeralWith(t, only(t, rec), "don't know")
	rec.responses = nil
	b.Handle(clickI("zzz:1"))
	ephemeralWith(t, only(t, rec), "out of date")
}

func TestUserErrorShownInternalErrorHidden(t *testing.T) {
	b, rec, logs := newBot(t, []Command{
		cmd("user", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, userErr("No film called \"x\" here.")
		}),
		cmd("internal", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, errors.New("disk on fire at /secret/path")
		}),
	}, nil)
	b.Handle(slash("user"))
	ephemeralWith(t, only(t, rec), "No film called")
	if logs.Len() != 0 {
		// A member's mistake, or an empty list, is theirs to read: at
		// Info a busy server would log a line for each.
		t.Errorf("a user error was logged at Info or above: %s", logs)
	}
	rec.responses = nil
	internal := slash("internal")
	b.Handle(internal)
	r := only(t, rec)
	ephemeralWith(t, r, "went wrong")
	if strings.Contains(r.Data.Content, "disk") {
		t.Error("an internal error reached the user")
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), "interaction="+internal.ID) {
		t.Errorf("internal error not logged with its cause and interaction: %s", logs)
	}
}

// A storage.Error is shown by its Msg alone: its cause (the database's
// address, a driver's text) is logged for the operator, never shown; one
// without a Msg (a bare not-found reaching the envelope) is the bot's
// fault.
func TestStorageErrorMsgShownCauseLogged(t *testing.T) {
	b, rec, logs := newBot(t, []Command{
		cmd("away", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, fmt.Errorf("rate: %w", &storage.Error{Code: storage.CodeUnavailable, Msg: storage.MsgUnavailable, Err: errors.New("dial tcp 10.0.0.7:5432: secret")})
		}),
		cmd("bare", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, fmt.Errorf("film 7: %w", storage.ErrNotFound)
		}),
	}, nil)
	b.Handle(slash("away"))
	r := only(t, rec)
	ephemeralWith(t, r, storage.MsgUnavailable)
	if r.Data.Content != storage.MsgUnavailable {
		t.Errorf("shown %q, want the Msg alone", r.Data.Content)
	}
	if !strings.Contains(logs.String(), "secret") || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the cause is not logged as a warning: %s", logs)
	}
	rec.responses = nil
	logs.Reset()
	b.Handle(slash("bare"))
	ephemeralWith(t, only(t, rec), "went wrong")
	if !strings.Contains(logs.String(), "film 7: not found") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an error without a Msg is not logged as the bot's: %s", logs)
	}
}

func TestPanicIsAnsweredAndBotLives(t *testing.T) {
	b, rec, logs := newBot(t, []Command{
		cmd("boom", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			panic("nil map")
		}),
		cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return ok("hello"), nil
		}),
	}, nil)
	b.Handle(slash("boom"))
	ephemeralWith(t, only(t, rec), "went wrong")
	if !strings.Contains(logs.String(), "panic: nil map") {
		t.Error("panic not logged")
	}
	rec.responses = nil
	b.Handle(slash("hi"))
	if only(t, rec).Data.Content != "hello" {
		t.Error("bot did not keep answering after a panic")
	}
}

func TestResponseOverLimitsNeverSent(t *testing.T) {
	b, rec, logs := newBot(t, []Command{cmd("big", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok(strings.Repeat("x", 2001)), nil
	}), cmd("ping", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		r := ok("@everyone")
		r.Data.AllowedMentions = nil
		return r, nil
	})}, nil)
	for _, name := range []string{"big", "ping"} {
		rec.responses = nil
		b.Handle(slash(name))
		ephemeralWith(t, only(t, rec), "went wrong")
	}
	if !strings.Contains(logs.String(), "limit 2000") || !strings.Contains(logs.String(), "allowed_mentions") {
		t.Errorf("limit breaches not logged: %s", logs)
	}
}

func TestSlowHandlerDeferredThenEdited(t *testing.T) {
	var rec *recorder
	b, rec, _ := newBot(t, []Command{cmd("slow", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		return ok("done"), nil
	})}, map[string]Handler{"btn": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		r := ok("page 2")
		r.Type = discordgo.InteractionResponseUpdateMessage
		return r, nil
	}})
	b.Handle(slash("slow"))
	if r := only(t, rec); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("first answer type %d, want a deferral (5)", r.Type)
	}
	if len(rec.edits) != 1 || *rec.edits[0].Content != "done" {
		t.Fatalf("edits = %+v", rec.edits)
	}
	rec.responses, rec.edits = nil, nil
	b.Handle(clickI("btn:1"))
	if r := only(t, rec); r.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("button deferral type %d, want 6", r.Type)
	}
	if len(rec.edits) != 1 || *rec.edits[0].Content != "page 2" {
		t.Fatalf("button edits = %+v", rec.edits)
	}
}

func TestAutocompleteErrorGivesNoChoices(t *testing.T) {
	c := cmd("ac", nil)
	c.Autocomplete = func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return nil, errors.New("index broken")
	}
	b, rec, _ := newBot(t, []Command{c}, nil)
	i := slash("ac")
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	b.Handle(i)
	r := only(t, rec)
	if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || r.Data.Choices == nil || len(r.Data.Choices) != 0 {
		t.Errorf("got %+v", r)
	}
}

func TestShutdownWaitsForInFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	b, rec, _ := newBot(t, []Command{cmd("work", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		close(started)
		<-release
		return ok("finished"), nil
	}), cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("hello"), nil
	})}, nil)
	handled := make(chan struct{})
	go func() { b.Handle(slash("work")); close(handled) }()
	<-started
	// Shutdown waits for it: given up on, it says so; it does not return
	// as done.
	gaveUp, giveUp := context.WithCancel(context.Background())
	giveUp()
	if err := b.Shutdown(gaveUp); err == nil {
		t.Fatal("shutdown returned with an interaction in flight")
	}
	shut := make(chan error, 1)
	go func() { shut <- b.Shutdown(context.Background()) }()
	// New interactions are turned away politely meanwhile.
	b.Handle(slash("hi"))
	close(release)
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	<-handled
	var contents []string
	for _, r := range rec.responses {
		contents = append(contents, r.Data.Content)
	}
	if len(contents) != 2 || !strings.Contains(contents[0], "restarting") || contents[1] != "finished" {
		t.Errorf("answers = %q", contents)
	}
	// A stuck handler does not hold shutdown forever.
	stuck, unstick := make(chan struct{}), make(chan struct{})
	b2, _, _ := newBot(t, []Command{cmd("stuck", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		close(stuck)
		<-unstick
		return ok("late"), nil
	})}, nil)
	stuckDone := make(chan struct{})
	go func() { b2.Handle(slash("stuck")); close(stuckDone) }()
	<-stuck
	ctx, cancel := context.WithCancel(context.Background())
	timer := b2.opts.Clock.AfterFunc(time.Minute, cancel) // shutdown's own deadline, on the test's clock
	defer timer.Stop()
	shut2 := make(chan error, 1)
	go func() { shut2 <- b2.Shutdown(ctx) }()
	b2.opts.Clock.(*fakeClock).Advance(time.Minute)
	if err := <-shut2; err == nil {
		t.Error("shutdown did not report the stuck interaction")
	}
	close(unstick)
	<-stuckDone
}

func TestBucketPoolIsBounded(t *testing.T) {
	seen := map[string]bool{}
	for k := 0; k < 10000; k++ {
		seen[bucket("cb", strings.Repeat("t", k%50)+string(rune('a'+k%26))+time.Duration(k).String())] = true
	}
	if len(seen) > bucketPool {
		t.Errorf("%d buckets for 10,000 tokens, want at most %d", len(seen), bucketPool)
	}
}

// limited fails the first answer with a 429, as Discord may.
type limited struct {
	recorder
	calls int
	after time.Duration
}

func (l *limited) InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, o ...discordgo.RequestOption) error {
	l.calls++
	if l.calls == 1 {
		return &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: l.after}}}
	}
	return l.recorder.InteractionRespond(i, r, o...)
}

func TestRateLimitedAnswerRetriedInWindow(t *testing.T) {
	h := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("hello"), nil
	}
	for _, c := range []struct {
		after time.Duration
		want  int // answers delivered
	}{{100 * time.Millisecond, 1}, {5 * time.Second, 0}} {
		rl := &limited{after: c.after}
		b := New(rl, []Command{cmd("hi", h)}, nil, Options{Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
		start := time.Now()
		b.Handle(slash("hi"))
		if len(rl.responses) != c.want {
			t.Errorf("retry_after %v: %d answers, want %d", c.after, len(rl.responses), c.want)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("retry_after %v: took %v, past Discord's window", c.after, time.Since(start))
		}
	}
}

func TestSlowUserErrorStaysPrivate(t *testing.T) {
	var rec *recorder
	slowErr := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		return nil, userErr("No film called \"x\" here.")
	}
	priv := cmd("private", slowErr)
	priv.Private = true
	b, rec, _ := newBot(t, []Command{cmd("public", slowErr), priv}, nil)
	b.Handle(slash("public"))
	// A public "thinking…" message must not become the error: it is
	// deleted and the error sent to the caller alone.
	if rec.deletes != 1 || len(rec.followups) != 1 || rec.followups[0].Flags&discordgo.MessageFlagsEphemeral == 0 || len(rec.edits) != 0 {
		t.Errorf("public deferral: %d deletes, followups %+v, edits %+v", rec.deletes, rec.followups, rec.edits)
	}
	rec.responses, rec.followups, rec.deletes = nil, nil, 0
	b.Handle(slash("private"))
	if r := only(t, rec); r.Data == nil || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("private command deferred publicly: %+v", r)
	}
	if len(rec.edits) != 1 || rec.deletes != 0 {
		t.Errorf("private deferral: edits %+v, %d deletes", rec.edits, rec.deletes)
	}
	// Private for one interaction (PrivateFor): deferred ephemerally too.
	rec.responses, rec.edits = nil, nil
	slowOK := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		return ok("hello"), nil
	}
	b, rec, _ = newBot(t, []Command{{Def: cmd("here", slowOK).Def, Run: slowOK, PrivateFor: func(i *discordgo.InteractionCreate) bool { return i.GuildID == "9" }}}, nil)
	for _, guild := range []string{"9", "1"} {
		i := slash("here")
		i.GuildID = guild
		rec.responses, rec.edits = nil, nil
		b.Handle(i)
		if r := only(t, rec); (r.Data != nil && r.Data.Flags&discordgo.MessageFlagsEphemeral != 0) != (guild == "9") {
			t.Errorf("PrivateFor in guild %s: deferred %+v", guild, r)
		}
	}
}

// panicky is a responder whose sending panics, as a bug in the edge might.
type panicky struct{ recorder }

func (*panicky) InteractionRespond(*discordgo.Interaction, *discordgo.InteractionResponse, ...discordgo.RequestOption) error {
	panic("responder broke")
}

// A handler's nil embed is refused (not a panic in the limits check), and
// a panic while sending is logged: neither ends the process.
func TestEnvelopeSurvivesBadResponsesAndPanicsWhileSending(t *testing.T) {
	b, rec, logs := newBot(t, []Command{cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{nil}}}, nil
	})}, nil)
	b.Handle(slash("hi"))
	ephemeralWith(t, only(t, rec), "went wrong")
	if !strings.Contains(logs.String(), "embed 0 is null") {
		t.Errorf("cause not logged:\n%s", logs)
	}

	var plogs bytes.Buffer
	pb := New(&panicky{}, []Command{cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("hello"), nil
	})}, nil, Options{Logger: slog.New(slog.NewTextHandler(&plogs, nil))})
	pb.Handle(slash("hi"))
	if !strings.Contains(plogs.String(), "panic while answering") || !strings.Contains(plogs.String(), "responder broke") {
		t.Errorf("panic not logged:\n%s", plogs.String())
	}
	if err := pb.Shutdown(context.Background()); err != nil {
		t.Errorf("shutdown after a panic: %v", err)
	}
}

// An autocomplete result goes on the wire as Discord takes it: choices
// always present, no message fields; also while the bot shuts down.
func TestAutocompleteWire(t *testing.T) {
	for _, resp := range []*discordgo.InteractionResponse{
		noChoices(),
		{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{}},
		{Type: discordgo.InteractionApplicationCommandAutocompleteResult},
	} {
		b, _ := json.Marshal(Wire(resp))
		if string(b) != `{"type":8,"data":{"choices":[]}}` {
			t.Errorf("wire: %s", b)
		}
	}
	c := cmd("ac", nil)
	b, rec, _ := newBot(t, []Command{c}, nil)
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	i := slash("ac")
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	b.Handle(i)
	if r := only(t, rec); r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		t.Errorf("autocomplete during shutdown got %+v", r)
	}
}

// A slow answer with files (the chart, an export) keeps them after the
// deferral: the edit carries them, as multipart, to Discord.
func TestDeferredAnswerKeepsFiles(t *testing.T) {
	var rec *recorder
	b, rec, _ := newBot(t, []Command{cmd("chart", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		r := ok("the chart")
		r.Data.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}
		return r, nil
	})}, nil)
	b.Handle(slash("chart"))
	if len(rec.edits) != 1 || len(rec.edits[0].Files) != 1 || rec.edits[0].Files[0].Name != "ratings.png" {
		t.Fatalf("edit after the deferral: %+v", rec.edits)
	}
	// Through a session: the PATCH is multipart with payload_json.
	var got struct {
		ct   string
		body string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		got.ct, got.body = r.Header.Get("Content-Type"), string(data)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1"}`)
	}))
	defer srv.Close()
	s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	content := "the chart"
	_, err = SessionResponder{s}.InteractionResponseEdit(&discordgo.Interaction{AppID: "9", Token: "tok"}, &discordgo.WebhookEdit{Content: &content,
		Files: []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}})
	if err != nil || !strings.HasPrefix(got.ct, "multipart/form-data") || !strings.Contains(got.body, `name="payload_json"`) || !strings.Contains(got.body, `filename="ratings.png"`) {
		t.Errorf("edit with a file: %v %q %q", err, got.ct, got.body)
	}
}

// A handler that ignores its context and outlives Timeout: the member is
// told it was too slow (in place of the "thinking" message), shutdown
// does not wait for it, and its late answer is dropped.
func TestHandlerPastTimeout(t *testing.T) {
	unblock := make(chan struct{})
	var ended error // the handler's context, once unblocked
	b, rec, _ := newBot(t, []Command{cmd("hang", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		<-unblock
		ended = ctx.Err()
		return ok("late"), nil
	})}, nil)
	// Timeout on the test's clock; the context's real deadline (also
	// Timeout) is then out of reach.
	b.opts.DeferAfter, b.opts.Timeout = 20*time.Millisecond, time.Hour
	var mu sync.Mutex
	var outcomes []Outcome
	b.opts.Observe = func(o Outcome) { mu.Lock(); outcomes = append(outcomes, o); mu.Unlock() }
	handled := make(chan struct{})
	go func() { b.Handle(slash("hang")); close(handled) }()
	rec.clock.Next(t) // DeferAfter: the deferral
	answered := func() int { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.followups) + len(rec.edits) }
	rec.waitFor(t, func() bool { return len(rec.responses) > 0 })
	rec.clock.Next(t) // Timeout: set once the deferral was sent
	// The "too slow" message is private: the public "thinking" message
	// makes way for a private follow-up.
	rec.waitFor(t, func() bool { return len(rec.followups)+len(rec.edits) > 0 })
	rec.mu.Lock()
	if len(rec.responses) != 1 || rec.responses[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource ||
		len(rec.followups) != 1 || rec.followups[0].Content != english[msgSlow] || rec.deletes != 1 {
		t.Errorf("responses %+v, follow-ups %+v, %d deletes; want a deferral, then %q in its place", rec.responses, rec.followups, rec.deletes, english[msgSlow])
	}
	rec.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.Shutdown(ctx); err != nil {
		t.Errorf("shutdown waited for the abandoned handler: %v", err)
	}
	close(unblock)
	<-handled
	mu.Lock()
	defer mu.Unlock()
	if answered() != 1 || len(outcomes) != 1 || !outcomes[0].Deferred || outcomes[0].Result != "user_error" {
		t.Errorf("after the late answer: %d answers, outcomes %+v", answered(), outcomes)
	}
	if ended == nil {
		t.Error("the abandoned handler's context did not end")
	}
}

// A form that comes after the deferral (a slow read before opening it)
// cannot be sent: Discord opens a form only as the first answer. The
// member is asked, privately, to try again; nothing is edited.
func TestFormAfterDeferralAsksToTryAgain(t *testing.T) {
	var rec *recorder
	slowForm := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{CustomID: "f", Title: "Rate",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "score", Label: "Score", Style: discordgo.TextInputShort}}}}}}, nil
	}
	b, rec, _ := newBot(t, []Command{cmd("form", slowForm)}, nil)
	b.Handle(slash("form"))
	if len(rec.edits) != 0 || len(rec.followups) != 1 || rec.followups[0].Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(rec.followups[0].Content, "took too long") {
		t.Errorf("edits %+v, followups %+v", rec.edits, rec.followups[0])
	}
}
