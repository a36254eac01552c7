package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// Config is what connecting to Discord needs.
type Config struct {
	Token string
	// GuildID, when set, registers the commands in that server only, where
	// updates show at once; otherwise they are registered globally.
	GuildID string
	// APIURL replaces https://discord.com for REST calls and the gateway
	// lookup: a REST proxy or a local Discord-compatible server.
	APIURL string
	Logger *slog.Logger
	// ShutdownTimeout bounds the wait for interactions in flight.
	ShutdownTimeout time.Duration
	// Shards is how many gateway connections (shards) to run; 0 means as
	// many as Discord recommends. Discord requires a shard per 2,500
	// servers and sends each server's events to one shard.
	Shards int
	// IdentifyInterval is how long shards wait for each other to identify:
	// Discord lets max_concurrency shards identify per 5 s. 0 means 5 s.
	IdentifyInterval time.Duration
	// NoRegister leaves the commands as they are registered (another
	// process, or `filmbot register`, does it).
	NoRegister bool
	// OnGateway, if set, hears each shard's connection events: "connect",
	// "disconnect", "resume" (metrics).
	OnGateway func(shard int, event string)
	// Voices, if set, is fed each server's voice states from the gateway
	// (who is in which voice channel: /recommend group:voice).
	Voices *Voices
	// OnIdentifyWait, if set, hears how long a shard waited for its turn
	// to identify.
	OnIdentifyWait func(shard int, waited time.Duration)
	// ShardIDs are the shards this process runs (FILMBOT_SHARD_IDS); nil
	// means all of them. Other processes run the rest.
	ShardIDs []int
	// Gate paces identifies; nil paces this process's shards alone.
	// Processes sharing shards of one bot share a gate (PostgreSQL).
	Gate IdentifyGate
	// Claims, if set, records which process runs which shard, so that
	// overlapping FILMBOT_SHARD_IDS are refused.
	Claims ShardClaims
	// Owner names this process in Claims.
	Owner string
	// ShardLease is how long a claim lasts without renewal; 0 means 15 s.
	ShardLease time.Duration
	// Pool, if set, is FILMBOT_SHARD_IDS=auto: this process runs its fair
	// share of the bot's shards, claimed from Pool, and the shards move
	// between processes as they come and go (ShardIDs and Claims unused).
	Pool ShardPool
	// OnShards, if set, hears how many shards this process owns (auto).
	OnShards func(owned int)
	// OnShardEvent, if set, hears the pool's events: ShardClaimed,
	// ShardTakenOver, ShardLost, ShardHandedOver.
	OnShardEvent func(event string)
}

var (
	routeLogs sync.Once
	dgLogger  atomic.Pointer[slog.Logger]
)

// discordgoLog sends discordgo's own log lines into our structured log,
// shortened: at warning level it can dump whole payloads.
func discordgoLog(level, _ int, format string, a ...any) {
	log := dgLogger.Load()
	if log == nil {
		return
	}
	msg := fmt.Sprintf(format, a...)
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	switch {
	case formSubmitLog(msg):
		// A form of labels, uploads or radio groups, which discordgo
		// cannot decode and the bot then decodes itself (see Run): not
		// an error.
		log.Debug("discordgo", "msg", msg)
	case level <= discordgo.LogError:
		log.Error("discordgo", "msg", msg)
	default:
		log.Warn("discordgo", "msg", msg)
	}
}

// formSubmitLog is discordgo's line for an interaction it could not
// decode because of a component type of package component.
func formSubmitLog(msg string) bool {
	if !strings.Contains(msg, "INTERACTION_CREATE") {
		return false
	}
	for _, t := range []discordgo.ComponentType{component.LabelType, component.FileUploadType, component.RadioGroupType} {
		if strings.HasSuffix(msg, fmt.Sprintf("unknown component type: %d", t)) {
			return true
		}
	}
	return false
}

