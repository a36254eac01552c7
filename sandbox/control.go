package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"path"
	"time"

	"github.com/filmbot/filmbot/locale"
)

// maxUpload bounds a file uploaded through the control API.
const maxUpload = 10 << 20

// controlRoutes serve /_sandbox/: the control API for people and other
// programs (the playground, scripts in other languages) to act as members
// and read what the bot answered. It is JSON over HTTP on loopback.
func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/info", func(w http.ResponseWriter, r *http.Request) {
		var members []Member
		for _, m := range []Member{Moderator, Admin, Viewer, OtherMember, DMUser} {
			m.ChannelID = s.channelOf(m)
			members = append(members, m)
		}
		info := map[string]any{"api_url": s.URL, "token": s.opts.Token, "application_id": s.AppID,
			"bot":    map[string]string{"id": s.BotID, "name": s.BotName},
			"guilds": s.Guilds(), "members": members, "locales": locale.Discord, "threads": orEmpty(s.Threads()), "connected": s.Connected(), "events": s.eventsJSON(), "voice": s.voiceJSON()}
		if s.tmdb != nil {
			info["tmdb"] = map[string]string{"api_url": s.tmdb.URL, "token": s.tmdb.Token}
		}
		writeJSON(w, 200, info)
	})
	// The fake TMDB's failures: {"failure": "401|429|500|503|slow|malformed|oversized", "count": 1-1000}.
	mux.HandleFunc("POST /_sandbox/tmdb/fail", func(w http.ResponseWriter, r *http.Request) {
		if s.tmdb == nil {
			writeJSON(w, 404, map[string]any{"error": "this sandbox does not play TMDB (a TMDB token is set, or it was started without it)"})
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/_tmdb/fail"
		s.tmdb.ServeHTTP(w, r2)
	})
	// A server's language ({"locale": "de"}; "" is en-US), as its
	// community settings set it in Discord: sent as guild_locale.
	mux.HandleFunc("POST /_sandbox/guilds/{id}/locale", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Locale string `json:"locale"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&req); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		if err := s.SetGuildLocale(r.PathValue("id"), req.Locale); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"guild_id": r.PathValue("id"), "locale": s.GuildLocale(r.PathValue("id"))})
	})
	// A member joins a voice channel of the server ({"user": "…",
	// "channel": "…"}), or leaves theirs ("channel": ""): the bot hears
	// VOICE_STATE_UPDATE, as from Discord.
	mux.HandleFunc("POST /_sandbox/guilds/{id}/voice", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			User    string `json:"user"`
			Channel string `json:"channel"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&req); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		if err := s.SetVoice(r.PathValue("id"), req.User, req.Channel); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"guild_id": r.PathValue("id"), "user": req.User, "channel": req.Channel})
	})
	mux.HandleFunc("GET /_sandbox/violations", func(w http.ResponseWriter, r *http.Request) {
		out := []map[string]any{}
		for _, v := range s.Violations() {
			out = append(out, map[string]any{"interaction": v.Interaction, "what": v.What, "at": v.At})
		}
		writeJSON(w, 200, out)
	})
	mux.HandleFunc("GET /_sandbox/commands", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		writeJSON(w, 200, orEmpty(s.listed(Member{GuildID: q.Get("guild"), UserInstall: q.Get("user_install") == "1"})))
	})
	type actReq struct {
		Member       Member            `json:"member"`
		Line         string            `json:"line"`
		Autocomplete string            `json:"autocomplete"`
		MessageID    string            `json:"message_id"`
		CustomID     string            `json:"custom_id"`
		Values       []string          `json:"values"`
		Interaction  string            `json:"interaction_id"`
		Fields       map[string]string `json:"fields"`
	}
	act := func(path string, do func(req actReq) (*Interaction, error)) {
		mux.HandleFunc("POST /_sandbox/"+path, func(w http.ResponseWriter, r *http.Request) {
			var req actReq
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				writeJSON(w, 400, map[string]any{"error": err.Error()})
				return
			}
			ix, err := do(req)
			if err != nil {
				writeJSON(w, 400, map[string]any{"error": err.Error()})
				return
			}
			writeJSON(w, 200, map[string]any{"id": ix.ID})
		})
	}
	s.menuRoutes(mux)
	act("interactions", func(q actReq) (*Interaction, error) { return s.command(q.Member, q.Line, q.Autocomplete) })
	act("click", func(q actReq) (*Interaction, error) { return s.Click(q.Member, q.MessageID, q.CustomID) })
	act("select", func(q actReq) (*Interaction, error) { return s.Select(q.Member, q.MessageID, q.CustomID, q.Values...) })
	act("modal", func(q actReq) (*Interaction, error) {
		s.mu.Lock()
		ix := s.inter[q.Interaction]
		s.mu.Unlock()
		if ix == nil {
			return nil, errUnknownInteraction
		}
		return s.SubmitModal(q.Member, ix, q.Fields)
	})
	mux.HandleFunc("GET /_sandbox/interactions/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ix := s.inter[r.PathValue("id")]
		s.mu.Unlock()
		if ix == nil {
			writeJSON(w, 404, map[string]any{"error": errUnknownInteraction.Error()})
			return
		}
		if wait, err := time.ParseDuration(r.URL.Query().Get("wait")); err == nil && wait > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), min(wait, time.Minute))
			ix.Wait(ctx)
			cancel()
		}
		writeJSON(w, 200, s.answerJSON(ix))
	})
	mux.HandleFunc("GET /_sandbox/channels/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		user := r.URL.Query().Get("user")
		out := []map[string]any{}
		// A thread started on a message opens with that message, as in
		// Discord.
		s.mu.Lock()
		c := s.channels[r.PathValue("id")]
		var starter *Message
		if c != nil && c.MessageID != "" && s.messages[c.MessageID] != nil {
			m := *s.messages[c.MessageID]
			starter = &m
		}
		s.mu.Unlock()
		if starter != nil {
			j := s.messageJSON(starter)
			j["thread_starter"] = true
			out = append(out, j)
		}
		for _, m := range s.ChannelMessages(r.PathValue("id")) {
			if m.EphemeralFor == "" || m.EphemeralFor == user {
				out = append(out, s.messageJSON(m))
			}
		}
		writeJSON(w, 200, out)
	})
	// upload takes a file as a member's client uploads an attachment
	// (base64 in JSON, so that only JSON crosses the control API).
	mux.HandleFunc("POST /_sandbox/upload", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Filename    string `json:"filename"`
			ContentType string `json:"content_type"`
			Data        []byte `json:"data"`
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload*4/3+1024)
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Filename == "" {
			writeJSON(w, 400, map[string]any{"error": "send {filename, content_type, data (base64)} of at most 10 MB"})
			return
		}
		a := s.Upload(path.Base(req.Filename), req.ContentType, req.Data, 0)
		writeJSON(w, 200, a)
	})
	// vote is a member voting in a poll ({member, message_id, answers});
	// no answers takes the vote back.
	mux.HandleFunc("POST /_sandbox/vote", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Member    Member `json:"member"`
			MessageID string `json:"message_id"`
			Answers   []int  `json:"answers"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		if err := s.Vote(req.Member, req.MessageID, req.Answers...); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"voted": req.Answers})
	})
	// polls/end is a poll's host ending it now ({member, message_id}).
	mux.HandleFunc("POST /_sandbox/polls/end", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Member    Member `json:"member"`
			MessageID string `json:"message_id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		if err := s.EndPoll(req.Member, req.MessageID); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]any{"ended": req.MessageID})
	})
	// messages is a member writing in a channel or thread
	// ({member, channel_id, content}).
	mux.HandleFunc("POST /_sandbox/messages", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Member    Member `json:"member"`
			ChannelID string `json:"channel_id"`
			Content   string `json:"content"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		m, err := s.Say(req.Member, req.ChannelID, req.Content)
		if err != nil {
			writeJSON(w, 400, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, 200, s.messageJSON(m))
	})
	mux.HandleFunc("POST /_sandbox/drop", func(w http.ResponseWriter, r *http.Request) {
		s.DropConnection()
		w.WriteHeader(http.StatusNoContent)
	})
}

type sandboxError string

func (e sandboxError) Error() string { return string(e) }

const errUnknownInteraction = sandboxError("sandbox: unknown interaction")

// messageJSON is a message as the control API shows it: Discord's shape
// plus what only the sandbox knows.
func (s *Server) messageJSON(m *Message) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := m.wire(s)
	out["ephemeral_for"] = m.EphemeralFor
	out["thinking"] = m.Thinking
	out["thread_id"] = m.ThreadID
	out["interaction_id"] = m.InteractionID
	out["edits"] = m.Edits
	out["invocation"] = m.Invocation
	if m.Poll != nil {
		out["poll_host"] = m.Poll.Host
	}
	return out
}

func (s *Server) answerJSON(ix *Interaction) map[string]any {
	a := ix.Answer()
	s.mu.Lock()
	answered := ix.answered
	s.mu.Unlock()
	out := map[string]any{"id": ix.ID, "type": a.Type, "deferred": a.Deferred, "latency_ms": a.Latency.Seconds() * 1000,
		"answered": answered, "choices": orEmpty(a.Choices), "modal": a.Modal, "locale": ix.Locale, "guild_locale": ix.GuildLocale}
	if a.Message != nil {
		out["message"] = s.messageJSON(a.Message)
	}
	var fs []map[string]any
	for _, f := range a.Followups {
		fs = append(fs, s.messageJSON(f))
	}
	out["followups"] = orEmpty(fs)
	var vs []string
	for _, v := range s.Violations() {
		if v.Interaction == ix.ID {
			vs = append(vs, v.What)
		}
	}
	out["violations"] = orEmpty(vs)
	return out
}
