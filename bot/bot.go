// Package bot is filmbot's Discord edge: it routes each interaction to its
// handler inside one envelope (panic recovery, deadline, logging, deferral,
// errors turned into replies), sends what the handler returned, and runs
// the gateway session. It knows nothing of films.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Responder is the part of a Discord session the bot answers through.
type Responder interface {
	InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, opts ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	InteractionResponseDelete(i *discordgo.Interaction, opts ...discordgo.RequestOption) error
}

var _ Responder = (*discordgo.Session)(nil)

// FlagsEditor is a Responder that can also edit the original response
// with message flags, which discordgo's WebhookEdit cannot carry: a
// deferred answer becomes a layout card only by an edit with the flag
// IS_COMPONENTS_V2. SessionResponder is one; the bot edits through
// InteractionResponseEdit, without the flag, a Responder that is not.
type FlagsEditor interface {
	InteractionResponseEditFlags(i *discordgo.Interaction, e *WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
}

// Handler answers one interaction with the response to send.
type Handler = func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error)

// Command is a slash command the bot registers and routes.
type Command struct {
	Def          *discordgo.ApplicationCommand
	Run          Handler
	Autocomplete Handler
	// Private commands answer only the caller, so a deferred answer is
	// deferred ephemerally.
	Private bool
	// PrivateFor, if set, tells whether this one interaction must be
	// answered to the caller alone (an app reached through a member's own
	// install where it may not post): deferred ephemerally too.
	PrivateFor func(*discordgo.InteractionCreate) bool
}

// Options tune the envelope. Zero values take the defaults.
type Options struct {
	Logger *slog.Logger
	// DeferAfter is how long a handler may run before the bot defers the
	// answer; Discord kills the token if nothing is sent within 3 s.
	DeferAfter time.Duration
	// Timeout bounds one handler; past it the user is told to try again.
	Timeout time.Duration
	// Observe, if set, hears of every interaction once it is answered
	// (metrics).
	Observe func(Outcome)
	// AnswerWindow is how long after an interaction arrives its first
	// answer may still be sent (and retried after a 429): Discord's 3 s,
	// less a margin for the trip.
	AnswerWindow time.Duration
	// Now is the clock interaction ids are remembered by (tests set it);
	// nil is Clock's.
	Now func() time.Time
	// Clock runs the handler's watchdog: the deferral after DeferAfter,
	// the "too slow" answer after Timeout (tests move a fake one); nil is
	// real time. The handler's context keeps a real deadline at Timeout.
	Clock Clock
}

// Clock is the time the envelope's timers run on.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, unless
	// the Timer is stopped first, as time.AfterFunc does.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a call AfterFunc has scheduled.
type Timer interface {
	// Stop prevents the call, reporting false if it had already started.
	Stop() bool
}

// Outcome is what became of one interaction, for metrics.
type Outcome struct {
	// Route is the command's name or the custom_id's first part, for
	// routes the bot knows ("unknown" otherwise: labels stay bounded).
	Route string
	// Kind is command, autocomplete, component or modal.
	Kind string
	// Result is answered, user_error or internal_error.
	Result string
	// Deferred: the answer came after a deferral. Late: the first answer
	// could not be sent (past Discord's window, or refused).
	Deferred, Late bool
	// FirstAnswer is the time from receipt to the first answer sent.
	FirstAnswer time.Duration
}

// Bot routes interactions to handlers and sends their answers.
type Bot struct {
	resp       Responder
	log        *slog.Logger
	opts       Options
	commands   map[string]Command
	order      []*discordgo.ApplicationCommand
	components map[string]Handler
	recent     recentIDs

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
}