// NewSession returns a discordgo session set up for cfg, not yet open.
// Its log level never includes debug, which would log the token.
func NewSession(cfg Config) (*discordgo.Session, error) {
	if cfg.Token == "" {
		return nil, errors.New("no token")
	}
	if cfg.Logger != nil {
		dgLogger.Store(cfg.Logger)
	}
	routeLogs.Do(func() { discordgo.Logger = discordgoLog })
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, err
	}
	s.LogLevel = discordgo.LogWarning
	// Voice states (not a privileged intent): who is in which voice
	// channel, for /recommend group:voice.
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildVoiceStates
	// The bot reads nothing from discordgo's cache of servers, channels and
	// roles; kept, it grows with every server the bot joins.
	s.StateEnabled = false
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: restTransport()}
	if err := PointAt(s, cfg.APIURL); err != nil {
		return nil, err
	}
	return s, nil
}

// PointAt sends s's REST calls and gateway lookup to apiURL instead of
// https://discord.com ("" leaves them), through a per-session transport
// rather than discordgo's process-wide Endpoint variables: two sessions
// in one test binary can talk to two servers.
func PointAt(s *discordgo.Session, apiURL string) error {
	if apiURL == "" {
		return nil
	}
	u, err := url.Parse(strings.TrimRight(apiURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("DISCORD_API_URL %q is not an http(s) origin", RedactURL(apiURL))
	}
	base := s.Client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	s.Client.Transport = &rewrite{to: u, base: base}
	return nil
}

// restTransport is Go's default transport keeping enough idle connections
// for the answers a busy bot sends at once. The default keeps two per host:
// over HTTP/1.1 (a local sandbox, or a proxy) every third concurrent answer
// would open a new connection and leave one in TIME_WAIT, thousands a
// second under load, which costs milliseconds at the tail. Discord itself
// speaks HTTP/2 and multiplexes on one connection either way.
func restTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 2 * bucketPool
	t.MaxIdleConns = 4 * bucketPool
	return t
}

// rewrite sends requests for discord.com to another origin.
type rewrite struct {
	to   *url.URL
	base http.RoundTripper
}

// RoundTrip sends req to the other origin. Credentials in DISCORD_API_URL
// are never sent or shown; a failure names the host actually used, since
// the caller's error would name discord.com.
func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host, req.URL.User = r.to.Scheme, r.to.Host, nil
		req.Host = r.to.Host
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, &url.Error{Op: "sent to DISCORD_API_URL " + req.Method, URL: req.URL.String(), Err: err}
	}
	return resp, nil
}

// ErrTokenRejected means Discord answered 401: the token is not a bot
// token it knows.
var ErrTokenRejected = errors.New("DISCORD_TOKEN was rejected by Discord (401 Unauthorized)")

// tokenRejected turns a 401 from Discord into ErrTokenRejected, so the
// operator reads one line about the token rather than an HTTP dump.
func tokenRejected(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		return ErrTokenRejected
	}
	return err
}

// RedactURL is u safe to log: any user name and password removed.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		if at := strings.LastIndex(u, "@"); at >= 0 {
			return "…@" + u[at+1:] // unparsable, but still no secret shown
		}
		return u
	}
	if p.User != nil {
		p.User = nil
		return p.String() + " (credentials hidden)"
	}
	return u
}

// SessionResponder answers interactions through a session. discordgo keys
// a rate-limit bucket on every interaction token and never frees it (its
// issue #1333), so a long-running bot's memory grows with each answer;
// this sends the same requests through a fixed pool of buckets instead.
// Interaction callbacks are exempt from Discord's rate limits, so the pool
// only spreads concurrent requests.
type SessionResponder struct{ S *discordgo.Session }

var _ Responder = SessionResponder{}

const bucketPool = 64

func bucket(kind, token string) string {
	h := fnv.New32a()
	h.Write([]byte(token))
	return fmt.Sprintf("filmbot-%s-%d", kind, h.Sum32()%bucketPool)
}

