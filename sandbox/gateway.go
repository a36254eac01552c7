package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gateway is the sandbox's gateway: one session per shard the bot
// identifies, each with an event log so a resumed connection gets what it
// missed. A guild's events go to shard (guild_id >> 22) % shards, DMs to
// shard 0, as Discord routes them.
type gateway struct {
	s  *Server
	up websocket.Upgrader

	// Guarded by s.mu.
	conns      map[*conn]bool
	count      int // shards the bot identified with; 0 before any IDENTIFY
	shards     map[int]*shard
	identified []Identify
	resumes    int
	overlaps   []Overlap
	gaps       []ShardGap
	byShard    [][]int // opts.Guilds' indexes by shard, for the shard count g.count
}

// ShardGap is a shard that had no connection for a while: from its
// connection closing to the next IDENTIFY (a process killed or handing
// it over, and the next taking it).
type ShardGap struct {
	Shard int
	Down  time.Duration
	At    time.Time // the IDENTIFY that ended it
}

// Overlap is a shard identified on a connection while another
// connection still ran it: two processes running one shard.
type Overlap struct {
	Shard          int
	Remote, Before string // the new connection's address and the old one's
	At             time.Time
}

// shard is one gateway session.
type shard struct {
	id     int
	sendMu sync.Mutex // orders sequence numbers with writes

	// Guarded by s.mu.
	active    *conn
	flooding  *conn     // the connection still being sent its servers after READY
	downSince time.Time // when active went away, until the next IDENTIFY
	sessionID string
	seq       int64
	log       []logged
}

// Identify is one IDENTIFY the sandbox accepted.
type Identify struct {
	Shard, Shards int
	At            time.Time
	// Remote is the connection's address as the sandbox sees it (the
	// bot process's end: which process runs the shard).
	Remote string
}

type logged struct {
	seq  int64
	data []byte
}

type conn struct {
	ws *websocket.Conn
	mu sync.Mutex
	sh *shard // guarded by s.mu; set by IDENTIFY or RESUME
}

func (c *conn) write(data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

const maxLog = 10000

func newGateway(s *Server) *gateway {
	return &gateway{s: s, conns: map[*conn]bool{}, shards: map[int]*shard{},
		up: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := g.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	g.s.mu.Lock()
	g.conns[c] = true
	g.s.mu.Unlock()
	defer func() {
		g.s.mu.Lock()
		delete(g.conns, c)
		if c.sh != nil && c.sh.active == c {
			c.sh.active, c.sh.downSince = nil, time.Now()
		}
		g.s.notify()
		g.s.mu.Unlock()
		ws.Close()
	}()
	hello := map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": g.s.opts.HeartbeatInterval.Milliseconds()}}
	if c.write(mustJSON(hello)) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if json.Unmarshal(data, &f) != nil {
			ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4002, "Decode error"), time.Now().Add(time.Second))
			return
		}
		switch f.Op {
		case 1: // heartbeat
			c.write([]byte(`{"op":11}`))
		case 2: // identify
			if !g.identify(c, f.D) {
				return
			}
		case 6: // resume
			g.resume(c, f.D)
		}
	}
}

func (g *gateway) tokenOK(t string) bool {
	return strings.TrimPrefix(t, "Bot ") == g.s.opts.Token
}

// guildShard is the shard that receives a guild's events.
func guildShard(guildID string, shards int) int {
	id, _ := strconv.ParseUint(guildID, 10, 64)
	return int((id >> 22) % uint64(max(shards, 1)))
}

func closeWith(c *conn, code int, text string) {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
}