// New returns a bot answering through resp. components maps the first
// part of a custom_id ("rev" in "rev:show:1:2") to the handler of those
// buttons, menus and modals.
func New(resp Responder, cmds []Command, components map[string]Handler, opts Options) *Bot {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.DeferAfter == 0 {
		opts.DeferAfter = 2 * time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.AnswerWindow == 0 {
		opts.AnswerWindow = 2900 * time.Millisecond
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Now == nil {
		opts.Now = opts.Clock.Now
	}
	b := &Bot{resp: resp, log: opts.Logger, opts: opts, commands: map[string]Command{}, components: components}
	for _, c := range cmds {
		b.commands[c.Def.Name] = c
		b.order = append(b.order, c.Def)
	}
	return b
}

// Definitions are the commands to register, in order.
func (b *Bot) Definitions() []*discordgo.ApplicationCommand { return b.order }

// Messages the user sees when something is wrong on our side, or the
// interaction is one the bot cannot route; in the member's language.
var (
	msgInternal       = shown("bot.internal", "Something went wrong on our side and it has been logged. Please try again.")
	msgSlow           = shown("bot.slow", "That took too long. Please try again.")
	msgClosing        = shown("bot.closing", "filmbot is restarting. Please try again in a moment.")
	msgUnknownCommand = shown("bot.unknown_command", "I don't know that command; Discord's list may be out of date. Try again in a minute.")
	msgStale          = shown("bot.stale_component", "That button is out of date.")
	msgUnknownKind    = shown("bot.unknown_kind", "filmbot cannot answer that kind of interaction.")
)

// firstAnswer sends an interaction's first answer (the response, or a
// deferral): over REST for the gateway, in the HTTP response for the
// Interactions Endpoint. start is when the interaction arrived.
type firstAnswer func(i *discordgo.InteractionCreate, r *discordgo.InteractionResponse, start time.Time) error

// Handle answers one interaction received over the gateway: the first
// answer goes back over REST. It never panics and returns when the
// answer has been sent (or failed to send). An interaction already
// handled (a resumed gateway may send an event again) is dropped.
func (b *Bot) Handle(i *discordgo.InteractionCreate) {
	if !b.handle(i, b.respond) {
		b.log.Debug("an interaction already handled, delivered again: dropped", "interaction", i.ID)
	}
}

// handle answers one interaction, sending its first answer with first
// and any later ones (after a deferral) over REST. It reports false, and
// answers nothing, for an interaction whose id it has handled lately:
// both transports go through here, so an id is handled once whichever
// brought it.
func (b *Bot) handle(i *discordgo.InteractionCreate, first firstAnswer) (fresh bool) {
	// discordgo calls this with no recover: a panic in the envelope itself
	// (handlers have their own recover, in run) must not end the process.
	defer b.survive(i, "answering")
	if !b.recent.firstSight(i.ID, b.opts.Now()) {
		return false
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		resp := ephemeralText(memberTr(i).S(msgClosing))
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			resp = noChoices() // an autocomplete answer cannot be a message
		}
		b.send(i, first, resp, time.Now(), &ilog{base: b.log, i: i})
		return true
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	release := sync.OnceFunc(b.inflight.Done) // by whoever answers last: see watch
	defer release()

	log := &ilog{base: b.log, i: i}
	start := time.Now()
	out := &Outcome{Route: b.routeLabel(i), Kind: kindLabel(i.Type)}
	sent := first
	first = func(i *discordgo.InteractionCreate, r *discordgo.InteractionResponse, start time.Time) error {
		err := sent(i, r, start)
		out.FirstAnswer, out.Late = time.Since(start), err != nil
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.opts.Timeout)
	defer cancel()
	follow := &followups{}
	ctx = context.WithValue(ctx, followKey{}, follow)

	// The handler runs here, on the caller's goroutine (over HTTP, one
	// whose stack has long grown to what handlers need). A watchdog wakes
	// only if it is still running after DeferAfter: it defers the answer,
	// and past Timeout answers that it was too slow, as if the handler had
	// failed, and ends its context; the handler's late result is then
	// dropped.
	f := &flight{ready: make(chan struct{})}
	watchdog := b.opts.Clock.AfterFunc(b.opts.DeferAfter, func() { b.watch(ctx, cancel, i, first, start, log, f, out, release) })
	res := b.run(ctx, i)
	watchdog.Stop()
	f.mu.Lock()
	f.done = true
	took, abandoned := f.deferring, f.abandoned
	f.mu.Unlock()
	if abandoned {
		return true // the watchdog answered, observed and released
	}
	deferred, deferredPublic := false, false
	if took {
		<-f.ready
		deferred, deferredPublic = f.deferred, f.public
	}
	if b.finish(i, first, res, deferred, deferredPublic, start, log, out) && res.err == nil {
		b.sendFollowups(i, follow.take(), log)
	} else {
		follow.take() // the answer did not go out: nothing may follow it
	}
	return true
}

// followKey is the context key of an interaction's follow-ups.
type followKey struct{}

// followups are the further messages a handler asked for, sent once its
// answer is out.
type followups struct {
	mu     sync.Mutex
	list   []*discordgo.InteractionResponseData
	closed bool
}

// take returns the queued follow-ups and takes no more.
func (f *followups) take() []*discordgo.InteractionResponseData {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	l := f.list
	f.list = nil
	return l
}

// maxFollowups bounds what one interaction may send after its answer.
const maxFollowups = 3

// Followup queues data as a further message (over REST, as a follow-up
// of the interaction) to be sent once the answer of the handler running
// with ctx is out; it reports false, and queues nothing, outside a
// handler the envelope runs, after that handler returned, past
// maxFollowups, or for data Discord would refuse. A follow-up never goes
// out when its answer did not (an error, a timeout).
func Followup(ctx context.Context, data *discordgo.InteractionResponseData) bool {
	f, _ := ctx.Value(followKey{}).(*followups)
	if f == nil || data == nil {
		return false
	}
	if limits.Check(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}) != nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || len(f.list) >= maxFollowups {
		return false
	}
	f.list = append(f.list, data)
	return true
}

// sendFollowups sends follow-ups in order, each after the one before.
func (b *Bot) sendFollowups(i *discordgo.InteractionCreate, list []*discordgo.InteractionResponseData, log *ilog) {
	for _, d := range list {
		if _, err := b.resp.FollowupMessageCreate(i.Interaction, false, &discordgo.WebhookParams{
			Content: d.Content, Embeds: d.Embeds, Components: d.Components, AllowedMentions: d.AllowedMentions, Flags: d.Flags, Files: d.Files,
		}); err != nil {
			log.get().Error("follow-up failed", "err", err)
			return
		}
	}
}

// survive, deferred, logs a panic of the envelope instead of ending the
// process.
func (b *Bot) survive(i *discordgo.InteractionCreate, while string) {
	if p := recover(); p != nil {
		b.log.Error("panic while "+while, "interaction", i.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	}
}

// flight is what an interaction's handler and its watchdog share.
type flight struct {
	mu        sync.Mutex
	done      bool // the handler returned
	deferring bool // the watchdog took the first answer: wait for ready
	abandoned bool // the watchdog answered "too slow": the result is dropped
	ready     chan struct{}
	// Set before ready is closed.
	deferred, public bool
}

// take sets mark unless the handler has returned, and reports whether it
// did: the watchdog acts only on a handler still running.
func (f *flight) take(mark *bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return false
	}
	*mark = true
	return true
}

type result struct {
	resp *discordgo.InteractionResponse
	err  error
}

// run routes the interaction and runs its handler; a panic is its error.
func (b *Bot) run(ctx context.Context, i *discordgo.InteractionCreate) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	r, err := b.route(i)(ctx, i)
	return result{r, err}
}

