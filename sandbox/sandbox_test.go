package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/filmbot/filmbot/component"
)

// toBox sends a discordgo session's requests to the sandbox.
type toBox struct{ u *url.URL }

func (t toBox) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.u.Scheme, t.u.Host, t.u.Host
	return http.DefaultTransport.RoundTrip(r)
}

// rawBot is a bare discordgo session whose answers the test chooses, to
// see the sandbox judge them.
func rawBot(t *testing.T, answer func(s *discordgo.Session, i *discordgo.InteractionCreate)) *Server {
	t.Helper()
	return rawBotWith(t, Options{ResponseWindow: 500 * time.Millisecond}, answer)
}

func rawBotWith(t *testing.T, opts Options, answer func(s *discordgo.Session, i *discordgo.InteractionCreate)) *Server {
	t.Helper()
	sb, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	s := restSession(t, sb)
	s.AddHandler(answer)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", []*discordgo.ApplicationCommand{
		{Name: "ping", Description: "ping", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "what", Description: "what", Autocomplete: true}}},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); sb.Close() })
	return sb
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return c
}

func none() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func TestSandboxAcceptsAGoodAnswer(t *testing.T) {
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
			Content: "pong " + i.ApplicationCommandData().Options[0].StringValue(), AllowedMentions: none(),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "again", CustomID: "again", Style: discordgo.PrimaryButton}}}}}})
	})
	a, ix, err := sb.Do(ctx(t), Viewer, "/ping what:x")
	if err != nil {
		t.Fatal(err)
	}
	if a.Message.Content != "pong x" || ix.Member.UserID != Viewer.UserID {
		t.Errorf("answer %+v", a.Message)
	}
	if _, err := sb.Click(Viewer, a.Message.ID, "nope"); err == nil {
		t.Error("clicked a button that is not on the message")
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
	if _, err := sb.Command(Viewer, "/unregistered"); err == nil {
		t.Error("ran an unregistered command")
	}
}

func pong(s *discordgo.Session, i *discordgo.InteractionCreate) {
	s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Content: "pong", AllowedMentions: none()}})
}

// With Retain, a long run forgets old interactions and their messages, a
// few at a time, and keeps the recent ones.
func TestSandboxRetainForgetsOldInteractions(t *testing.T) {
	sb := rawBotWith(t, Options{Retain: 300 * time.Millisecond}, pong)
	var old []*Interaction
	for range 3 {
		a, ix, err := sb.Do(ctx(t), Viewer, "/ping what:x")
		if err != nil || a.Message == nil {
			t.Fatal(a, err)
		}
		if a.Latency <= 0 || a.Latency > time.Since(ix.Created) {
			t.Errorf("latency %v, %v since created", a.Latency, time.Since(ix.Created))
		}
		old = append(old, ix)
	}
	sb.skew.Store(int64(400 * time.Millisecond)) // past Retain
	_, recent, err := sb.Do(ctx(t), Viewer, "/ping what:y")
	if err != nil {
		t.Fatal(err)
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	for _, ix := range old {
		if sb.inter[ix.ID] != nil || sb.byToken[ix.Token] != nil || sb.messages[ix.messageID] != nil {
			t.Errorf("interaction %s kept past Retain", ix.ID)
		}
	}
	if sb.inter[recent.ID] == nil || sb.messages[recent.messageID] == nil || len(sb.order) != 1 {
		t.Errorf("recent interaction: %v, %d in order", sb.inter[recent.ID], len(sb.order))
	}
}

func TestSandboxJudges(t *testing.T) {
	long := strings.Repeat("x", 2001)
	cases := map[string]struct {
		answer func(s *discordgo.Session, i *discordgo.InteractionCreate)
		want   string
	}{
		"too long": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: long, AllowedMentions: none()}})
		}, "content is 2001"},
		"mentions": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "@everyone"}})
		}, "allowed_mentions"},
		"custom id": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: none(),
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "b", CustomID: strings.Repeat("c", 101)}}}}}})
		}, "custom_id"},
		"slow": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			// never answers: the window passes
		}, "no answer within"},
		"twice": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			r := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: none()}}
			s.InteractionRespond(i.Interaction, r)
			s.InteractionRespond(i.Interaction, r)
		}, "second callback"},
		"update to a command": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 7, Data: &discordgo.InteractionResponseData{Content: "x", AllowedMentions: none()}})
		}, "only buttons"},
		"bad modal": {func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 9, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: strings.Repeat("t", 50), Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "a", Label: "A", Style: discordgo.TextInputParagraph, MaxLength: 5000}}}}}})
		}, "modal title"},
		"label without a child": {formAnswer(component.Label{Label: "Empty"}), "wraps no component"},
		"label over 45":         {formAnswer(component.Label{Label: strings.Repeat("l", 46), Component: discordgo.TextInput{CustomID: "t", Style: discordgo.TextInputShort}}), "limit 1-45"},
		"radio of 11":           {formAnswer(component.Label{Label: "Score", Component: component.RadioGroup{CustomID: "s", Options: radioOptions(11)}}), "11 options, limit 2-10"},
		"upload of 11":          {formAnswer(component.Label{Label: "Files", Component: component.FileUpload{CustomID: "f", MaxValues: 11}}), "limit 0-10"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := rawBot(t, c.answer)
			if _, err := sb.Command(Viewer, "/ping what:x"); err != nil {
				t.Fatal(err)
			}
			err := sb.waitFor(ctx(t), func() bool {
				for _, v := range sb.viol {
					if strings.Contains(v.What, c.want) {
						return true
					}
				}
				return false
			})
			if err != nil {
				t.Errorf("no violation %q; got %v", c.want, sb.Violations())
			}
		})
	}
}

