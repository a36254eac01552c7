package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, auth bool, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" /api/{v}"+path, func(w http.ResponseWriter, r *http.Request) {
			if v := r.PathValue("v"); v != "v9" && v != "v10" {
				apiError(w, http.StatusNotFound, 0, "404: Not Found")
				return
			}
			if s.fault(w, r) {
				return
			}
			if auth && r.Header.Get("Authorization") != "Bot "+s.opts.Token {
				apiError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
				return
			}
			h(w, r)
		})
	}
	api("GET /gateway", false, s.getGateway)
	api("GET /gateway/bot", true, s.getGateway)
	api("GET /users/@me", true, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": s.BotID, "username": s.BotName, "discriminator": "0", "bot": true})
	})
	app := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": s.AppID, "name": s.BotName, "flags": 0, "verify_key": s.PublicKey(),
			"interactions_endpoint_url": s.InteractionsURL()})
	}
	api("GET /applications/@me", true, app)
	api("GET /oauth2/applications/@me", true, app)
	api("PUT /applications/{app}/commands", true, s.putCommands)
	api("PUT /applications/{app}/guilds/{guild}/commands", true, s.putCommands)
	api("GET /applications/{app}/commands", true, s.getCommands)
	api("GET /applications/{app}/guilds/{guild}/commands", true, s.getCommands)
	api("POST /interactions/{id}/{token}/callback", false, s.callback)
	api("PATCH /webhooks/{app}/{token}/messages/{msg}", false, s.editOriginal)
	api("GET /webhooks/{app}/{token}/messages/{msg}", false, s.getOriginal)
	api("DELETE /webhooks/{app}/{token}/messages/{msg}", false, s.deleteOriginal)
	api("POST /webhooks/{app}/{token}", false, s.followup)
	api("GET /channels/{channel}", true, s.getChannel)
	api("POST /channels/{channel}/messages", true, s.postMessage)
	api("GET /channels/{channel}/messages", true, s.listMessages)
	api("GET /channels/{channel}/messages/{msg}", true, s.getMessage)
	api("POST /channels/{channel}/messages/{msg}/threads", true, s.startThread)
	api("POST /channels/{channel}/polls/{msg}/expire", true, s.expirePoll)
	api("GET /channels/{channel}/polls/{msg}/answers/{answer}", true, s.pollVoters)
	api("POST /guilds/{guild}/scheduled-events", true, s.createEvent)
	api("GET /guilds/{guild}/scheduled-events", true, s.listEvents)
	api("GET /guilds/{guild}/scheduled-events/{event}", true, s.getEvent)
	api("PATCH /guilds/{guild}/scheduled-events/{event}", true, s.modifyEvent)
	api("DELETE /guilds/{guild}/scheduled-events/{event}", true, s.deleteEvent)
	mux.HandleFunc("GET /attachments/{id}/{name}", s.getAttachment)
	mux.HandleFunc("GET /gateway", s.gw.serve)
	mux.HandleFunc("GET /gateway/", s.gw.serve)
	control := http.NewServeMux()
	s.controlRoutes(control)
	mux.Handle("/_sandbox/", Guard(s.ln.Addr().String(), control))
	return mux
}

// refuseLocked records a violation by interaction and answers 400, as
// Discord answers a body it will not take. Callers hold s.mu.
func (s *Server) refuseLocked(w http.ResponseWriter, interaction, what string, err error) {
	s.violateLocked(interaction, "%s%v", what, err)
	apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
}