func (g *gateway) identify(c *conn, d json.RawMessage) bool {
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	json.Unmarshal(d, &id)
	if !g.tokenOK(id.Token) {
		closeWith(c, 4004, "Authentication failed.")
		return false
	}
	n, count := 0, 1
	if id.Shard != nil {
		n, count = id.Shard[0], id.Shard[1]
	}
	s := g.s
	switch {
	case count < 1 || n < 0 || n >= count:
		closeWith(c, 4010, "Invalid shard.")
		return false
	case count < s.opts.Shards:
		closeWith(c, 4011, "Sharding required.")
		return false
	}
	b := make([]byte, 16)
	rand.Read(b)
	s.mu.Lock()
	if count != g.count { // a new shard count replaces every session
		g.count, g.shards = count, map[int]*shard{}
	}
	sh := g.shards[n]
	if sh == nil {
		sh = &shard{id: n}
		g.shards[n] = sh
	}
	s.mu.Unlock()
	sh.sendMu.Lock()
	s.mu.Lock()
	sh.sessionID, sh.seq, sh.log = hex.EncodeToString(b), 0, nil
	now := time.Now()
	remote := c.ws.RemoteAddr().String()
	if prev := sh.active; prev != nil && prev != c && g.conns[prev] {
		g.overlaps = append(g.overlaps, Overlap{Shard: n, Remote: remote, Before: prev.ws.RemoteAddr().String(), At: now})
	}
	sh.active, sh.flooding, c.sh = c, c, sh
	if !sh.downSince.IsZero() {
		g.gaps = append(g.gaps, ShardGap{Shard: n, Down: now.Sub(sh.downSince), At: now})
		sh.downSince = time.Time{}
	}
	for _, prev := range g.identified {
		if prev.Shard != n && prev.Shard%max(s.opts.MaxConcurrency, 1) == n%max(s.opts.MaxConcurrency, 1) && now.Sub(prev.At) < s.opts.IdentifyInterval {
			s.violateLocked("", "shard %d identified %v after shard %d, in the same bucket of max_concurrency %d: Discord allows one per %v",
				n, now.Sub(prev.At).Round(time.Millisecond), prev.Shard, max(s.opts.MaxConcurrency, 1), s.opts.IdentifyInterval)
		}
	}
	g.identified = append(g.identified, Identify{Shard: n, Shards: count, At: now, Remote: remote})
	var guilds []Guild // the shard's servers alone: a large bot's list is not copied per shard
	if g.byShard == nil || len(g.byShard) != count {
		// Which servers each shard has, once per shard count: a large
		// bot's list is not walked per IDENTIFY under the lock.
		g.byShard = make([][]int, count)
		for k, gd := range s.opts.Guilds {
			sh := guildShard(gd.ID, count)
			g.byShard[sh] = append(g.byShard[sh], k)
		}
	}
	for _, k := range g.byShard[n] {
		gd := s.opts.Guilds[k]
		gd.Locale = s.guildLocaleLocked(gd.ID)
		guilds = append(guilds, gd)
	}
	s.mu.Unlock()
	sh.sendMu.Unlock()
	unavailable := []map[string]any{}
	for _, gd := range guilds {
		unavailable = append(unavailable, map[string]any{"id": gd.ID, "unavailable": true})
	}
	url := "ws://" + s.ln.Addr().String() + "/gateway"
	g.send(sh, "READY", map[string]any{
		"v": 9, "user": map[string]any{"id": s.BotID, "username": s.BotName, "discriminator": "0", "bot": true, "verified": true},
		"guilds": unavailable, "session_id": sh.sessionID, "resume_gateway_url": url, "shard": []int{n, count},
		"application": map[string]any{"id": s.AppID, "flags": 0}, "private_channels": []any{},
	}, nil)
	// The servers come after READY while the connection's frames are
	// still read, as Discord sends them: a bot that closes the
	// connection meanwhile (a shard handed over) is seen gone at once,
	// not once a large shard's flood is through.
	go func() {
		for _, gd := range guilds {
			s.mu.Lock()
			gone := sh.active != c
			s.mu.Unlock()
			if gone {
				return
			}
			var chans []map[string]any
			for _, c := range gd.Channels {
				chans = append(chans, map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "guild_id": gd.ID})
			}
			g.send(sh, "GUILD_CREATE", map[string]any{"id": gd.ID, "name": gd.Name, "channels": chans, "roles": []any{},
				"voice_states": s.voiceStates(gd.ID), "members": []any{}, "threads": []any{}, "unavailable": false, "member_count": 2, "owner_id": "1", "preferred_locale": orEnglish(gd.Locale), "joined_at": time.Now().Format(time.RFC3339)}, nil)
		}
		s.mu.Lock()
		if sh.flooding == c {
			sh.flooding = nil
		}
		s.notify()
		s.mu.Unlock()
	}()
	return true
}

func (g *gateway) resume(c *conn, d json.RawMessage) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	json.Unmarshal(d, &r)
	s := g.s
	s.mu.Lock()
	var sh *shard
	for _, x := range g.shards {
		if r.SessionID != "" && x.sessionID == r.SessionID {
			sh = x
		}
	}
	s.mu.Unlock()
	if sh == nil || !g.tokenOK(r.Token) {
		c.write([]byte(`{"op":9,"d":false}`))
		return
	}
	sh.sendMu.Lock()
	defer sh.sendMu.Unlock()
	s.mu.Lock()
	ok := r.SessionID == sh.sessionID && (len(sh.log) == 0 || sh.log[0].seq <= r.Seq+1) && r.Seq <= sh.seq
	var replay [][]byte
	if ok {
		for _, e := range sh.log {
			if e.seq > r.Seq {
				replay = append(replay, e.data)
			}
		}
		sh.active, c.sh = c, sh
		g.resumes++
		sh.seq++
		seq := sh.seq
		resumed := mustJSON(map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}})
		sh.log = append(sh.log, logged{seq, resumed})
		replay = append(replay, resumed)
	}
	s.notify()
	s.mu.Unlock()
	if !ok {
		c.write([]byte(`{"op":9,"d":false}`))
		return
	}
	for _, data := range replay {
		if c.write(data) != nil {
			return
		}
	}
}