func TestSandboxAutocompleteLimit(t *testing.T) {
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		var cs []*discordgo.ApplicationCommandOptionChoice
		for k := 0; k < 26; k++ {
			cs = append(cs, &discordgo.ApplicationCommandOptionChoice{Name: "n", Value: "v"})
		}
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{Choices: cs}})
	})
	if _, err := sb.Autocomplete(Viewer, "/ping what:x", "what"); err != nil {
		t.Fatal(err)
	}
	if err := sb.waitFor(ctx(t), func() bool { return len(sb.viol) > 0 }); err != nil || !strings.Contains(sb.viol[0].What, "26 autocomplete") {
		t.Errorf("violations: %v", sb.Violations())
	}
}

func TestSandboxTokenExpiry(t *testing.T) {
	var mu sync.Mutex
	var got *discordgo.Interaction
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		mu.Lock()
		got = i.Interaction
		mu.Unlock()
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5})
	})
	sb.opts.TokenTTL = 200 * time.Millisecond
	ix, err := sb.Command(Viewer, "/ping what:x")
	if err != nil {
		t.Fatal(err)
	}
	sb.waitFor(ctx(t), func() bool { return ix.responded })
	sb.skew.Store(int64(300 * time.Millisecond)) // past TokenTTL
	u, _ := url.Parse(sb.URL)
	s, _ := discordgo.New("Bot " + sb.Token())
	s.Client = &http.Client{Transport: toBox{u}}
	mu.Lock()
	i := got
	mu.Unlock()
	content := "late"
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, AllowedMentions: none()}); err == nil {
		t.Error("edit after the token expired was accepted")
	}
	if v := sb.Violations(); len(v) == 0 || !strings.Contains(v[len(v)-1].What, "expired") {
		t.Errorf("violations: %v", v)
	}
}

func TestSandboxFaults(t *testing.T) {
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {})
	sb.FailNext(Fault{Path: "/gateway", Status: 500})
	resp, err := http.Get(sb.URL + "/api/v9/gateway")
	if err != nil || resp.StatusCode != 500 {
		t.Fatalf("fault not injected: %v %v", err, resp)
	}
	resp, _ = http.Get(sb.URL + "/api/v9/gateway")
	if resp.StatusCode != 200 {
		t.Error("fault applied twice")
	}
	req, _ := http.NewRequest("GET", sb.URL+"/api/v9/applications/"+sb.AppID+"/commands", nil)
	req.Header.Set("Authorization", "Bot wrong")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 401 {
		t.Errorf("a wrong token got %d", resp.StatusCode)
	}
}