// InteractionRespond sends the first answer to an interaction.
func (r SessionResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, opts ...discordgo.RequestOption) error {
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	if resp.Data != nil && len(resp.Data.Files) > 0 {
		_, err := r.request("POST", endpoint, Wire(resp), resp.Data.Files, bucket("cb", i.Token), opts...)
		return err
	}
	body, err := MarshalWire(resp)
	if err != nil {
		return err
	}
	// What RequestWithBucketID does once it has the JSON.
	_, err = r.S.RequestRaw("POST", endpoint, "application/json", body, bucket("cb", i.Token), 0, opts...)
	return err
}

// InteractionResponseEdit edits the original answer (after a deferral).
func (r SessionResponder) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	uri := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	body, err := r.request("PATCH", uri, e, e.Files, bucket("edit", i.Token), opts...)
	return decodeMessage(body, err)
}

// InteractionResponseEditFlags edits the original answer with message
// flags: a deferred answer that becomes a layout card.
func (r SessionResponder) InteractionResponseEditFlags(i *discordgo.Interaction, e *WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	uri := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	body, err := r.request("PATCH", uri, e, e.Files, bucket("edit", i.Token), opts...)
	return decodeMessage(body, err)
}

var _ FlagsEditor = SessionResponder{}

// request sends v as JSON, or, with files, as multipart/form-data with
// payload_json (a deferred answer that carries the chart or an export).
func (r SessionResponder) request(method, uri string, v any, files []*discordgo.File, bucket string, opts ...discordgo.RequestOption) ([]byte, error) {
	if len(files) == 0 {
		return r.S.RequestWithBucketID(method, uri, v, bucket, opts...)
	}
	ct, body, err := discordgo.MultipartBodyWithJSON(v, files)
	if err != nil {
		return nil, err
	}
	return r.S.RequestRaw(method, uri, ct, body, bucket, 0, opts...)
}

// FollowupMessageCreate sends a further message for an interaction.
func (r SessionResponder) FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	uri := discordgo.EndpointWebhookToken(i.AppID, i.Token)
	if wait {
		uri += "?wait=true"
	}
	body, err := r.request("POST", uri, p, p.Files, bucket("follow", i.Token), opts...)
	return decodeMessage(body, err)
}

// InteractionResponseDelete deletes the original answer.
func (r SessionResponder) InteractionResponseDelete(i *discordgo.Interaction, opts ...discordgo.RequestOption) error {
	uri := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	_, err := r.S.RequestWithBucketID("DELETE", uri, nil, bucket("edit", i.Token), opts...)
	return err
}

func decodeMessage(body []byte, err error) (*discordgo.Message, error) {
	if err != nil || len(body) == 0 {
		return nil, err
	}
	var m discordgo.Message
	return &m, json.Unmarshal(body, &m)
}