// watch runs when a handler is still busy after DeferAfter.
func (b *Bot) watch(ctx context.Context, cancel context.CancelFunc, i *discordgo.InteractionCreate, first firstAnswer, start time.Time, log *ilog, f *flight, out *Outcome, release func()) {
	defer b.survive(i, "deferring") // a timer's goroutine: a panic here would end the process
	if !f.take(&f.deferring) {
		return
	}
	// Autocomplete cannot be deferred: its answer is late and lost.
	if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		f.deferred, f.public = b.deferAnswer(i, first, start, log)
	}
	close(f.ready)
	// Timeout counts from the interaction's arrival, DeferAfter ago on
	// the clock.
	late := make(chan struct{})
	timeout := b.opts.Clock.AfterFunc(b.opts.Timeout-b.opts.DeferAfter, func() { close(late) })
	defer timeout.Stop()
	select {
	case <-ctx.Done(): // the handler answered (the context ends with it), or its deadline passed
	case <-late:
	}
	if !f.take(&f.abandoned) {
		return
	}
	cancel() // the handler's work is no longer wanted
	b.finish(i, first, result{err: errSlow}, f.deferred, f.public, start, log, out)
	release() // shutting down need not wait for a handler that ignores its context
}

// finish sends the handler's answer (or its error's), as an edit of the
// deferral if there was one, and reports the outcome.
// It reports whether the answer went out.
func (b *Bot) finish(i *discordgo.InteractionCreate, first firstAnswer, res result, deferred, deferredPublic bool, start time.Time, log *ilog, out *Outcome) bool {
	resp, verdict := b.answer(i, res.resp, res.err, log)
	out.Result, out.Deferred = verdict, deferred
	var ok bool
	if deferred {
		ok = b.edit(i, resp, deferredPublic, log)
	} else {
		ok = b.send(i, first, resp, start, log)
	}
	if b.log.Enabled(context.Background(), slog.LevelDebug) {
		log.get().Debug("answered", "type", int(resp.Type), "deferred", deferred, "took", time.Since(start))
	}
	if b.opts.Observe != nil {
		b.opts.Observe(*out)
	}
	return ok && verdict == "answered"
}