// apiError answers the way Discord does: {"message": …, "code": …}.
func apiError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fault answers r with the first matching injected fault, if any.
func (s *Server) fault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	var f *Fault
	for k := range s.faults {
		c := s.faults[k]
		if (c.Method == "" || c.Method == r.Method) && strings.Contains(r.URL.Path, c.Path) {
			f = &c
			s.faults = append(s.faults[:k], s.faults[k+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if f == nil {
		return false
	}
	if f.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", fmt.Sprintf("%g", f.RetryAfter))
		writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": f.RetryAfter, "global": false})
		return true
	}
	apiError(w, f.Status, 0, http.StatusText(f.Status))
	return true
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	url := "ws://" + s.ln.Addr().String() + "/gateway"
	writeJSON(w, 200, map[string]any{"url": url, "shards": max(s.opts.Shards, 1),
		"session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": max(s.opts.MaxConcurrency, 1)}})
}

// refuseCommands answers a bulk overwrite Discord would refuse as Discord
// does: 400, code 50035, and each error under its path in "errors"
// ({"0": {"options": {"1": {"name": {"_errors": [{code, message}]}}}}}).
// The refusal is recorded as a violation. Callers hold s.mu.
func (s *Server) refuseCommandsLocked(w http.ResponseWriter, errs []*limits.CommandError) {
	tree := map[string]any{}
	var what []string
	for _, e := range errs {
		what = append(what, e.Error())
		node := tree
		for _, k := range e.Path {
			next, ok := node[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[k] = next
			}
			node = next
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.Code, "message": e.Message})
	}
	s.violateLocked("", "command registration refused: %s", strings.Join(what, "; "))
	writeJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035, "errors": tree})
}

func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != s.AppID {
		apiError(w, 403, 20012, "You are not authorized to perform this action on this application")
		return
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.NewDecoder(r.Body).Decode(&cmds); err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	guild := r.PathValue("guild")
	if errs := limits.CommandErrors(cmds); len(errs) > 0 {
		s.mu.Lock()
		s.refuseCommandsLocked(w, errs)
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	old := map[string]string{}
	for _, c := range s.commands[guild] {
		old[c.Name] = c.ID
	}
	for _, c := range cmds {
		c.ID = old[c.Name]
		if c.ID == "" {
			c.ID = s.newID()
		}
		c.ApplicationID, c.GuildID, c.Version = s.AppID, guild, s.newID()
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
		fillOptions(c.Options)
		if c.Options == nil {
			c.Options = []*discordgo.ApplicationCommandOption{}
		}
	}
	s.commands[guild] = cmds
	s.notify()
	s.mu.Unlock()
	writeJSON(w, 200, cmds)
}

// fillOptions makes absent option lists empty: Discord sends [] where
// discordgo would send null, and clients such as discord.js rely on it.
func fillOptions(opts []*discordgo.ApplicationCommandOption) {
	for _, o := range opts {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			if o.Options == nil {
				o.Options = []*discordgo.ApplicationCommandOption{}
			}
			fillOptions(o.Options)
		}
	}
}

func (s *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, orEmpty(s.Commands(r.PathValue("guild"))))
}

// msgBody is a message in a request: a callback's data, an edit, a
// follow-up or a channel message. Present tells which fields were sent.
type msgBody struct {
	Content         *string                                      `json:"content"`
	Embeds          *[]*discordgo.MessageEmbed                   `json:"embeds"`
	RawComponents   *[]json.RawMessage                           `json:"components"`
	Flags           *discordgo.MessageFlags                      `json:"flags"` // nil: not sent
	AllowedMentions *discordgo.MessageAllowedMentions            `json:"allowed_mentions"`
	Attachments     *[]*discordgo.MessageAttachment              `json:"attachments"`
	Choices         *[]*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	CustomID        string                                       `json:"custom_id"`
	Title           string                                       `json:"title"`
	Poll            *discordgo.Poll                              `json:"poll"`
	Components      []discordgo.MessageComponent                 `json:"-"`
	Files           []file                                       `json:"-"` // in the order sent
	// Cleared names the message fields sent as null. Discord's edits take
	// every field as optional and nullable: absent leaves it, null (like
	// an empty list) removes it.
	Cleared map[string]bool `json:"-"`
}

// file is a file sent with a message, as multipart files[n].
type file struct {
	Name, ContentType string
	Data              []byte
}

// clearable are the message fields an edit may remove with null.
var clearable = []string{"content", "embeds", "components", "attachments"}

// nullFields finds the clearable fields of a message object sent as null.
func nullFields(raw []byte) map[string]bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	var out map[string]bool
	for _, k := range clearable {
		if v, ok := fields[k]; ok && string(bytes.TrimSpace(v)) == "null" {
			if out == nil {
				out = map[string]bool{}
			}
			out[k] = true
		}
	}
	return out
}

func (b *msgBody) choices() []*discordgo.ApplicationCommandOptionChoice {
	if b.Choices == nil {
		return nil
	}
	return *b.Choices
}