// Run connects b to Discord over the gateway, registers its commands by
// bulk overwrite once a session is ready, and serves interactions until
// ctx ends; then it stops taking interactions, waits for those in flight
// and closes the sessions.
//
// s is the first shard; it also carries the bot's REST calls. Run opens
// the others (cfg.Shards, or as many as GET /gateway/bot recommends) with
// the same settings, max_concurrency at a time, IdentifyInterval apart.
func Run(ctx context.Context, cfg Config, s *discordgo.Session, b *Bot) error {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	if cfg.IdentifyInterval == 0 {
		cfg.IdentifyInterval = 5 * time.Second
	}
	var sessions []*discordgo.Session
	var count, concurrency int
	var err error
	if cfg.Pool != nil {
		count, concurrency, err = shardCount(cfg, s)
	} else {
		sessions, concurrency, err = shardSessions(cfg, s)
	}
	if err != nil {
		return fmt.Errorf("connect to Discord: %w", tokenRejected(err))
	}
	if cfg.Claims != nil && cfg.Pool == nil {
		// A process that loses its shards' claim stops them (ends Run)
		// before the claim runs out.
		var lost context.CancelCauseFunc
		ctx, lost = context.WithCancelCause(ctx)
		defer lost(nil)
		release, err := claimShards(ctx, cfg, sessions, log, realClock{}, lost)
		if err != nil {
			return err
		}
		defer release()
	}
	gate := cfg.Gate
	if gate == nil {
		gate = newLocalGate()
	}
	var once sync.Once
	registered := make(chan struct{})
	attach := func(sh *discordgo.Session) {
		sh.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
			if !formSubmit(i) {
				b.Handle(i)
			}
		})
		// discordgo cannot decode a modal submit of labels, uploads or radio
		// groups: it passes the interaction on without its data, then the
		// raw event, from which package component decodes it.
		sh.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
			if i, ok := e.Struct.(*discordgo.InteractionCreate); ok && formSubmit(i) {
				if i, err := decodeInteraction(e.RawData); err == nil {
					b.Handle(i)
				} else {
					log.Warn("a modal submit that could not be decoded", "err", err)
				}
			}
		})
		if cfg.Voices != nil {
			cfg.Voices.attach(sh)
		}
		if cfg.OnGateway != nil {
			id := sh.ShardID
			sh.AddHandler(func(*discordgo.Session, *discordgo.Connect) { cfg.OnGateway(id, "connect") })
			sh.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { cfg.OnGateway(id, "disconnect") })
			sh.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { cfg.OnGateway(id, "resume") })
		}
		sh.AddHandler(func(sh *discordgo.Session, r *discordgo.Ready) {
			// discordgo runs handlers with no recover: a malformed READY
			// must not end the process.
			if r.User == nil || r.Application == nil {
				log.Error("READY without the bot's user or application; commands not registered", "shard", sh.ShardID)
				return
			}
			log.Info("connected", "bot", r.User.Username, "shard", fmt.Sprintf("%d/%d", sh.ShardID, sh.ShardCount),
				"guilds", len(r.Guilds), "session", r.SessionID)
			once.Do(func() {
				if cfg.NoRegister {
					close(registered)
					return
				}
				go func() {
					defer close(registered)
					Register(s, r.Application.ID, cfg.GuildID, b.Definitions(), log)
				}()
			})
		})
	}
	// identifyTurn waits for the shard's turn to identify; false if ctx
	// ended first. done is called once Open has returned (its READY came,
	// or it failed).
	identifyTurn := func(ctx context.Context, id int) (bool, func()) {
		if lock, ok := gate.(IdentifyLock); ok {
			return lockTurn(ctx, lock, id%concurrency, cfg.IdentifyInterval, func(waited time.Duration) {
				if cfg.OnIdentifyWait != nil {
					cfg.OnIdentifyWait(id, waited)
				}
			}, log)
		}
		// One identify per bucket (shard_id % max_concurrency) per
		// IdentifyInterval, across every process of the bot.
		// Turns are a tenth more than the interval apart: Discord counts
		// by when identifies reach it, after our connection set-up.
		wait, err := gate.ReserveIdentify(ctx, id%concurrency, cfg.IdentifyInterval+cfg.IdentifyInterval/10)
		if err != nil {
			log.Warn("could not reserve an identify turn in the shared store; waiting a whole interval", "shard", id, "err", err)
			wait = cfg.IdentifyInterval
		}
		if wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if cfg.OnIdentifyWait != nil {
			cfg.OnIdentifyWait(id, wait)
		}
		return ctx.Err() == nil, func() {}
	}
	if cfg.Pool != nil {
		return runPool(ctx, cfg, b, log, count, attach, identifyTurn, func() {
			once.Do(func() { close(registered) })
		}, registered)
	}
	for _, sh := range sessions {
		attach(sh)
	}
	var opened []*discordgo.Session
	defer func() {
		for _, sh := range opened {
			sh.Close()
		}
	}()
	for _, sh := range sessions {
		ok, done := identifyTurn(ctx, sh.ShardID)
		if !ok {
			break
		}
		err := sh.Open()
		done()
		if err != nil {
			sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			b.Shutdown(sctx) // the shards already open may have work in flight
			cancel()
			return fmt.Errorf("connect to Discord (shard %d of %d): %w", sh.ShardID, sh.ShardCount, err)
		}
		opened = append(opened, sh)
	}
	<-ctx.Done()
	if errors.Is(context.Cause(ctx), errShardsLost) {
		// The claim is running out: the shards close now, before another
		// process may open them, not after the work in flight (whose
		// answers still go out over REST).
		for _, sh := range opened {
			sh.Close()
		}
		opened = nil
	}
	log.Info("shutting down: finishing interactions in flight")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = b.Shutdown(sctx)
	for _, sh := range opened {
		if cerr := sh.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	opened = nil
	once.Do(func() { close(registered) }) // Ready never came: nothing to wait for
	select {                              // let a registration under way finish or fail
	case <-registered:
	case <-sctx.Done():
	}
	if cause := context.Cause(ctx); errors.Is(cause, errShardsLost) {
		return cause
	}
	return err
}