// With Shards set, the gateway refuses a bot that does not shard, and
// routes each guild's interactions to its shard and DMs to shard 0.
func TestSandboxShards(t *testing.T) {
	far := Guild{ID: "100000000004194305", Name: "Far Away", Channels: []Channel{{ID: "200000000000000009", Name: "general"}}}
	sb, err := Start(Options{Shards: 2, MaxConcurrency: 2, Guilds: append(DefaultGuilds(), far)})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if guildShard(Viewer.GuildID, 2) != 0 || guildShard(far.ID, 2) != 1 {
		t.Fatal("test guilds are not on shards 0 and 1")
	}
	ws := "ws" + strings.TrimPrefix(sb.URL, "http") + "/gateway"
	for _, c := range []struct {
		shard []int
		code  int
	}{{nil, 4011}, {[]int{2, 2}, 4010}, {[]int{0, 1}, 4011}} {
		conn, _, err := websocket.DefaultDialer.Dial(ws, nil)
		if err != nil {
			t.Fatal(err)
		}
		conn.ReadMessage() // HELLO
		d := map[string]any{"token": "Bot " + sb.Token(), "intents": 1, "properties": map[string]string{}}
		if c.shard != nil {
			d["shard"] = c.shard
		}
		conn.WriteJSON(map[string]any{"op": 2, "d": d})
		_, _, err = conn.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != c.code {
			t.Errorf("IDENTIFY with shard %v: %v, want close %d", c.shard, err, c.code)
		}
		conn.Close()
	}

	u, _ := url.Parse(sb.URL)
	got := make(chan [2]string, 8) // shard, guild
	for n := 0; n < 2; n++ {
		s, _ := discordgo.New("Bot " + sb.Token())
		s.Client = &http.Client{Transport: toBox{u}}
		s.LogLevel = -1
		s.ShardID, s.ShardCount = n, 2
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			got <- [2]string{strconv.Itoa(s.ShardID), i.GuildID}
			pong(s, i)
		})
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if n == 0 {
			gb, err := s.GatewayBot()
			if err != nil || gb.Shards != 2 || gb.SessionStartLimit.MaxConcurrency != 2 {
				t.Errorf("/gateway/bot: %+v, %v", gb, err)
			}
			if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", []*discordgo.ApplicationCommand{{Name: "ping", Description: "ping"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sb.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	farMember := Member{GuildID: far.ID, UserID: "500000000000000009", Name: "Fa"}
	for _, c := range []struct {
		m     Member
		shard string
	}{{Viewer, "0"}, {farMember, "1"}, {DMUser, "0"}} {
		if _, _, err := sb.Do(ctx(t), c.m, "/ping"); err != nil {
			t.Fatal(err)
		}
		if g := <-got; g != [2]string{c.shard, c.m.GuildID} {
			t.Errorf("interaction in guild %q went to shard %s, want %s", c.m.GuildID, g[0], c.shard)
		}
	}
	ids := sb.Identifies()
	if len(ids) != 2 || ids[0].Shards != 2 || ids[0].Shard == ids[1].Shard {
		t.Errorf("identifies: %+v", ids)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// The control API takes JSON from this machine's programs and its own
// page only: a page elsewhere cannot post to it.
func TestControlAPIRefusesCrossSite(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	post := func(ct, origin string) int {
		req, _ := http.NewRequest("POST", sb.URL+"/_sandbox/drop", strings.NewReader("{}"))
		req.Header.Set("Content-Type", ct)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("text/plain", ""); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", code)
	}
	if code := post("application/json", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("another origin: %d", code)
	}
	if code := post("application/json", ""); code != http.StatusNoContent {
		t.Errorf("a local program: %d", code)
	}
}

// An autocomplete result with no choices field, or with message fields,
// is what discordgo's own InteractionRespond sends when nothing matches;
// Discord wants "choices": [] and nothing else.
func TestSandboxAutocompleteShape(t *testing.T) {
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{}})
	})
	if _, err := sb.Autocomplete(Viewer, "/ping what:x", "what"); err != nil {
		t.Fatal(err)
	}
	if err := sb.waitFor(ctx(t), func() bool { return len(sb.viol) > 0 }); err != nil || !strings.Contains(sb.viol[0].What, "without choices") {
		t.Errorf("violations: %v", sb.Violations())
	}
}

