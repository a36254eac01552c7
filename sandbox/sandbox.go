// Package sandbox is a Discord-compatible server on loopback: the REST API
// under /api/v9/ (and /api/v10/) and the gateway websocket, for everything
// filmbot uses. Tests and people act as members through its Go API or its
// control API under /_sandbox/; it judges what the bot sends the way Discord
// would (limits, the 3-second window, token expiry, allowed_mentions) and
// records each violation. Any bot can be pointed at it.
package sandbox

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// Options tune a sandbox. Zero values take Discord's numbers.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0 (any free port).
	Addr string
	// Token the bot must present; default a random one.
	Token string
	// ResponseWindow is how long the bot has for its first answer (3 s).
	ResponseWindow time.Duration
	// TokenTTL is how long an interaction token takes edits and
	// follow-ups (15 min).
	TokenTTL time.Duration
	// HeartbeatInterval sent in HELLO (41.25 s).
	HeartbeatInterval time.Duration
	// Guilds the bot is in; default two made-up servers.
	Guilds []Guild
	// Shards is how many gateway shards /gateway/bot recommends and the
	// gateway requires (an IDENTIFY with fewer is closed with 4011
	// "Sharding required", as Discord does from 2,500 guilds a shard);
	// default 1.
	Shards int
	// MaxConcurrency is the session_start_limit.max_concurrency that
	// /gateway/bot reports: how many shards may identify per 5 s; default 1.
	MaxConcurrency int
	// InteractionsURL, when set, is the bot's Interactions Endpoint:
	// interactions are POSTed there, signed, instead of sent over the
	// gateway (as when the URL is saved in Discord's developer portal).
	// It is checked like the portal checks it before the first
	// interaction goes; SetInteractionsURL changes it later.
	InteractionsURL string
	// Key signs interactions sent over HTTP; default a new one.
	Key ed25519.PrivateKey
	// IdentifyInterval is the identify window: two shards of one bucket
	// (shard_id % MaxConcurrency) identifying less than this apart is a
	// violation (Discord's 5 s). A shard identifying again is not counted.
	IdentifyInterval time.Duration
	// Retain, when set, forgets interactions (and the messages they made)
	// this long after dispatch, so a long load run holds bounded memory.
	Retain time.Duration
	// StateFile, when set, keeps the sandbox's messages, polls, threads,
	// scheduled events and files across restarts: read at Start, written
	// (atomically) after each change and at Close. Empty: all in memory.
	StateFile string
	// TMDB, when set, plays The Movie Database too: a tmdbfake on its own
	// loopback listener (TMDB() has its address and token), which
	// POST /_sandbox/tmdb/fail makes fail and GET /_sandbox/info names.
	TMDB bool
}

// Guild is a server the bot is in.
type Guild struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Channels []Channel `json:"channels"`
	// BotDenied are permissions the bot lacks in this server (Send Polls,
	// Create Events, …); none by default.
	BotDenied int64 `json:"bot_denied,omitempty,string"`
	// Roles of the server besides @everyone (whose id is the server's).
	Roles []Role `json:"roles,omitempty"`
	// Locale is the server's language, as Discord sends it in each
	// interaction's guild_locale and the guild's locale (a Discord locale:
	// "de", "pt-BR"); "" is en-US. SetGuildLocale changes it.
	Locale string `json:"locale,omitempty"`
}

// Role is a server's role.
type Role struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Channel is a text channel or thread.
type Channel struct {
	ID        string                `json:"id"`
	Name      string                `json:"name"`
	GuildID   string                `json:"guild_id,omitempty"`
	ParentID  string                `json:"parent_id,omitempty"`
	Type      discordgo.ChannelType `json:"type"`
	MessageID string                `json:"message_id,omitempty"` // for a thread started on a message
}

// Member is who acts: a user in a guild with permissions and roles, or
// a user in a DM when GuildID is empty.
type Member struct {
	GuildID     string   `json:"guild_id,omitempty"`
	UserID      string   `json:"user_id"`
	Name        string   `json:"name"`
	Role        string   `json:"role,omitempty"` // what the playground's picker shows beside the name
	Permissions int64    `json:"permissions,string"`
	Roles       []string `json:"roles,omitempty"`
	// ChannelID is where the member acts; default the guild's first
	// channel, or the member's DM with the bot.
	ChannelID string `json:"channel_id,omitempty"`
	// Locale is the language the member's Discord is set to, sent as each
	// interaction's locale (a Discord locale: "ru", "es-419"); "" is
	// en-US.
	Locale string `json:"locale,omitempty"`
	// UserInstall: the member reaches filmbot through its install to
	// their own account, in a server (GuildID) that has not added it:
	// interactions carry authorizing_integration_owners {"1": the
	// member} and the app's permissions there; with ExternalPublic the
	// server lets the member's external apps answer publicly: the member
	// has Use External Apps (1 << 50) and the app Send Messages. Without GuildID, the member acts
	// in a private channel (a DM with another user): context 2.
	UserInstall    bool `json:"user_install,omitempty"`
	ExternalPublic bool `json:"external_public,omitempty"`
}