// Register replaces the application's commands with defs in one bulk
// overwrite: in guildID if set, globally otherwise. A failure is logged:
// the bot keeps serving the commands Discord already has.
func Register(s *discordgo.Session, appID, guildID string, defs []*discordgo.ApplicationCommand, log *slog.Logger) {
	got, err := s.ApplicationCommandBulkOverwrite(appID, guildID, defs)
	if err != nil {
		log.Error("registering commands failed; serving the ones Discord already has", "err", err, "guild", guildID)
		return
	}
	log.Info("commands registered "+RegisteredWhere(s, guildID), "count", len(got))
}

// RegisteredWhere says, for a log, where commands registered through s
// in guild ("" for global) went: Discord's global commands may take up to
// an hour to show; those of a server, or of a DISCORD_API_URL (a local
// sandbox), at once.
func RegisteredWhere(s *discordgo.Session, guild string) string {
	at := ""
	if rw, ok := s.Client.Transport.(*rewrite); ok {
		at = " at " + RedactURL(rw.to.String()) + " (DISCORD_API_URL)"
	}
	switch {
	case guild != "":
		return "in server " + guild + at
	case at != "":
		return "globally" + at
	}
	return "globally (Discord may take up to an hour to show them)"
}

// RegisterCommands registers defs for the application the token belongs
// to (GET /oauth2/applications/@me), in guildID if set, globally
// otherwise; for processes that serve no gateway (the Interactions
// Endpoint) and `filmbot register`. It returns how many Discord has.
func RegisterCommands(ctx context.Context, s *discordgo.Session, guildID string, defs []*discordgo.ApplicationCommand) (int, error) {
	body, err := s.RequestWithBucketID("GET", discordgo.EndpointOAuth2Application("@me"), nil, discordgo.EndpointOAuth2Application(""), discordgo.WithContext(ctx))
	var app discordgo.Application
	if err == nil {
		err = json.Unmarshal(body, &app)
	}
	if err == nil && app.ID == "" {
		err = errors.New("no application id in the answer")
	}
	if err != nil {
		return 0, fmt.Errorf("looking up the application: %w", tokenRejected(err))
	}
	got, err := s.ApplicationCommandBulkOverwrite(app.ID, guildID, defs, discordgo.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("registering commands: %w", tokenRejected(err))
	}
	return len(got), nil
}

// HTTPFetcher downloads attachments for the commands (commands.Fetcher):
// at most max+1 bytes, so the caller can tell a body over max, giving up
// after timeout.
func HTTPFetcher(client *http.Client, timeout time.Duration) func(ctx context.Context, url string, max int64) ([]byte, error) {
	return func(ctx context.Context, url string, max int64) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("download answered %s", resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, max+1))
	}
}

// SessionPoster posts announcements through a session: the commands'
// Poster, so that handlers decide what to post and only bot talks to Discord.
type SessionPoster struct{ S *discordgo.Session }