// errSlow is the answer of a handler still running past Timeout.
var errSlow = &storage.Error{Code: storage.CodeSlow, Msg: english[msgSlow], Err: errors.New("handler timed out")}

// ilog is the log of one interaction. Its attributes are added when it
// first writes a line: most interactions write none, and adding them
// costs as much as writing one.
type ilog struct {
	base *slog.Logger
	i    *discordgo.InteractionCreate
	once sync.Once // a handler and its watchdog may both log
	l    *slog.Logger
}

func (l *ilog) get() *slog.Logger {
	l.once.Do(func() {
		i := l.i
		l.l = l.base.With("interaction", i.ID, "kind", i.Type.String(), "guild", i.GuildID, "user", userID(i), "name", routeName(i))
	})
	return l.l
}

// route finds the handler for an interaction.
func (b *Bot) route(i *discordgo.InteractionCreate) Handler {
	unknown := func(msg locale.Key) Handler {
		return func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, &storage.Error{Code: storage.CodeInvalid, Msg: english[msg]}
		}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if c, ok := b.commands[i.ApplicationCommandData().Name]; ok {
			return c.Run
		}
		return unknown(msgUnknownCommand)
	case discordgo.InteractionApplicationCommandAutocomplete:
		if c, ok := b.commands[i.ApplicationCommandData().Name]; ok && c.Autocomplete != nil {
			return c.Autocomplete
		}
		return func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{}}, nil
		}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		id := ""
		if i.Type == discordgo.InteractionMessageComponent {
			id = i.MessageComponentData().CustomID
		} else {
			id = i.ModalSubmitData().CustomID
		}
		kind, _, _ := strings.Cut(id, ":")
		if h, ok := b.components[kind]; ok {
			return h
		}
		return unknown(msgStale)
	}
	return unknown(msgUnknownKind)
}