// Violation is something the bot did that Discord would refuse or punish.
type Violation struct {
	Interaction string // interaction id, if any
	What        string
	At          time.Time
}

func (v Violation) String() string { return fmt.Sprintf("interaction %s: %s", v.Interaction, v.What) }

// Server is a running sandbox.
type Server struct {
	opts     Options
	URL      string // http://127.0.0.1:port
	AppID    string
	BotID    string
	BotName  string
	ln       net.Listener
	http     *http.Server
	tmdb     *tmdbfake.Local
	idSeq    atomic.Uint64
	skew     atomic.Int64   // what expires (Retain, TokenTTL) reads a clock this far ahead (tests)
	guildAt  map[string]int // opts.Guilds by id (a large bot's million servers are not searched)
	mu       sync.Mutex
	changed  chan struct{}                              // closed and replaced on every state change
	commands map[string][]*discordgo.ApplicationCommand // "" for global, else guild id
	inter    map[string]*Interaction                    // by id
	order    []*Interaction                             // as dispatched, for pruning
	byToken  map[string]*Interaction
	messages map[string]*Message
	channels map[string]*Channel
	files    map[string][]byte // attachment id/name → bytes
	uploads  map[string]*discordgo.MessageAttachment
	slow     map[string]time.Duration
	faults   []Fault
	viol     []Violation
	gw       *gateway

	pub        ed25519.PublicKey
	priv       ed25519.PrivateKey
	client     *http.Client
	endpoint   string // Interactions Endpoint URL, "" for the gateway
	checked    bool   // the endpoint set at start has been checked
	deliveries atomic.Uint64
	events     map[string]*Event // scheduled events by id
	// guildLocales are servers' languages set by SetGuildLocale.
	guildLocales map[string]string
	// voice is who is in which voice channel, per server (SetVoice).
	voice map[string]map[string]string

	dirty     chan struct{} // with StateFile: a change to write
	stopSave  chan struct{}
	saved     chan error
	closeOnce sync.Once
}

// Fault makes the sandbox answer one matching REST call with an error.
type Fault struct {
	Method     string  // "" matches any
	Path       string  // substring of the path; "" matches any
	Status     int     // 429, 500, …
	RetryAfter float64 // seconds, for 429
}

// DefaultGuilds are the made-up servers a sandbox starts with.
func DefaultGuilds() []Guild {
	return []Guild{
		{ID: "100000000000000001", Name: "Film Club", Channels: []Channel{
			{ID: "200000000000000001", Name: "general"}, {ID: "200000000000000002", Name: "reviews"},
			{ID: "200000000000000004", Name: "Screening room", Type: discordgo.ChannelTypeGuildVoice}},
			Roles: []Role{{ID: ModeratorRole, Name: "Moderators"}}},
		{ID: "100000000000000002", Name: "Cinema Nerds", Channels: []Channel{
			{ID: "200000000000000003", Name: "general"}}},
	}
}