// Two shards of one bucket identifying within the window is a violation:
// Discord allows max_concurrency identifies per 5 s.
func TestSandboxPacesIdentifies(t *testing.T) {
	sb, err := Start(Options{Shards: 2, MaxConcurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	u, _ := url.Parse(sb.URL)
	for n := range 2 {
		s, _ := discordgo.New("Bot " + sb.Token())
		s.Client = &http.Client{Transport: toBox{u}}
		s.LogLevel = -1
		s.ShardID, s.ShardCount = n, 2
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
	}
	if err := sb.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if v := sb.Violations(); len(v) != 1 || !strings.Contains(v[0].What, "same bucket") {
		t.Errorf("violations %v, want the second identify in the window", v)
	}
}

// A user, role, mentionable or channel option carries an id, as Discord's
// client sends it, and the interaction carries what it names in
// data.resolved: the user and their member (without its user), the
// server's role, the channel. A name, or someone of another server, is
// refused: Discord's client would not have offered it.
func TestSandboxResolvesMembersRolesAndChannels(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := restSession(t, sb)
	got := make(chan *discordgo.ApplicationCommandInteractionDataResolved, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		got <- i.ApplicationCommandData().Resolved
		pong(s, i)
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); sb.Close() })
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", []*discordgo.ApplicationCommand{
		{Name: "who", Description: "who", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: "m"},
			{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "r"},
			{Type: discordgo.ApplicationCommandOptionMentionable, Name: "any", Description: "a"},
			{Type: discordgo.ApplicationCommandOptionChannel, Name: "where", Description: "w"}}},
	}); err != nil {
		t.Fatal(err)
	}
	everyone := Viewer.GuildID
	if _, _, err := sb.Do(ctx(t), Viewer, "/who member:"+Moderator.UserID+" role:"+ModeratorRole+" any:"+everyone+" where:200000000000000004"); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r == nil || r.Users[Moderator.UserID] == nil || r.Users[Moderator.UserID].GlobalName != "Mo" {
		t.Fatalf("resolved users: %+v", r)
	}
	if m := r.Members[Moderator.UserID]; m == nil || m.User != nil || len(m.Roles) != 1 || m.Roles[0] != ModeratorRole {
		t.Errorf("resolved member: %+v", m)
	}
	if ro := r.Roles[ModeratorRole]; ro == nil || ro.Name != "Moderators" {
		t.Errorf("resolved role: %+v", ro)
	}
	if ro := r.Roles[everyone]; ro == nil || ro.Name != "@everyone" {
		t.Errorf("resolved @everyone: %+v", ro)
	}
	if c := r.Channels["200000000000000004"]; c == nil || c.Type != discordgo.ChannelTypeGuildVoice || c.Name != "Screening room" {
		t.Errorf("resolved channel: %+v", c)
	}
	for _, line := range []string{"/who member:Mo", "/who member:@Mo", "/who member:" + OtherMember.UserID, "/who role:" + Moderator.UserID, "/who any:12345", "/who where:200000000000000003"} {
		if _, err := sb.Command(Viewer, line); err == nil {
			t.Errorf("%s was sent", line)
		}
	}
}

// Members' names are names, as in Discord; what each is for the
// playground sits apart, in Role.
func TestSandboxMembersNames(t *testing.T) {
	for _, m := range []Member{Moderator, Admin, Viewer, OtherMember, DMUser} {
		if strings.ContainsAny(m.Name, "() ") || m.Role == "" {
			t.Errorf("member %q (role %q)", m.Name, m.Role)
		}
	}
}

