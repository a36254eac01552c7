package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gateway is the sandbox's gateway: one session for the bot, with an event
// log so a resumed connection gets what it missed.
type gateway struct {
	s      *Server
	up     websocket.Upgrader
	sendMu sync.Mutex // orders sequence numbers with writes

	// Guarded by s.mu.
	conns      map[*conn]bool
	active     *conn
	sessionID  string
	seq        int64
	log        []logged
	identifies int
	resumes    int
}

type logged struct {
	seq  int64
	data []byte
}

type conn struct {
	ws *websocket.Conn
	mu sync.Mutex
}

func (c *conn) write(data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

const maxLog = 10000

func newGateway(s *Server) *gateway {
	return &gateway{s: s, conns: map[*conn]bool{}, up: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
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
		if g.active == c {
			g.active = nil
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

func (g *gateway) identify(c *conn, d json.RawMessage) bool {
	var id struct {
		Token string `json:"token"`
	}
	json.Unmarshal(d, &id)
	if !g.tokenOK(id.Token) {
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
		return false
	}
	b := make([]byte, 16)
	rand.Read(b)
	s := g.s
	g.sendMu.Lock()
	s.mu.Lock()
	g.sessionID, g.seq, g.log = hex.EncodeToString(b), 0, nil
	g.active = c
	g.identifies++
	s.mu.Unlock()
	g.sendMu.Unlock()
	var guilds []map[string]any
	for _, gd := range s.opts.Guilds {
		guilds = append(guilds, map[string]any{"id": gd.ID, "unavailable": true})
	}
	url := "ws://" + s.ln.Addr().String() + "/gateway"
	g.dispatch("READY", map[string]any{
		"v": 9, "user": map[string]any{"id": s.BotID, "username": s.BotName, "discriminator": "0", "bot": true, "verified": true},
		"guilds": guilds, "session_id": g.sessionID, "resume_gateway_url": url,
		"application": map[string]any{"id": s.AppID, "flags": 0}, "private_channels": []any{},
	})
	for _, gd := range s.opts.Guilds {
		var chans []map[string]any
		for _, c := range gd.Channels {
			chans = append(chans, map[string]any{"id": c.ID, "name": c.Name, "type": 0, "guild_id": gd.ID})
		}
		g.dispatch("GUILD_CREATE", map[string]any{"id": gd.ID, "name": gd.Name, "channels": chans, "roles": []any{},
			"members": []any{}, "threads": []any{}, "unavailable": false, "member_count": 2, "owner_id": "1", "joined_at": time.Now().Format(time.RFC3339)})
	}
	s.mu.Lock()
	s.notify()
	s.mu.Unlock()
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
	g.sendMu.Lock()
	defer g.sendMu.Unlock()
	s.mu.Lock()
	ok := g.tokenOK(r.Token) && r.SessionID != "" && r.SessionID == g.sessionID &&
		(len(g.log) == 0 || g.log[0].seq <= r.Seq+1) && r.Seq <= g.seq
	var replay [][]byte
	if ok {
		for _, e := range g.log {
			if e.seq > r.Seq {
				replay = append(replay, e.data)
			}
		}
		g.active = c
		g.resumes++
		g.seq++
		seq := g.seq
		resumed := mustJSON(map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}})
		g.log = append(g.log, logged{seq, resumed})
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

// dispatch sends an event to the bot (or logs it for a resume when the
// connection is down). It fails when no session was ever identified.
func (g *gateway) dispatch(t string, d any) error { return g.dispatchAt(t, d, nil) }

// dispatchAt is dispatch that also records, in *sent under s.mu, the moment
// the event goes to the socket: the start of the bot's latency. The
// payload is encoded before s.mu is taken, so callbacks arriving meanwhile
// are not held up by it.
func (g *gateway) dispatchAt(t string, d any, sent *time.Time) error {
	s := g.s
	payload := mustJSON(d)
	g.sendMu.Lock()
	defer g.sendMu.Unlock()
	s.mu.Lock()
	if g.sessionID == "" {
		s.mu.Unlock()
		return errNoBot
	}
	g.seq++
	data := fmt.Appendf(make([]byte, 0, len(payload)+64), `{"op":0,"t":%q,"s":%d,"d":`, t, g.seq)
	data = append(append(data, payload...), '}')
	g.log = append(g.log, logged{g.seq, data})
	if len(g.log) > maxLog {
		g.log = g.log[len(g.log)-maxLog:]
	}
	c := g.active
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

// active connection, for the controls below.
func (g *gateway) current() *conn {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	return g.active
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

// Connected reports whether a bot session is connected to the gateway.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.active != nil && s.gw.sessionID != ""
}

// WaitConnected waits until a bot session is connected.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitFor(ctx, func() bool { return s.gw.active != nil && s.gw.sessionID != "" })
}

// GatewayStats counts sessions identified and resumed since start.
func (s *Server) GatewayStats() (identifies, resumes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.identifies, s.gw.resumes
}

// DropConnection cuts the bot's gateway connection without a close frame,
// as a network failure would. The session stays resumable.
func (s *Server) DropConnection() {
	if c := s.gw.current(); c != nil {
		c.ws.UnderlyingConn().Close()
	}
}

// RequestReconnect sends op 7 RECONNECT: the bot should reconnect and resume.
func (s *Server) RequestReconnect() error {
	c := s.gw.current()
	if c == nil {
		return errNoBot
	}
	return c.write([]byte(`{"op":7,"d":null}`))
}

// InvalidateSession sends op 9 INVALID SESSION. When not resumable the
// session is forgotten, so the bot must identify again.
func (s *Server) InvalidateSession(resumable bool) error {
	c := s.gw.current()
	if c == nil {
		return errNoBot
	}
	if !resumable {
		s.mu.Lock()
		s.gw.sessionID = ""
		s.mu.Unlock()
	}
	return c.write(mustJSON(map[string]any{"op": 9, "d": resumable}))
}
