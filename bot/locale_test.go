package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
)

func in(locale discordgo.Locale, i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
	i.Locale = locale
	return i
}

// The envelope's own messages, and the default messages of storage's and
// source's errors, reach a member in their language (the interaction's
// locale); a message a handler wrote is shown as it is; English stays.
func TestEnvelopeSpeaksTheMembersLanguage(t *testing.T) {
	b, rec, _ := newBot(t, []Command{
		cmd("boom", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, errors.New("disk on fire")
		}),
		cmd("away", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, fmt.Errorf("rate: %w", &storage.Error{Code: storage.CodeUnavailable, Msg: storage.MsgUnavailable, Err: errors.New("dial tcp")})
		}),
		cmd("tmdb", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, fmt.Errorf("lookup: %w", source.ErrBusy)
		}),
		cmd("own", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return nil, userErr("Оценка — от 1 до 10.")
		}),
	}, nil)
	cases := []struct {
		i          *discordgo.InteractionCreate
		want, lang string
	}{
		{in("ru", slash("boom")), "У нас что-то пошло не так, мы это записали. Попробуйте ещё раз.", "ru"},
		{in("de", slash("boom")), "Bei uns ist etwas schiefgelaufen, es wurde protokolliert. Bitte versuch es noch einmal.", "de"},
		{in("en-US", slash("boom")), "Something went wrong on our side and it has been logged. Please try again.", "en"},
		{slash("boom"), "Something went wrong on our side and it has been logged. Please try again.", "en"}, // no locale: English
		{in("ru", slash("away")), "Сейчас не получается связаться с базой данных. Попробуйте ещё раз через минуту.", "ru"},
		{in("en-GB", slash("away")), storage.MsgUnavailable, "en"},
		{in("es-419", slash("tmdb")), "TMDB está saturado ahora mismo: inténtalo de nuevo en un momento.", "es"},
		{in("ja", slash("nope")), "そのコマンドは知りません。Discord の一覧が古いのかもしれません。1 分ほどしてからもう一度お試しください。", "ja"},
		{in("uk", clickI("gone:1")), "Ця кнопка застаріла.", "uk"},
		{in("fr", slash("own")), "Оценка — от 1 до 10.", "handler's own"},
	}
	for _, c := range cases {
		rec.responses = nil
		b.Handle(c.i)
		r := only(t, rec)
		if r.Data == nil || r.Data.Content != c.want || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s in %q: got %+v, want the ephemeral %q (%s)", routeName(c.i), c.i.Locale, r.Data, c.want, c.lang)
		}
		if err := limits.Check(r); err != nil {
			t.Errorf("%s in %q: %v", routeName(c.i), c.i.Locale, err)
		}
	}
}

// Restarting: the refusal is in the member's language too.
func TestClosingInTheMembersLanguage(t *testing.T) {
	b, rec, _ := newBot(t, []Command{cmd("hi", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("hello"), nil
	})}, nil)
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.Handle(in("pl", slash("hi")))
	if r := only(t, rec); r.Data.Content != "filmbot uruchamia się ponownie. Spróbuj za chwilę." {
		t.Errorf("shown %q", r.Data.Content)
	}
}

// The English of each default message is the text its package gives the
// error: an error whose Msg is it is translated, so the two must not
// drift apart.
func TestErrorDefaultsMatch(t *testing.T) {
	for _, e := range []*storage.Error{storage.ErrUnavailable, source.ErrNotAnswering, source.ErrBusy, source.ErrAmbiguous, source.ErrOff, source.ErrBadRef.(*storage.Error), errSlow} {
		if _, ok := byText[e.Msg]; !ok {
			t.Errorf("%q (%v) has no translated message in the bot", e.Msg, e.Code)
		}
	}
	if len(errorDefaults) != 6 {
		t.Errorf("%d error defaults", len(errorDefaults))
	}
	for _, k := range errorDefaults {
		if got := locale.For("ru").S(k); got == english[k] || strings.TrimSpace(got) == "" {
			t.Errorf("%q has no Russian", english[k])
		}
	}
}

// Every message the envelope shows is translated into every language
// filmbot speaks, with the same placeholders.
func TestEnvelopeMessagesInEveryLanguage(t *testing.T) {
	for _, p := range locale.Problems() {
		if _, rest, ok := strings.Cut(p, ": "); ok && (strings.HasPrefix(rest, "bot.") || strings.HasPrefix(rest, "error.")) {
			t.Error(p)
		}
	}
	for _, code := range locale.Locales()[1:] {
		tr := locale.For(code)
		for k, en := range english {
			if tr.S(k) == en {
				t.Errorf("%s: %q is English", code, en)
			}
		}
	}
}

// Over the Interactions Endpoint too: the locale in the body Discord
// posts chooses the language of the envelope's answer.
func TestEnvelopeLanguageOverHTTP(t *testing.T) {
	b, _, _ := newBot(t, []Command{cmd("boom", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		panic("boom")
	})}, nil)
	s := newSigner(t)
	srv := httptest.NewServer((&HTTPEndpoint{Bot: b, Key: s.pub}).Handler())
	defer srv.Close()
	for loc, want := range map[discordgo.Locale]string{"ko": "저희 쪽에서 문제가 생겼고 기록해 두었습니다. 다시 시도해 주세요.", "zh-CN": "我们这边出了点问题，已记录下来。请再试一次。", "": english[msgInternal]} {
		var raw map[string]any
		json.Unmarshal(interactionJSON(t, slash("boom")), &raw)
		if loc != "" {
			raw["locale"], raw["guild_locale"] = string(loc), "en-US"
		}
		body, _ := json.Marshal(raw)
		r := s.signed(body)
		req, _ := http.NewRequest("POST", srv.URL+"/interactions", r.Body)
		req.Header = r.Header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out discordgo.InteractionResponse
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || out.Data == nil || out.Data.Content != want {
			t.Errorf("locale %q: %v %+v, want %q", loc, err, out.Data, want)
		}
	}
}