// Members write in channels and threads, and a thread started on a
// message opens with it, as in Discord.
func TestMembersWrite(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	general := sb.Guilds()[0].Channels[0].ID
	if _, err := sb.Say(Viewer, general, "Has anyone seen Anora?"); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Say(DMUser, "", "hello, bot"); err != nil {
		t.Errorf("in a DM: %v", err)
	}
	for what, try := range map[string]func() error{
		"blank":           func() error { _, err := sb.Say(Viewer, general, "  \n"); return err },
		"2,001 letters":   func() error { _, err := sb.Say(Viewer, general, strings.Repeat("a", 2001)); return err },
		"another server":  func() error { _, err := sb.Say(OtherMember, general, "hi"); return err },
		"no such channel": func() error { _, err := sb.Say(Viewer, "1234", "hi"); return err },
	} {
		if try() == nil {
			t.Errorf("%s: written", what)
		}
	}
	// A thread on the member's message: it opens with it, then what is
	// written in the thread.
	sb.mu.Lock()
	var starter *Message
	for _, m := range sb.messages {
		if m.ChannelID == general {
			starter = m
		}
	}
	sb.channels[starter.ID] = &Channel{ID: starter.ID, Name: "Anora", GuildID: Viewer.GuildID, ParentID: general, Type: discordgo.ChannelTypeGuildPublicThread, MessageID: starter.ID}
	starter.ThreadID = starter.ID
	sb.mu.Unlock()
	resp, err := http.Post(sb.URL+"/_sandbox/messages", "application/json", strings.NewReader(`{"member":{"guild_id":"`+Moderator.GuildID+`","user_id":"`+Moderator.UserID+`","name":"Mo"},"channel_id":"`+starter.ID+`","content":"Yes: the ending!"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("writing in the thread: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(sb.URL + "/_sandbox/channels/" + starter.ID + "/messages")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []struct {
		Content string `json:"content"`
		Starter bool   `json:"thread_starter"`
		Author  struct {
			ID         string `json:"id"`
			GlobalName string `json:"global_name"`
		} `json:"author"`
	}
	json.NewDecoder(resp.Body).Decode(&got)
	if len(got) != 2 || !got[0].Starter || got[0].Content != "Has anyone seen Anora?" || got[0].Author.GlobalName != "Vi" ||
		got[1].Starter || got[1].Content != "Yes: the ending!" || got[1].Author.ID != Moderator.UserID {
		t.Errorf("the thread: %+v", got)
	}
}

// formAnswer answers with a form of cs.
func formAnswer(cs ...discordgo.MessageComponent) func(s *discordgo.Session, i *discordgo.InteractionCreate) {
	return func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 9, Data: &discordgo.InteractionResponseData{CustomID: "m", Title: "Form", Components: cs}})
	}
}

func radioOptions(n int) []component.RadioOption {
	var out []component.RadioOption
	for k := 1; k <= n; k++ {
		out = append(out, component.RadioOption{Value: strconv.Itoa(k), Label: strconv.Itoa(k)})
	}
	return out
}

// A shard identified while another connection still runs it is an
// overlap (two processes on one shard); identified again after the first
// connection closed, it is not. ShardRemotes names the live connection.
func TestSandboxShardOverlap(t *testing.T) {
	sb, err := Start(Options{Shards: 2, MaxConcurrency: 2, IdentifyInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ws := "ws" + strings.TrimPrefix(sb.URL, "http") + "/gateway"
	identify := func() *websocket.Conn {
		conn, _, err := websocket.DefaultDialer.Dial(ws, nil)
		if err != nil {
			t.Fatal(err)
		}
		conn.ReadMessage() // HELLO
		conn.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + sb.Token(), "intents": 1, "shard": []int{1, 2}, "properties": map[string]string{}}})
		if _, data, err := conn.ReadMessage(); err != nil || !strings.Contains(string(data), `"READY"`) {
			t.Fatalf("READY: %s %v", data, err)
		}
		return conn
	}
	a := identify()
	if r := sb.ShardRemotes()[1]; r != a.LocalAddr().String() {
		t.Errorf("shard 1 runs on %q, want %q", r, a.LocalAddr())
	}
	b := identify()
	o := sb.ShardOverlaps()
	if len(o) != 1 || o[0].Shard != 1 || o[0].Remote != b.LocalAddr().String() || o[0].Before != a.LocalAddr().String() {
		t.Fatalf("overlaps %+v", o)
	}
	b.Close()
	a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sb.waitFor(ctx, func() bool { return len(sb.gw.conns) == 0 }); err != nil {
		t.Fatal("closed connections still run shard 1")
	}
	c := identify()
	defer c.Close()
	if n := len(sb.ShardOverlaps()); n != 1 {
		t.Errorf("%d overlaps after identifying on a free shard", n)
	}
	if g := sb.ShardGaps(); len(g) != 1 || g[0].Shard != 1 || g[0].Down <= 0 {
		t.Errorf("gaps %+v, want shard 1's, from its connections closing to the next IDENTIFY", g)
	}
}
