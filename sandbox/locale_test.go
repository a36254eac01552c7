package sandbox

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interactions carry the member's locale and the server's guild_locale
// as set, through the Go API and the control API; en-US when unset; a
// locale Discord does not have is refused; the server's language is kept
// in the state file.
func TestLocalesOnInteractions(t *testing.T) {
	type seen struct{ locale, guild string }
	var mu sync.Mutex
	var got []seen
	file := filepath.Join(t.TempDir(), "state.json")
	sb := rawBotWith(t, Options{ResponseWindow: 2 * time.Second, StateFile: file}, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		g := ""
		if i.GuildLocale != nil {
			g = string(*i.GuildLocale)
		}
		mu.Lock()
		got = append(got, seen{string(i.Locale), g})
		mu.Unlock()
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "ok", AllowedMentions: none()}})
	})
	last := func() seen { mu.Lock(); defer mu.Unlock(); return got[len(got)-1] }
	if _, _, err := sb.Do(ctx(t), Viewer, "/ping what:x"); err != nil {
		t.Fatal(err)
	}
	if s := last(); s.locale != "en-US" || s.guild != "en-US" {
		t.Errorf("unset: %+v, want en-US twice", s)
	}
	ru := Viewer
	ru.Locale = "ru"
	if err := sb.SetGuildLocale(Viewer.GuildID, "de"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sb.Do(ctx(t), ru, "/ping what:x"); err != nil {
		t.Fatal(err)
	}
	if s := last(); s.locale != "ru" || s.guild != "de" {
		t.Errorf("a Russian member in a German server: %+v", s)
	}
	dm := DMUser
	dm.Locale = "pt-BR"
	if _, _, err := sb.Do(ctx(t), dm, "/ping what:x"); err != nil {
		t.Fatal(err)
	}
	if s := last(); s.locale != "pt-BR" || s.guild != "" {
		t.Errorf("in a DM: %+v, want pt-BR and no guild_locale", s)
	}
	bad := Viewer
	bad.Locale = "klingon"
	if _, err := sb.Command(bad, "/ping what:x"); err == nil || !strings.Contains(err.Error(), "not one of Discord's locales") {
		t.Errorf("a made-up locale: %v", err)
	}
	if err := sb.SetGuildLocale(Viewer.GuildID, "en"); err == nil {
		t.Error(`"en" (not Discord's) set as a server's locale`)
	}
	// The control API: a server's language, then a member's on the
	// interaction it sends.
	post := func(path, body string) (int, map[string]any) {
		resp, err := http.Post(sb.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if code, out := post("/_sandbox/guilds/"+Viewer.GuildID+"/locale", `{"locale":"ja"}`); code != 200 || out["locale"] != "ja" {
		t.Fatalf("set a server's locale: %d %v", code, out)
	}
	if code, _ := post("/_sandbox/guilds/"+Viewer.GuildID+"/locale", `{"locale":"xx"}`); code != 400 {
		t.Errorf("a made-up server locale: %d", code)
	}
	code, out := post("/_sandbox/interactions", `{"member":{"guild_id":"`+Viewer.GuildID+`","user_id":"`+Viewer.UserID+`","name":"Vi","locale":"uk"},"line":"/ping what:y"}`)
	if code != 200 {
		t.Fatalf("an interaction through the control API: %d %v", code, out)
	}
	sb.mu.Lock()
	ix := sb.inter[out["id"].(string)]
	sb.mu.Unlock()
	if _, err := ix.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if s := last(); s.locale != "uk" || s.guild != "ja" {
		t.Errorf("through the control API: %+v", s)
	}
	for _, g := range sb.Guilds() {
		if g.ID == Viewer.GuildID && g.Locale != "ja" {
			t.Errorf("Guilds() says %q", g.Locale)
		}
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Start(Options{StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if l := again.GuildLocale(Viewer.GuildID); l != "ja" {
		t.Errorf("after a restart the server's language is %q", l)
	}
	if l := again.GuildLocale(OtherMember.GuildID); l != "en-US" {
		t.Errorf("the other server's language is %q", l)
	}
}

// A member types names as their client shows them, in their language;
// the data names them as Discord sends them: by their own names.
func TestCommandLineInTheMembersLanguage(t *testing.T) {
	defs := []*discordgo.ApplicationCommand{{Name: "manage", Description: "x", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "film", Description: "x", NameLocalizations: map[discordgo.Locale]string{"ru": "фильм"},
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "x", NameLocalizations: map[discordgo.Locale]string{"ru": "название"}},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "year", Description: "x", NameLocalizations: map[discordgo.Locale]string{"ru": "год"}},
			}},
	}}}
	data, err := ParseCommandLineIn(`/manage фильм название:"Брат" год:1997`, defs, "", "ru")
	if err != nil {
		t.Fatal(err)
	}
	sub := data.Options[0]
	if data.Name != "manage" || sub.Name != "film" || sub.Options[0].Name != "title" || sub.Options[0].Value != "Брат" || sub.Options[1].Name != "year" || sub.Options[1].Value != 1997.0 {
		t.Errorf("data %+v / %+v %+v", data, sub.Options[0], sub.Options[1])
	}
	// The names themselves still do; another language's do not.
	if _, err := ParseCommandLineIn(`/manage film title:Brother year:1997`, defs, "", "ru"); err != nil {
		t.Errorf("English names in ru: %v", err)
	}
	if _, err := ParseCommandLineIn(`/manage фильм название:x`, defs, "", "de"); err == nil {
		t.Error("Russian names accepted from a German member")
	}
	// Autocomplete names its focus either way.
	data, err = ParseCommandLineIn(`/manage фильм название:Бр`, defs, "название", "ru")
	if err != nil || !data.Options[0].Options[0].Focused || data.Options[0].Options[0].Name != "title" {
		t.Errorf("focus by localized name: %v %+v", err, data.Options[0].Options[0])
	}
}