// PostMessage posts embed in a channel of guildID, mentioning no one. It
// first asks Discord whose channel it is, so that a stale or forged
// setting can never post into another server.
func (p SessionPoster) PostMessage(ctx context.Context, guildID, channelID string, embed *discordgo.MessageEmbed) (string, error) {
	ch, err := p.S.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	if ch.GuildID != guildID {
		return "", fmt.Errorf("channel %s is not in this server", channelID)
	}
	m, err := p.S.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Embeds:          []*discordgo.MessageEmbed{embed},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// StartThread starts a public thread on a message.
func (p SessionPoster) StartThread(ctx context.Context, channelID, messageID, name string) (string, error) {
	ch, err := p.S.MessageThreadStartComplex(channelID, messageID, &discordgo.ThreadStart{
		Name: name, AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
	}, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// Forbidden is an error Discord answered with 403 Missing Permissions; its
// Forbidden method lets the commands tell the host, without importing bot.
type Forbidden struct{ Err error }

func (f *Forbidden) Error() string {
	return "Discord refused: the bot lacks a permission (" + f.Err.Error() + ")"
}
func (f *Forbidden) Unwrap() error   { return f.Err }
func (f *Forbidden) Forbidden() bool { return true }

func forbidden(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusForbidden {
		return &Forbidden{err}
	}
	return err
}

// Gone is an error Discord answered with 404 (an unknown channel, message
// or event), or a channel the bot cannot see: trying again will not find it.
type Gone struct{ Err error }

func (g *Gone) Error() string { return "Discord: it is not there (" + g.Err.Error() + ")" }
func (g *Gone) Unwrap() error { return g.Err }
func (g *Gone) Gone() bool    { return true }

// Refused is an error Discord answered with 400: the request as it is
// will never pass (an event starting in the past, 50035).
type Refused struct{ Err error }

func (r *Refused) Error() string { return "Discord refused the request (" + r.Err.Error() + ")" }
func (r *Refused) Unwrap() error { return r.Err }
func (r *Refused) Refused() bool { return true }

// classify wraps a REST error by what it means for a retry: 403
// Forbidden, 404 Gone, 400 Refused; others are left as they are.
func classify(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		switch re.Response.StatusCode {
		case http.StatusForbidden:
			return &Forbidden{err}
		case http.StatusNotFound:
			return &Gone{err}
		case http.StatusBadRequest:
			return &Refused{err}
		}
	}
	return err
}

// hidden reads a failed channel lookup: a channel deleted (404) or hidden
// from the bot (403) is Gone.
func hidden(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode == http.StatusForbidden || re.Response.StatusCode == http.StatusNotFound) {
		return &Gone{err}
	}
	return err
}

// PostPoll posts a poll (answers in order, hours long) in a channel of
// guildID, with content above it, mentioning no one.
func (p SessionPoster) PostPoll(ctx context.Context, guildID, channelID, content, question string, answers []string, hours int) (string, error) {
	ch, err := p.S.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err) // 403: no View Channel there; 404: gone
	}
	if ch.GuildID != guildID {
		return "", &Gone{fmt.Errorf("channel %s is not in this server", channelID)}
	}
	poll := &discordgo.Poll{Question: discordgo.PollMedia{Text: question}, Duration: hours, LayoutType: discordgo.PollLayoutTypeDefault}
	for _, a := range answers {
		poll.Answers = append(poll.Answers, discordgo.PollAnswer{Media: &discordgo.PollMedia{Text: a}})
	}
	m, err := p.S.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{Content: content, Poll: poll,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}, discordgo.WithContext(ctx))
	if err != nil {
		return "", forbidden(err)
	}
	return m.ID, nil
}

// EndPoll ends a poll (one already ended is read as it is) and returns
// the votes per answer, in the answers' order.
func (p SessionPoster) EndPoll(ctx context.Context, channelID, messageID string) ([]int, error) {
	m, expErr := p.S.PollExpire(channelID, messageID)
	if expErr != nil {
		var err error
		if m, err = p.S.ChannelMessage(channelID, messageID, discordgo.WithContext(ctx)); err != nil {
			return nil, hidden(classify(err))
		}
		// Ending it failed, and it is still open (a host closing early, a
		// 5xx): its counts are not final, so the step tries again.
		if m.Poll != nil && (m.Poll.Results == nil || !m.Poll.Results.Finalized) && m.Poll.Expiry != nil && m.Poll.Expiry.After(time.Now()) {
			return nil, fmt.Errorf("ending the poll: %w", classify(expErr))
		}
	}
	if m.Poll == nil {
		return nil, fmt.Errorf("message %s has no poll", messageID)
	}
	counts := make([]int, len(m.Poll.Answers))
	if m.Poll.Results != nil {
		for _, c := range m.Poll.Results.AnswerCounts {
			if c.ID >= 1 && c.ID <= len(counts) {
				counts[c.ID-1] = c.Count
			}
		}
	}
	return counts, nil
}