// answer turns a handler's result into the response to send: a
// *storage.Error with a Msg is shown to the user (its Msg only, never its
// cause), anything else is logged and answered generically,
// and a response Discord would reject is never sent.
func (b *Bot) answer(i *discordgo.InteractionCreate, resp *discordgo.InteractionResponse, err error, log *ilog) (*discordgo.InteractionResponse, string) {
	auto := i.Type == discordgo.InteractionApplicationCommandAutocomplete
	if err == nil && resp == nil {
		err = errors.New("handler returned no response")
	}
	if err == nil {
		resp = keepLayout(i, resp)
		if lerr := limits.Check(resp); lerr != nil {
			err = fmt.Errorf("response breaks Discord's limits: %w", lerr)
		}
	}
	if err == nil {
		return replacing(resp), "answered"
	}
	t := memberTr(i)
	msg, result := t.S(msgInternal), "internal_error"
	if m := storage.Message(err); m != "" {
		msg, result = memberText(t, m), "user_error"
		if err.Error() != m { // a cause worth the operator's eyes (a database away)
			log.get().Warn("member shown an error with a cause on our side", "msg", m, "err", err)
		} else if b.log.Enabled(context.Background(), slog.LevelDebug) {
			// A member's mistake or an empty list: theirs to read, not
			// the operator's (it is counted in the metrics, user_error).
			log.get().Debug("member shown a message instead of a result", "msg", m)
		}
	} else {
		log.get().Error("handler failed", "err", err)
	}
	if auto {
		return noChoices(), result
	}
	return ephemeralText(msg), result
}

// keepLayout is resp with the layout card's flag where resp updates (type
// 7) a message that is a card: Discord keeps the flag on the message, and
// the update is judged and written as a card. resp itself is not changed.
func keepLayout(i *discordgo.InteractionCreate, resp *discordgo.InteractionResponse) *discordgo.InteractionResponse {
	if resp == nil || resp.Type != discordgo.InteractionResponseUpdateMessage || resp.Data == nil || limits.IsV2(resp.Data.Flags) ||
		i.Message == nil || !limits.IsV2(i.Message.Flags) {
		return resp
	}
	d := *resp.Data
	d.Flags |= limits.FlagV2
	r := *resp
	r.Data = &d
	return &r
}

// routeLabel names i's route for metrics: only names the bot knows, so
// that what members send cannot grow the label set.
func (b *Bot) routeLabel(i *discordgo.InteractionCreate) string {
	name := routeName(i)
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		if _, ok := b.commands[name]; ok {
			return name
		}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		kind, _, _ := strings.Cut(name, ":")
		if _, ok := b.components[kind]; ok {
			return kind
		}
	}
	return "unknown"
}

func kindLabel(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionApplicationCommand:
		return "command"
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete"
	case discordgo.InteractionMessageComponent:
		return "component"
	case discordgo.InteractionModalSubmit:
		return "modal"
	}
	return "other"
}

// noChoices is an autocomplete result offering nothing.
func noChoices() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
}

// ephemeralText is a short message only the user sees.
func ephemeralText(msg string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: msg, Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		},
	}
}

// private tells whether the command i runs answers the caller alone.
func (b *Bot) private(i *discordgo.InteractionCreate) bool {
	c := b.commands[i.ApplicationCommandData().Name]
	return c.Private || (c.PrivateFor != nil && c.PrivateFor(i))
}

// deferAnswer tells Discord the answer is coming: "thinking…" for a
// command, a silent acknowledgement for a button.
// It reports whether it deferred, and whether a public "thinking" message
// now stands where the answer will go.
func (b *Bot) deferAnswer(i *discordgo.InteractionCreate, first firstAnswer, start time.Time, log *ilog) (deferred, public bool) {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	switch {
	case i.Type == discordgo.InteractionMessageComponent || i.Type == discordgo.InteractionModalSubmit:
		r.Type = discordgo.InteractionResponseDeferredMessageUpdate
	case i.Type == discordgo.InteractionApplicationCommand && b.private(i):
		r.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	default:
		public = true
	}
	if err := first(i, r, start); err != nil {
		log.get().Error("defer failed", "err", err)
		return false, false
	}
	return true, public
}