// checkAutocomplete refuses an autocomplete result Discord would refuse:
// choices are required (an empty list when nothing matches), and message
// fields have no place in it.
func (b *msgBody) checkAutocomplete() error {
	if b.Choices == nil {
		return fmt.Errorf("autocomplete result without choices: send \"choices\": [] when nothing matches")
	}
	if b.Content != nil || b.Embeds != nil || b.RawComponents != nil || b.AllowedMentions != nil {
		return fmt.Errorf("autocomplete result with message fields (content, embeds, components, allowed_mentions)")
	}
	return nil
}

func (b *msgBody) decodeComponents() error {
	if b.RawComponents == nil {
		return nil
	}
	for _, raw := range *b.RawComponents {
		c, err := decodeComponent(raw)
		if err != nil {
			return err
		}
		b.Components = append(b.Components, c)
	}
	return nil
}

// readBody reads a JSON or multipart (payload_json + files[n]) request.
// wrapped is true for callbacks, whose message sits under "data".
func readBody(r *http.Request, wrapped bool) (discordgo.InteractionResponseType, *msgBody, error) {
	return decodeBody(r.Header.Get("Content-Type"), r.Body, wrapped)
}

// decodeBody reads a JSON or multipart body of the given content type.
func decodeBody(contentType string, r io.Reader, wrapped bool) (discordgo.InteractionResponseType, *msgBody, error) {
	raw, files, err := readPayload(contentType, r)
	if err != nil {
		return 0, nil, err
	}
	var typ discordgo.InteractionResponseType
	b := &msgBody{Files: files}
	// A field sent as null is rare: the body is looked at again only then.
	nulls := bytes.Contains(raw, []byte("null"))
	if wrapped { // one pass over the callback, its message with it
		env := struct {
			Type discordgo.InteractionResponseType `json:"type"`
			Data *msgBody                          `json:"data"`
		}{Data: b}
		if err := json.Unmarshal(raw, &env); err != nil {
			return 0, nil, err
		}
		if env.Data == nil { // "data": null
			env.Data = &msgBody{Files: files}
		}
		typ, b = env.Type, env.Data
		if nulls {
			var data struct {
				Data json.RawMessage `json:"data"`
			}
			json.Unmarshal(raw, &data)
			b.Cleared = nullFields(data.Data)
		}
	} else if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, b); err != nil {
			return 0, nil, err
		}
		if nulls {
			b.Cleared = nullFields(raw)
		}
	}
	if err := b.decodeComponents(); err != nil {
		return 0, nil, err
	}
	return typ, b, nil
}

// readMessage reads a message body, answering 400 if it cannot.
func readMessage(w http.ResponseWriter, r *http.Request) (*msgBody, bool) {
	_, body, err := readBody(r, false)
	if err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return nil, false
	}
	return body, true
}