// dispatch sends an event about a guild (or a DM, for "") to the shard
// that has it, recording in *sent, if set, the moment it goes to the
// socket: the start of the bot's latency. It fails when that shard's
// session was never identified.
func (g *gateway) dispatch(t string, d any, guildID string, sent *time.Time) error {
	g.s.mu.Lock()
	sh := g.shards[guildShard(guildID, g.count)]
	g.s.mu.Unlock()
	if sh == nil {
		return errNoBot
	}
	return g.send(sh, t, d, sent)
}

// send sends an event on a shard's session (or logs it for a resume when
// the connection is down). The payload is encoded before s.mu is taken, so
// callbacks arriving meanwhile are not held up by it.
func (g *gateway) send(sh *shard, t string, d any, sent *time.Time) error {
	s := g.s
	payload := mustJSON(d)
	sh.sendMu.Lock()
	defer sh.sendMu.Unlock()
	s.mu.Lock()
	if sh.sessionID == "" {
		s.mu.Unlock()
		return errNoBot
	}
	sh.seq++
	data := fmt.Appendf(make([]byte, 0, len(payload)+64), `{"op":0,"t":%q,"s":%d,"d":`, t, sh.seq)
	data = append(append(data, payload...), '}')
	sh.log = append(sh.log, logged{sh.seq, data})
	if len(sh.log) > maxLog {
		sh.log = sh.log[len(sh.log)-maxLog:]
	}
	c := sh.active
	if sent != nil {
		*sent = time.Now()
	}
	s.mu.Unlock()
	if c != nil {
		if c.write(data) != nil {
			c.ws.Close()
		}
	}
	return nil
}

// active connections of every shard, for the controls below.
func (g *gateway) active() []*conn {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	var cs []*conn
	for _, sh := range g.shards {
		if sh.active != nil {
			cs = append(cs, sh.active)
		}
	}
	return cs
}

// connectedLocked: every shard of the bot's count has a live session.
func (g *gateway) connectedLocked() bool {
	if g.count == 0 {
		return false
	}
	for n := 0; n < g.count; n++ {
		if sh := g.shards[n]; sh == nil || sh.active == nil || sh.sessionID == "" || sh.flooding == sh.active {
			return false
		}
	}
	return true
}

func (g *gateway) closeAll() {
	g.s.mu.Lock()
	var cs []*conn
	for c := range g.conns {
		cs = append(cs, c)
	}
	g.s.mu.Unlock()
	for _, c := range cs {
		c.ws.Close()
	}
}

// Connected reports whether the bot is connected to the gateway, with a
// session on every shard.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.connectedLocked()
}

// WaitConnected waits until the bot is connected on every shard.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitFor(ctx, s.gw.connectedLocked)
}

// WaitDisconnected waits until the bot has no session on some shard
// (it closed or lost a connection).
func (s *Server) WaitDisconnected(ctx context.Context) error {
	return s.waitFor(ctx, func() bool { return !s.gw.connectedLocked() })
}

// GatewayStats counts sessions identified and resumed since start.
func (s *Server) GatewayStats() (identifies, resumes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.gw.identified), s.gw.resumes
}

// ShardOverlaps lists the shards identified while another connection
// still ran them (two processes on one shard), oldest first.
func (s *Server) ShardOverlaps() []Overlap {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.overlaps)
}

// ShardGaps lists the times a shard was without a connection until it
// was identified again, oldest first.
func (s *Server) ShardGaps() []ShardGap {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.gaps)
}

// ShardRemotes says, for each shard with a live connection, that
// connection's address (the process's end).
func (s *Server) ShardRemotes() map[int]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]string{}
	for n, sh := range s.gw.shards {
		if sh.active != nil && s.gw.conns[sh.active] {
			out[n] = sh.active.ws.RemoteAddr().String()
		}
	}
	return out
}

// Identifies lists the IDENTIFYs accepted since start, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.identified)
}

// DropConnection cuts the bot's gateway connections without a close frame,
// as a network failure would. The sessions stay resumable.
func (s *Server) DropConnection() {
	for _, c := range s.gw.active() {
		c.ws.UnderlyingConn().Close()
	}
}

// RequestReconnect sends op 7 RECONNECT on every shard: the bot should
// reconnect and resume.
func (s *Server) RequestReconnect() error {
	return s.eachShard(func(c *conn) error { return c.write([]byte(`{"op":7,"d":null}`)) })
}

// InvalidateSession sends op 9 INVALID SESSION on every shard. When not
// resumable the sessions are forgotten, so the bot must identify again.
func (s *Server) InvalidateSession(resumable bool) error {
	if !resumable {
		s.mu.Lock()
		for _, sh := range s.gw.shards {
			sh.sessionID = ""
		}
		s.mu.Unlock()
	}
	return s.eachShard(func(c *conn) error { return c.write(mustJSON(map[string]any{"op": 9, "d": resumable})) })
}

func (s *Server) eachShard(f func(*conn) error) error {
	cs := s.gw.active()
	if len(cs) == 0 {
		return errNoBot
	}
	for _, c := range cs {
		if err := f(c); err != nil {
			return err
		}
	}
	return nil
}