// respond sends the first answer. discordgo's own retry on a 429 sleeps
// without limit, which could outlive Discord's 3-second window; so it is
// turned off, and the bot retries here only while the wait still fits in
// the answer window counted from the interaction's arrival.
func (b *Bot) respond(i *discordgo.InteractionCreate, r *discordgo.InteractionResponse, start time.Time) error {
	deadline := start.Add(b.opts.AnswerWindow)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	for {
		err := b.resp.InteractionRespond(i.Interaction, r, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.RateLimit == nil || rl.TooManyRequests == nil || time.Until(deadline) <= rl.RetryAfter {
			return err
		}
		b.log.Warn("rate limited on an interaction answer; retrying", "interaction", i.ID, "retry_after", rl.RetryAfter)
		select {
		case <-time.After(rl.RetryAfter):
		case <-ctx.Done():
			return err
		}
	}
}

func (b *Bot) send(i *discordgo.InteractionCreate, first firstAnswer, r *discordgo.InteractionResponse, start time.Time, log *ilog) bool {
	if err := first(i, r, start); err != nil {
		log.get().Error("respond failed", "err", err)
		return false
	}
	return true
}

// edit delivers the answer after a deferral: a new message becomes the
// original response (commands) or a follow-up (buttons); an update edits
// the message the button is on. A layout card is edited in with its flag
// (FlagsEditor); a follow-up carries its flags as it is. An answer meant for the caller alone
// never replaces a public "thinking" message: that one is deleted and
// the answer sent as an ephemeral follow-up.
func (b *Bot) edit(i *discordgo.InteractionCreate, r *discordgo.InteractionResponse, deferredPublic bool, log *ilog) bool {
	if r.Type == discordgo.InteractionResponseModal {
		// Discord opens a form only as the first answer, never after a
		// deferral: the member is asked to try again, privately.
		log.get().Warn("a form came after the deferral: the member is asked to try again")
		r = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: memberTr(i).S(msgSlow), Flags: discordgo.MessageFlagsEphemeral}}
	}
	d := r.Data
	if d == nil {
		d = &discordgo.InteractionResponseData{}
	}
	private := d.Flags&discordgo.MessageFlagsEphemeral != 0
	var err error
	if deferredPublic && private {
		if err := b.resp.InteractionResponseDelete(i.Interaction); err != nil {
			log.get().Error("deleting the thinking message failed", "err", err)
		}
	}
	if r.Type == discordgo.InteractionResponseChannelMessageWithSource && (i.Type != discordgo.InteractionApplicationCommand || (deferredPublic && private)) {
		_, err = b.resp.FollowupMessageCreate(i.Interaction, false, &discordgo.WebhookParams{
			Content: d.Content, Embeds: d.Embeds, Components: d.Components, AllowedMentions: d.AllowedMentions, Flags: d.Flags, Files: d.Files,
		})
	} else {
		e := &discordgo.WebhookEdit{
			Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components, AllowedMentions: d.AllowedMentions, Files: d.Files,
		}
		// The attachments to keep ([] for an update: see replacing), the
		// files sent with it added, as the immediate answer does: a page
		// of /ratings replaces its chart instead of adding a second.
		e.Attachments = d.Attachments
		if fe, ok := b.resp.(FlagsEditor); ok && limits.IsV2(d.Flags) {
			// A layout card: the flag goes on the edit (ephemeral or not
			// was settled by the deferral).
			_, err = fe.InteractionResponseEditFlags(i.Interaction, &WebhookEdit{WebhookEdit: *e, Flags: limits.FlagV2})
		} else {
			_, err = b.resp.InteractionResponseEdit(i.Interaction, e)
		}
	}
	if err != nil {
		log.get().Error("edit after deferral failed", "err", err)
		return false
	}
	return true
}

// Shutdown stops taking interactions and waits for those in flight, or
// for ctx to end.
func (b *Bot) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("shutdown: interactions still in flight: %w", ctx.Err())
	}
}

func userID(i *discordgo.InteractionCreate) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// routeName is the command name or custom_id, for logs.
func routeName(i *discordgo.InteractionCreate) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		return i.ApplicationCommandData().Name
	case discordgo.InteractionMessageComponent:
		return i.MessageComponentData().CustomID
	case discordgo.InteractionModalSubmit:
		return i.ModalSubmitData().CustomID
	}
	return ""
}