func readPayload(contentType string, r io.Reader) ([]byte, []file, error) {
	ct, params, _ := mime.ParseMediaType(contentType)
	if ct != "multipart/form-data" {
		b, err := io.ReadAll(io.LimitReader(r, 26<<20))
		return b, nil, err
	}
	mr := multipart.NewReader(r, params["boundary"])
	var payload []byte
	var files []file
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(io.LimitReader(p, 25<<20))
		if err != nil {
			return nil, nil, err
		}
		if p.FormName() == "payload_json" {
			payload = data
		} else if p.FileName() != "" {
			files = append(files, file{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
	return payload, files, nil
}

// flags are the flags sent, 0 when none were.
func (b *msgBody) flags() discordgo.MessageFlags {
	if b.Flags == nil {
		return 0
	}
	return *b.Flags
}

// response rebuilds the callback for limits.Check, with the files it
// uploads (by name: a layout card's attachment://NAME must name one).
func (b *msgBody) response(t discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{Components: b.Components, Flags: b.flags(), AllowedMentions: b.AllowedMentions,
		Choices: b.choices(), CustomID: b.CustomID, Title: b.Title, Poll: b.Poll}
	for _, f := range b.Files {
		d.Files = append(d.Files, &discordgo.File{Name: f.Name, ContentType: f.ContentType})
	}
	if b.Content != nil {
		d.Content = *b.Content
	}
	if b.Embeds != nil {
		d.Embeds = *b.Embeds
	}
	return &discordgo.InteractionResponse{Type: t, Data: d}
}

// result is what m would hold after b is applied: a field sent replaces
// it, a field sent as null removes it, a field left out leaves it.
func (b *msgBody) result(m *Message) (content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) {
	content, embeds, comps = m.Content, m.Embeds, m.Components
	switch {
	case b.Content != nil:
		content = *b.Content
	case b.Cleared["content"]:
		content = ""
	}
	switch {
	case b.Embeds != nil:
		embeds = *b.Embeds
	case b.Cleared["embeds"]:
		embeds = nil
	}
	switch {
	case b.RawComponents != nil:
		comps = b.Components
	case b.Cleared["components"]:
		comps = nil
	}
	return content, embeds, comps
}

// kept are the attachments of m (nil for a new message) that stay after
// b: "attachments" lists them by id; null or [] keeps none; left out, all.
func (b *msgBody) kept(m *Message) []*discordgo.MessageAttachment {
	if m == nil {
		return nil
	}
	if b.Attachments == nil && !b.Cleared["attachments"] {
		return m.Attachments
	}
	keep := map[string]bool{}
	if b.Attachments != nil {
		for _, a := range *b.Attachments {
			if a != nil {
				keep[a.ID] = true
			}
		}
	}
	var kept []*discordgo.MessageAttachment
	for _, a := range m.Attachments {
		if keep[a.ID] {
			kept = append(kept, a)
		}
	}
	return kept
}

// fileNames are the names of the files m (nil for a new message) carries
// once b is applied: those it keeps and those b uploads.
func (b *msgBody) fileNames(m *Message) []string {
	names := []string{}
	for _, a := range b.kept(m) {
		names = append(names, a.Filename)
	}
	for _, f := range b.Files {
		names = append(names, f.Name)
	}
	return names
}

// layoutFlags are the flags a message holding flags has once a body
// sending sent (nil: none) is applied: a layout card's flag is set by the
// edit that makes it one and stays — Discord refuses an edit whose flags
// leave it out. The other flags stay as they are (ephemeral is settled
// when the message is made).
func layoutFlags(holding discordgo.MessageFlags, sent *discordgo.MessageFlags) (discordgo.MessageFlags, error) {
	if sent == nil {
		return holding, nil
	}
	if limits.IsV2(holding) && !limits.IsV2(*sent) {
		return holding, fmt.Errorf("flags %d leave out IS_COMPONENTS_V2 (1<<15): a layout card cannot stop being one", *sent)
	}
	return holding | *sent&limits.FlagV2, nil
}

// apply writes the fields sent onto m, storing new files as attachments.
// "attachments" lists the ones that stay (by id); null or [] keeps none.
// A layout card's attachment://NAME media then point at the files.
func (s *Server) apply(m *Message, b *msgBody) {
	m.Content, m.Embeds, m.Components = b.result(m)
	m.Attachments = b.kept(m)
	for _, f := range b.Files {
		id := s.newID()
		s.files[id+"/"+f.Name] = f.Data
		ct := f.ContentType
		if ct == "" || ct == "application/octet-stream" {
			if byExt := mime.TypeByExtension(path.Ext(f.Name)); byExt != "" {
				ct = byExt
			}
		}
		m.Attachments = append(m.Attachments, &discordgo.MessageAttachment{ID: id, Filename: f.Name, ContentType: ct, Size: len(f.Data),
			URL: s.URL + "/attachments/" + id + "/" + f.Name, ProxyURL: s.URL + "/attachments/" + id + "/" + f.Name})
	}
	resolveMedia(m.Components, m.Attachments)
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	typ, body, err := readBody(r, true)
	if err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.inter[r.PathValue("id")]
	if !ok || ix.Token != r.PathValue("token") {
		apiError(w, 404, 10062, "Unknown interaction")
		return
	}
	if e := s.firstAnswerLocked(ix, typ, body, arrived); e != nil {
		apiError(w, e.status, e.code, e.msg)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refusal is Discord's answer to a first answer it will not take.
type refusal struct {
	status, code int
	msg          string
}

// firstAnswerLocked judges and applies an interaction's first answer,
// sent as a callback over REST or in the HTTP response of the
// Interactions Endpoint. Callers hold s.mu.
func (s *Server) firstAnswerLocked(ix *Interaction, typ discordgo.InteractionResponseType, body *msgBody, arrived time.Time) *refusal {
	late := arrived.Sub(ix.Created)
	switch {
	case ix.responded:
		s.violateLocked(ix.ID, "second callback (type %d): an interaction is answered once", typ)
		return &refusal{400, 40060, "Interaction has already been acknowledged."}
	case late > s.opts.ResponseWindow:
		s.violateLocked(ix.ID, "first answer after %v, past Discord's %v window", late.Round(time.Millisecond), s.opts.ResponseWindow)
		return &refusal{404, 10062, "Unknown interaction"}
	}
	resp := body.response(typ)
	refuse := func(prefix string, err error) *refusal {
		s.violateLocked(ix.ID, "%s%v", prefix, err)
		return &refusal{400, 50035, "Invalid Form Body: " + err.Error()}
	}
	if err := checkType(ix.Type, typ); err != nil {
		return refuse("", err)
	}
	// An update is judged with the flags its message will have (a layout
	// card stays one) and the files it keeps.
	src := s.messages[ix.sourceID]
	flags := body.flags()
	if typ == discordgo.InteractionResponseUpdateMessage && src != nil {
		var err error
		if flags, err = layoutFlags(src.Flags, body.Flags); err != nil {
			return refuse(fmt.Sprintf("callback type %d refused: ", typ), err)
		}
		resp.Data.Flags = flags
		kept := body.kept(src)
		resp.Data.Attachments = &kept
	}
	if err := limits.Check(resp); err != nil {
		return refuse(fmt.Sprintf("callback type %d refused: ", typ), err)
	}
	if typ == discordgo.InteractionResponseUpdateMessage && src != nil && limits.IsV2(flags) {
		// What the message holds after the update: content or embeds it
		// had and the update leaves are refused beside the flag.
		content, embeds, comps := body.result(src)
		if err := limits.CheckMessage(limits.Outgoing{Flags: flags, Content: content, Embeds: embeds, Components: comps,
			AllowedMentions: body.AllowedMentions, Files: body.fileNames(src), FilesKnown: true}); err != nil {
			return refuse(fmt.Sprintf("callback type %d refused: ", typ), err)
		}
	}
	if typ == discordgo.InteractionApplicationCommandAutocompleteResult {
		if err := body.checkAutocomplete(); err != nil {
			return refuse("", err)
		}
	}
	if (typ == discordgo.InteractionResponseUpdateMessage || typ == discordgo.InteractionResponseDeferredMessageUpdate) && s.messages[ix.sourceID] == nil {
		return &refusal{404, 10008, "Unknown Message"}
	}
	ix.responded, ix.respType, ix.latency = true, typ, arrived.Sub(ix.sent)
	switch typ {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m := s.newMessage(ix.ChannelID, ix.Member.GuildID)
		m.InteractionID = ix.ID
		m.Invocation = ix.invocation()
		m.Flags = body.flags()
		if m.Ephemeral() {
			m.EphemeralFor = ix.Member.UserID
		}
		s.apply(m, body)
		ix.messageID = m.ID
		m.Thinking = typ == discordgo.InteractionResponseDeferredChannelMessageWithSource
		ix.deferred = m.Thinking
		ix.answered = !m.Thinking
	case discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseDeferredMessageUpdate:
		m := s.messages[ix.sourceID]
		ix.messageID = m.ID
		if typ == discordgo.InteractionResponseUpdateMessage {
			s.apply(m, body)
			m.Flags = flags
			m.Edits++
			ix.answered = true
		} else {
			ix.deferred = true
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		ix.choices, ix.answered = body.choices(), true
	case discordgo.InteractionResponseModal:
		ix.modal, ix.answered = resp.Data, true
	}
	s.notify()
	return nil
}

// checkType refuses answers that do not fit the interaction's kind.
func checkType(it discordgo.InteractionType, t discordgo.InteractionResponseType) error {
	auto := it == discordgo.InteractionApplicationCommandAutocomplete
	switch t {
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if !auto {
			return fmt.Errorf("autocomplete result (8) to a %s interaction", it)
		}
		return nil
	case discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseDeferredMessageUpdate:
		if it != discordgo.InteractionMessageComponent && it != discordgo.InteractionModalSubmit {
			return fmt.Errorf("message update (%d) to a %s interaction: only buttons, menus and modals update", t, it)
		}
	case discordgo.InteractionResponseModal:
		if it == discordgo.InteractionModalSubmit {
			return fmt.Errorf("a modal in answer to a modal submit")
		}
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
	default:
		return fmt.Errorf("unknown callback type %d", t)
	}
	if auto {
		return fmt.Errorf("autocomplete must be answered with type 8, got %d", t)
	}
	return nil
}

func (s *Server) newMessage(channel, guild string) *Message {
	m := &Message{ID: s.newID(), ChannelID: channel, GuildID: guild, AuthorID: s.BotID, Created: time.Now()}
	s.messages[m.ID] = m
	return m
}

// awaitAnswer waits, for a webhook request, until the HTTP response of
// the interaction behind its token has been read and applied: a bot
// sends follow-ups once its answer is out, and Discord has the answer by
// then, though the two travel on different connections (and may arrive
// here in either order). Over the gateway, or for an unknown token, it
// returns at once; it gives up with the request's context.
func (s *Server) awaitAnswer(r *http.Request) {
	s.mu.Lock()
	ix := s.byToken[r.PathValue("token")]
	var delivered chan struct{}
	if ix != nil {
		delivered = ix.delivered
	}
	s.mu.Unlock()
	if delivered == nil {
		return
	}
	select {
	case <-delivered:
	case <-r.Context().Done():
	}
}

// webhookInteraction finds the interaction behind a webhook token and
// checks that follow-ups are still allowed. Callers hold s.mu.
func (s *Server) webhookInteraction(w http.ResponseWriter, r *http.Request) *Interaction {
	ix, ok := s.byToken[r.PathValue("token")]
	if !ok || r.PathValue("app") != s.AppID {
		apiError(w, 404, 10015, "Unknown Webhook")
		return nil
	}
	if s.now().Sub(ix.Created) > s.opts.TokenTTL {
		s.violateLocked(ix.ID, "%s %s after the interaction token expired (%v)", r.Method, r.URL.Path, s.opts.TokenTTL)
		apiError(w, 401, 50027, "Invalid Webhook Token")
		return nil
	}
	if !ix.responded {
		s.violateLocked(ix.ID, "%s on the original response before any callback", r.Method)
		apiError(w, 404, 10008, "Unknown Message")
		return nil
	}
	return ix
}

func (s *Server) editOriginal(w http.ResponseWriter, r *http.Request) {
	body, ok := readMessage(w, r)
	if !ok {
		return
	}
	s.awaitAnswer(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.webhookInteraction(w, r)
	if ix == nil {
		return
	}
	m := s.messages[ix.messageID]
	if r.PathValue("msg") != "@original" {
		m = s.messages[r.PathValue("msg")]
	}
	if m == nil {
		apiError(w, 404, 10008, "Unknown Message")
		return
	}
	// The edit is judged as the message it leaves: a layout card (the
	// flag sent now or before) with the files it keeps and uploads.
	flags, err := layoutFlags(m.Flags, body.Flags)
	if err != nil {
		s.refuseLocked(w, ix.ID, "edit refused: ", err)
		return
	}
	content, embeds, comps := body.result(m)
	if err := limits.CheckMessage(limits.Outgoing{Flags: flags, Content: content, Embeds: embeds, Components: comps,
		AllowedMentions: body.AllowedMentions, Files: body.fileNames(m), FilesKnown: true}); err != nil {
		s.refuseLocked(w, ix.ID, "edit refused: ", err)
		return
	}
	s.apply(m, body)
	m.Flags = flags
	m.Thinking = false
	m.Edits++
	ix.answered = true
	s.notify()
	writeJSON(w, 200, m.wire(s))
}

func (s *Server) getOriginal(w http.ResponseWriter, r *http.Request) {
	s.awaitAnswer(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.webhookInteraction(w, r)
	if ix == nil {
		return
	}
	m := s.messages[ix.messageID]
	if m == nil {
		apiError(w, 404, 10008, "Unknown Message")
		return
	}
	writeJSON(w, 200, m.wire(s))
}

func (s *Server) deleteOriginal(w http.ResponseWriter, r *http.Request) {
	s.awaitAnswer(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.webhookInteraction(w, r)
	if ix == nil {
		return
	}
	delete(s.messages, ix.messageID)
	s.notify()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	body, ok := readMessage(w, r)
	if !ok {
		return
	}
	s.awaitAnswer(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.webhookInteraction(w, r)
	if ix == nil {
		return
	}
	m := s.postLocked(w, ix.ID, "follow-up refused: ", ix.ChannelID, ix.Member.GuildID, body)
	if m == nil {
		return
	}
	m.InteractionID, m.Flags = ix.ID, body.flags()
	m.Invocation = ix.invocation()
	if m.Ephemeral() {
		m.EphemeralFor = ix.Member.UserID
	}
	ix.followups = append(ix.followups, m.ID)
	ix.answered = true
	s.notify()
	if r.URL.Query().Get("wait") == "true" {
		writeJSON(w, 200, m.wire(s))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[r.PathValue("channel")]
	if !ok {
		apiError(w, 404, 10003, "Unknown Channel")
		return
	}
	writeJSON(w, 200, channelWire(c))
}

func channelWire(c *Channel) map[string]any {
	out := map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "guild_id": c.GuildID}
	if c.ParentID != "" {
		out["parent_id"] = c.ParentID
	}
	return out
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	body, ok := readMessage(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[r.PathValue("channel")]
	if !ok {
		apiError(w, 404, 10003, "Unknown Channel")
		return
	}
	m := s.postLocked(w, "", "channel message refused: ", c.ID, c.GuildID, body)
	if m == nil {
		return
	}
	s.notify()
	writeJSON(w, 200, m.wire(s))
}

// postLocked checks a new message as Discord would and stores it in
// channel, or records the violation, answers 400 and returns nil.
func (s *Server) postLocked(w http.ResponseWriter, interaction, refused, channel, guild string, body *msgBody) *Message {
	if err := limits.Check(body.response(discordgo.InteractionResponseChannelMessageWithSource)); err != nil {
		s.refuseLocked(w, interaction, refused, err)
		return nil
	}
	var poll *Poll
	if body.Poll != nil {
		if g := s.guildLocked(guild); g != nil && g.BotDenied&permSendPolls != 0 {
			apiError(w, 403, 50013, "Missing Permissions")
			return nil
		}
		var err error
		if poll, err = newPoll(body.Poll, time.Now()); err != nil {
			s.refuseLocked(w, interaction, refused, err)
			return nil
		}
		poll.Host = s.hostLocked(guild)
	}
	m := s.newMessage(channel, guild)
	s.apply(m, body)
	m.Poll = poll
	return m
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.channelMessageLocked(w, r); m != nil {
		writeJSON(w, 200, m.wire(s))
	}
}

// channelMessageLocked finds the message a channel URL names, or answers
// 404 and returns nil.
func (s *Server) channelMessageLocked(w http.ResponseWriter, r *http.Request) *Message {
	m, ok := s.messages[r.PathValue("msg")]
	if !ok || m.ChannelID != r.PathValue("channel") {
		apiError(w, 404, 10008, "Unknown Message")
		return nil
	}
	return m
}

func (s *Server) startThread(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.channelMessageLocked(w, r)
	if m == nil {
		return
	}
	if n := len([]rune(req.Name)); n < 1 || n > 100 {
		s.violateLocked("", "thread name is %d characters, limit 1-100", n)
		apiError(w, 400, 50035, "Invalid Form Body: name")
		return
	}
	if m.ThreadID != "" {
		apiError(w, 400, 160004, "A thread has already been created for this message")
		return
	}
	c := &Channel{ID: m.ID, Name: req.Name, GuildID: m.GuildID, ParentID: m.ChannelID, Type: discordgo.ChannelTypeGuildPublicThread, MessageID: m.ID}
	s.channels[c.ID] = c
	m.ThreadID = c.ID
	s.notify()
	writeJSON(w, 201, channelWire(c))
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.PathValue("id")+"/"+r.PathValue("name")]
	delay := s.slow[r.PathValue("id")]
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(data))
}