// Start runs a sandbox until Close.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Token == "" {
		b := make([]byte, 24)
		rand.Read(b)
		opts.Token = "sandbox." + hex.EncodeToString(b)
	}
	if opts.ResponseWindow == 0 {
		opts.ResponseWindow = 3 * time.Second
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 15 * time.Minute
	}
	if opts.HeartbeatInterval == 0 {
		opts.HeartbeatInterval = 41250 * time.Millisecond
	}
	if opts.IdentifyInterval == 0 {
		opts.IdentifyInterval = 5 * time.Second
	}
	if opts.Guilds == nil {
		opts.Guilds = DefaultGuilds()
	}
	if opts.Key == nil {
		_, opts.Key, _ = ed25519.GenerateKey(nil)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	guildAt := make(map[string]int, len(opts.Guilds))
	for k, g := range opts.Guilds {
		guildAt[g.ID] = k
	}
	s := &Server{
		opts: opts, ln: ln, guildAt: guildAt, URL: "http://" + ln.Addr().String(),
		AppID: "300000000000000001", BotID: "300000000000000001", BotName: "filmbot",
		changed:  make(chan struct{}),
		commands: map[string][]*discordgo.ApplicationCommand{},
		inter:    map[string]*Interaction{}, byToken: map[string]*Interaction{},
		messages: map[string]*Message{}, channels: map[string]*Channel{}, files: map[string][]byte{},
		uploads: map[string]*discordgo.MessageAttachment{}, slow: map[string]time.Duration{},
		priv: opts.Key, pub: opts.Key.Public().(ed25519.PublicKey), endpoint: opts.InteractionsURL, events: map[string]*Event{},
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128, MaxIdleConns: 256, IdleConnTimeout: 90 * time.Second}},
	}
	s.idSeq.Store(400000000000000000)
	for _, g := range opts.Guilds {
		for _, c := range g.Channels {
			c.GuildID = g.ID // a text channel unless Type says otherwise
			s.channels[c.ID] = &c
		}
	}
	if opts.StateFile != "" {
		if err := s.load(opts.StateFile); err != nil {
			ln.Close()
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		s.dirty, s.stopSave, s.saved = make(chan struct{}, 1), make(chan struct{}), make(chan error, 1)
		go s.saver(s.stopSave, s.saved)
	}
	if opts.TMDB {
		if s.tmdb, err = tmdbfake.Start("127.0.0.1:0", tmdbfake.Options{}); err != nil {
			ln.Close()
			return nil, fmt.Errorf("sandbox: TMDB: %w", err)
		}
	}
	s.gw = newGateway(s)
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// TMDB is the fake TMDB the sandbox plays (Options.TMDB), or nil.
func (s *Server) TMDB() *tmdbfake.Local { return s.tmdb }

// Token is the bot token the sandbox accepts.
func (s *Server) Token() string { return s.opts.Token }

// Guilds are the servers the bot is in.
func (s *Server) Guilds() []Guild {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Guild, len(s.opts.Guilds))
	for k, g := range s.opts.Guilds {
		g.Locale = s.guildLocaleLocked(g.ID)
		out[k] = g
	}
	return out
}

// Close stops the sandbox and drops every connection; with StateFile, it
// writes the state a last time.
func (s *Server) Close() error {
	s.gw.closeAll()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if s.tmdb != nil {
		err = errors.Join(err, s.tmdb.Close())
	}
	if s.stopSave != nil {
		s.closeOnce.Do(func() {
			close(s.stopSave)
			err = errors.Join(err, <-s.saved)
		})
	}
	return err
}

func (s *Server) newID() string { return strconv.FormatUint(s.idSeq.Add(1), 10) }

// notify wakes everyone waiting for a change. Callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
	if s.dirty != nil {
		select {
		case s.dirty <- struct{}{}:
		default: // a write is due already
		}
	}
}

// waitFor blocks until cond (called with s.mu held) is true or ctx ends.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) violateLocked(interaction, format string, a ...any) {
	s.viol = append(s.viol, Violation{Interaction: interaction, What: fmt.Sprintf(format, a...), At: time.Now()})
	s.notify()
}

// Violations lists everything the bot did that Discord would refuse.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.viol...)
}

// FailNext makes the next REST call matching f fail with f.Status.
func (s *Server) FailNext(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// Commands returns the commands registered for guild ("" for global).
func (s *Server) Commands(guild string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[guild]
}

// WaitCommands waits until commands are registered for guild ("" global).
func (s *Server) WaitCommands(ctx context.Context, guild string) ([]*discordgo.ApplicationCommand, error) {
	var out []*discordgo.ApplicationCommand
	err := s.waitFor(ctx, func() bool {
		out = s.commands[guild]
		return len(out) > 0
	})
	return out, err
}

// Message returns a message by id.
func (s *Server) Message(id string) (*Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return nil, false
	}
	c := *m
	return &c, true
}

// ChannelMessages lists a channel's messages, oldest first (ephemeral
// ones only for the member they were for).
func (s *Server) ChannelMessages(channel string) []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, m := range s.messages {
		if m.ChannelID == channel {
			c := *m
			out = append(out, &c)
		}
	}
	sortMessages(out)
	return out
}

// Threads lists the threads started in the sandbox.
func (s *Server) Threads() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, c := range s.channels {
		if c.Type == discordgo.ChannelTypeGuildPublicThread {
			out = append(out, *c)
		}
	}
	return out
}

var errNoBot = errors.New("sandbox: no bot is connected to the gateway")

// now is the sandbox's clock for what expires (Retain, TokenTTL): real
// time, moved on by skew.
func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) }