// CreateEvent creates a guild scheduled event: in a voice or stage
// channel when channelID is set, else at location (an external event,
// which needs its end).
func (p SessionPoster) CreateEvent(ctx context.Context, guildID, name, description, channelID, location string, start, end time.Time) (string, error) {
	params := &discordgo.GuildScheduledEventParams{Name: name, Description: description, ScheduledStartTime: &start,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly}
	if channelID != "" {
		ch, err := p.S.Channel(channelID, discordgo.WithContext(ctx))
		if err != nil {
			return "", hidden(err) // deleted, or hidden from the bot: Gone
		}
		params.ChannelID, params.EntityType = channelID, discordgo.GuildScheduledEventEntityTypeVoice
		if ch.Type == discordgo.ChannelTypeGuildStageVoice {
			params.EntityType = discordgo.GuildScheduledEventEntityTypeStageInstance
		}
	} else {
		params.EntityType, params.ScheduledEndTime = discordgo.GuildScheduledEventEntityTypeExternal, &end
		params.EntityMetadata = &discordgo.GuildScheduledEventEntityMetadata{Location: location}
	}
	e, err := p.S.GuildScheduledEventCreate(guildID, params, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	return e.ID, nil
}

// DeleteEvent deletes a guild scheduled event; one already gone is fine.
func (p SessionPoster) DeleteEvent(ctx context.Context, guildID, eventID string) error {
	err := p.S.GuildScheduledEventDelete(guildID, eventID, discordgo.WithContext(ctx))
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound {
		return nil
	}
	return forbidden(err)
}

// PostCard posts content, an embed and components in a channel of
// guildID, mentioning no one but mention (a user id), if set.
func (p SessionPoster) PostCard(ctx context.Context, guildID, channelID, content string, embed *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (string, error) {
	ch, err := p.S.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return "", hidden(err)
	}
	if ch.GuildID != guildID {
		return "", &Gone{fmt.Errorf("channel %s is not in this server", channelID)}
	}
	mentions := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if mention != "" {
		mentions.Users = []string{mention}
	}
	m, err := p.S.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{Content: content, Embeds: []*discordgo.MessageEmbed{embed}, Components: rows,
		AllowedMentions: mentions}, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	return m.ID, nil
}

// FindPost returns the id of the bot's message, among the last 100 of
// channelID, whose content or an embed's footer holds tag; "" if none.
func (p SessionPoster) FindPost(ctx context.Context, channelID, tag string) (string, error) {
	ms, err := p.S.ChannelMessages(channelID, 100, "", "", "", discordgo.WithContext(ctx))
	if err != nil {
		return "", hidden(classify(err))
	}
	for _, m := range ms {
		if m.Author == nil || !m.Author.Bot || (p.S.State != nil && p.S.State.User != nil && m.Author.ID != p.S.State.User.ID) {
			continue
		}
		if strings.Contains(m.Content, tag) {
			return m.ID, nil
		}
		for _, e := range m.Embeds {
			if e.Footer != nil && strings.Contains(e.Footer.Text, tag) {
				return m.ID, nil
			}
		}
	}
	return "", nil
}

// FindEvent returns the id of guildID's scheduled event whose description
// holds tag; "" if none.
func (p SessionPoster) FindEvent(ctx context.Context, guildID, tag string) (string, error) {
	es, err := p.S.GuildScheduledEvents(guildID, false, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	for _, e := range es {
		if strings.Contains(e.Description, tag) {
			return e.ID, nil
		}
	}
	return "", nil
}

// formSubmit is an interaction discordgo decoded without its data: a
// modal submit of Discord's newer form components (see package component).
func formSubmit(i *discordgo.InteractionCreate) bool {
	return i != nil && i.Interaction != nil && i.Type == discordgo.InteractionModalSubmit && i.Data == nil
}
