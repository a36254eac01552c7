package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// The sandbox refuses a bulk overwrite Discord would refuse, counting
// every localization, with Discord's 400 and error shape: a localized
// description over 100 characters, a localized option name that is
// another option's. Nothing of the refused list is registered.
func TestRegistrationRefusedAsDiscordWould(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := restSession(t, sb)
	good := []*discordgo.ApplicationCommand{{Name: "rate", Description: "Rate a film",
		DescriptionLocalizations: &map[discordgo.Locale]string{"ru": "Оценить фильм"},
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: "The film", NameLocalizations: map[discordgo.Locale]string{"ru": "фильм"}},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "score", Description: "1-10"},
		}}}
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", good); err != nil {
		t.Fatalf("good definitions refused: %v", err)
	}
	bad := []*discordgo.ApplicationCommand{{Name: "review", Description: "Read reviews",
		DescriptionLocalizations: &map[discordgo.Locale]string{"de": strings.Repeat("ü", 101)},
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: "The film"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "about", Description: "About", NameLocalizations: map[discordgo.Locale]string{"fr": "film"}},
		}}}
	_, err = s.ApplicationCommandBulkOverwrite(sb.AppID, "", bad)
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 {
		t.Fatalf("bad definitions: %v, want a 400", err)
	}
	var body struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Errors  map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(re.ResponseBody, &body); err != nil || body.Code != 50035 || body.Message != "Invalid Form Body" {
		t.Fatalf("body %s (%v), want Discord's 50035 Invalid Form Body", re.ResponseBody, err)
	}
	errorsAt := func(path ...string) []any {
		var node any = body.Errors
		for _, k := range path {
			m, _ := node.(map[string]any)
			node = m[k]
		}
		m, _ := node.(map[string]any)
		list, _ := m["_errors"].([]any)
		return list
	}
	if e := errorsAt("0", "description_localizations", "de"); len(e) != 1 || e[0].(map[string]any)["code"] != "BASE_TYPE_BAD_LENGTH" {
		t.Errorf("description_localizations.de: %v in %s", e, re.ResponseBody)
	}
	if e := errorsAt("0", "options", "1", "name_localizations", "fr"); len(e) != 1 || e[0].(map[string]any)["code"] != "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS" {
		t.Errorf("options.1.name_localizations.fr: %v in %s", e, re.ResponseBody)
	}
	if names := commandNames(sb.Commands("")); len(names) != 1 || names[0] != "rate" {
		t.Errorf("registered %v after the refusal, want rate alone", names)
	}
	if v := sb.Violations(); len(v) != 1 || !strings.Contains(v[0].What, "command registration refused") {
		t.Errorf("violations %+v", v)
	}
	// Too large: each field counted at its longest localization.
	big := &discordgo.ApplicationCommand{Name: "pick", Description: "Pick"}
	for o := range 10 {
		opt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "o" + string(rune('a'+o)), Description: "x"}
		for c := range 10 {
			opt.Choices = append(opt.Choices, &discordgo.ApplicationCommandOptionChoice{Name: "c", Value: string(rune('a' + c)),
				NameLocalizations: map[discordgo.Locale]string{"ja": strings.Repeat("映", 100)}})
		}
		big.Options = append(big.Options, opt)
	}
	resp := put(t, sb, []*discordgo.ApplicationCommand{big})
	if resp.StatusCode != 400 || !bytes.Contains(resp.body, []byte(`"APPLICATION_COMMAND_TOO_LARGE"`)) {
		t.Errorf("a command of 10,000+ characters: %d %s", resp.StatusCode, resp.body)
	}
}

type putResp struct {
	StatusCode int
	body       []byte
}

func put(t *testing.T, sb *Server, defs []*discordgo.ApplicationCommand) putResp {
	t.Helper()
	b, _ := json.Marshal(defs)
	req, _ := http.NewRequest("PUT", sb.URL+"/api/v9/applications/"+sb.AppID+"/commands", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bot "+sb.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return putResp{resp.StatusCode, buf.Bytes()}
}

func commandNames(defs []*discordgo.ApplicationCommand) []string {
	var out []string
	for _, d := range defs {
		out = append(out, d.Name)
	}
	return out
}
