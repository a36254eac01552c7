package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// try runs one interaction through the bot's routing and handlers against
// the database and prints what the bot would send. Exit status 0 whenever
// the bot answered, user errors included.
func try(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the JSON body the bot would send to Discord")
	guild := fs.String("guild", "", "act in this server (an id); default: a DM")
	user := fs.String("user", "100000000000000001", "act as this member (an id)")
	mod := fs.Bool("mod", false, "give the member Manage Server (a moderator)")
	userInstall := fs.Bool("user-install", false, "reach filmbot through its install to the member's own account: with --guild, in a server that has not added it; without, in a private channel")
	externalPublic := fs.Bool("external-public", false, "with --user-install --guild: the server lets the member's external apps answer publicly (Use External Apps)")
	loc := fs.String("locale", "", "act as a member whose Discord is in this language (a Discord locale: ru, de, pt-BR, es-419, …); option names may be typed in it; default en-US")
	guildLoc := fs.String("guild-locale", "", "with --guild: the server's language (its guild_locale); default en-US")
	auto := fs.String("autocomplete", "", "ask for autocomplete choices of this option instead of running the command")
	files := fs.String("files", "", "save attached files (the rating chart) into this folder")
	click := fs.String("click", "", "click the button (or, with --value, pick in the menu) with this custom_id")
	submit := fs.String("submit", "", "submit the form (modal) with this custom_id, with --field id=value")
	msgCmd := fs.String("message-command", "", "run this right-click command on a message (--text its content, --target its id)")
	userCmd := fs.String("user-command", "", "run this right-click command on a member (--target their id)")
	target := fs.String("target", "", "the message's or the member's id, for --message-command or --user-command")
	text := fs.String("text", "", "the content of the message of --message-command")
	voice := fs.String("voice", "", "with --guild: the member is in a voice channel with these members (ids, comma-separated): what /recommend group:voice reads")
	var fields, picks, values []string
	fs.Func("field", "a form field for --submit, as id=value, or id=@path to upload a file in a file upload (repeatable)", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("want id=value")
		}
		fields = append(fields, v)
		return nil
	})
	fs.Func("pick", "a radio group's choice for --submit, as id=value (repeatable)", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("want id=value")
		}
		picks = append(picks, v)
		return nil
	})
	fs.Func("value", "a menu value for --click (repeatable)", func(v string) error {
		values = append(values, v)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: filmbot try [flags] '/command option:value option:\"two words\"'")
		fmt.Fprintln(fs.Output(), "       filmbot try [flags] --message-command 'Films in this message' --text 'the message'")
		fmt.Fprintln(fs.Output(), "       filmbot try --guild ID [flags] --user-command 'Compare taste' --target MEMBER_ID")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if _, err := storage.ParseScope(*guild); err != nil {
		fmt.Fprintln(stderr, "filmbot try: --guild:", err)
		return 2
	}
	for flag, l := range map[string]string{"--locale": *loc, "--guild-locale": *guildLoc} {
		if err := sandbox.CheckLocale(l); err != nil {
			fmt.Fprintf(stderr, "filmbot try: %s: %q is not one of Discord's locales (%s)\n", flag, l, strings.Join(locale.Discord, ", "))
			return 2
		}
	}
	if *guildLoc != "" && *guild == "" {
		fmt.Fprintln(stderr, "filmbot try: --guild-locale is a server's language: give --guild too")
		return 2
	}
	// Notes beside the answer (a post in a channel, a saved file) go to
	// stderr with --json, so that stdout holds one JSON document.
	notes := stdout
	if *asJSON {
		notes = stderr
	}
	// TMDB: the settings' own, or without a token a local stand-in (as
	// in the playground), on a loopback listener for this one command.
	if !cfg.tmdbOn() {
		fake, err := tmdbfake.Start("", tmdbfake.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "filmbot try: the TMDB stand-in:", err)
			return 1
		}
		defer fake.Close()
		cfg.TMDBToken, cfg.TMDBAPIKey, cfg.TMDBAPIURL = fake.Token, "", fake.URL
	}
	films, err := newTMDBSource(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), nil)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot try:", err)
		return 2
	}
	db, msg := openStore(ctx, cfg, storage.Options{}, slog.New(slog.NewTextHandler(stderr, nil)), false)
	if db == nil {
		fmt.Fprintln(stderr, "filmbot try:", msg)
		return 1
	}
	defer db.Close()
	// file:@path options: the file is read here and served to the
	// command as Discord's CDN would serve an upload.
	uploads := map[string][]byte{}
	fetch := bot.HTTPFetcher(&http.Client{}, commands.FetchTimeout)
	resolver := films.resolver(db, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer resolver.Wait()
	set := commands.New(db).WithSource(resolver).WithPoster(printPoster{notes}).WithScreener(printPoster{notes}, "try").
		WithFetcher(func(ctx context.Context, url string, max int64) ([]byte, error) {
			if b, ok := uploads[url]; ok {
				return b[:min(int64(len(b)), max+1)], nil
			}
			return fetch(ctx, url, max)
		})
	// Who is in the member's voice channel, as the gateway would say.
	voices := bot.NewVoices()
	set.WithVoices(voices)
	if *voice != "" {
		if *guild == "" {
			fmt.Fprintln(stderr, "filmbot try: --voice is a voice channel of a server: give --guild too")
			return 2
		}
		for _, id := range append([]string{*user}, strings.Split(*voice, ",")...) {
			id = strings.TrimSpace(id)
			if _, err := strconv.ParseUint(id, 10, 64); err != nil {
				fmt.Fprintf(stderr, "filmbot try: --voice: %q is not a member's id\n", id)
				return 2
			}
			voices.Update(&discordgo.VoiceState{GuildID: *guild, ChannelID: "1", UserID: id})
		}
	}
	rec := &recorder{}
	// Follow-ups go out after the answer, as the bot's envelope sends them.
	var followups []*discordgo.InteractionResponseData
	set.WithFollowup(func(_ context.Context, d *discordgo.InteractionResponseData) bool {
		followups = append(followups, d)
		return true
	})
	b := bot.New(rec, botCommands(set), set.Components(), bot.Options{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})

	var i *discordgo.Interaction
	switch {
	case *msgCmd != "" || *userCmd != "":
		if fs.NArg() != 0 || *click != "" || *submit != "" || (*msgCmd != "" && *userCmd != "") {
			fmt.Fprintln(stderr, "filmbot try: --message-command and --user-command take no command line, and go alone")
			return 2
		}
		kind, name := discordgo.MessageApplicationCommand, *msgCmd
		if *userCmd != "" {
			kind, name = discordgo.UserApplicationCommand, *userCmd
		}
		if i, err = menuInteraction(b.Definitions(), kind, name, *target, *text, *guild, *loc); err != nil {
			fmt.Fprintln(stderr, "filmbot try:", err)
			return 2
		}
	case *click != "" || *submit != "":
		if fs.NArg() != 0 || (*click != "" && *submit != "") {
			fmt.Fprintln(stderr, "filmbot try: --click and --submit take no command line, and not both")
			return 2
		}
		if *click != "" {
			data := discordgo.MessageComponentInteractionData{CustomID: *click, ComponentType: discordgo.ButtonComponent}
			if len(values) > 0 {
				data.ComponentType, data.Values = discordgo.SelectMenuComponent, values
			}
			i = &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Data: data}
			break
		}
		data, err := formSubmit(*submit, fields, picks, uploads)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot try:", err)
			return 2
		}
		i = &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, Data: data}
	case fs.NArg() == 1:
		if name := commandName(fs.Arg(0)); !known(b.Definitions(), name, *loc) {
			fmt.Fprintf(stderr, "filmbot try: there is no command /%s. The commands: %s\n", name, commandList(b.Definitions()))
			return 2
		}
		data, err := sandbox.ParseCommandLineIn(fs.Arg(0), b.Definitions(), *auto, *loc)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot try:", err)
			return 2
		}
		if err := attachFiles(&data, uploads); err != nil {
			fmt.Fprintln(stderr, "filmbot try:", err)
			return 2
		}
		i = &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: data}
		if *auto != "" {
			i.Type = discordgo.InteractionApplicationCommandAutocomplete
		}
	default:
		fs.Usage()
		return 2
	}
	i.ID, i.AppID, i.Token, i.ChannelID, i.GuildID = "1", "1", "try", "1", *guild
	i.Locale = discordgo.Locale(*loc)
	if i.Locale == "" {
		i.Locale = discordgo.EnglishUS // what Discord sends for an English client
	}
	if *guild != "" {
		gl := discordgo.Locale(*guildLoc)
		if gl == "" {
			gl = discordgo.EnglishUS
		}
		i.GuildLocale = &gl
	}
	if *userInstall {
		i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: *user}
		i.AppPermissions = discordgo.PermissionViewChannel | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles | discordgo.PermissionReadMessageHistory
		if *externalPublic || *guild == "" {
			i.AppPermissions |= discordgo.PermissionSendMessages
		}
		if *guild == "" {
			i.Context = discordgo.InteractionContextPrivateChannel
		}
	}
	u := &discordgo.User{ID: *user, Username: "you", GlobalName: "You"}
	if *guild != "" {
		perms := int64(0)
		if *mod {
			perms = discordgo.PermissionManageGuild
		}
		if *userInstall && *externalPublic {
			perms |= discordgo.PermissionUseExternalApps
		}
		i.Member = &discordgo.Member{User: u, Permissions: perms, GuildID: *guild}
	} else {
		i.User = u
	}

	b.Handle(&discordgo.InteractionCreate{Interaction: i})
	for _, d := range followups {
		rec.add(&discordgo.WebhookParams{Content: d.Content, Embeds: d.Embeds, Components: d.Components, AllowedMentions: d.AllowedMentions, Flags: d.Flags})
	}
	var docs []any
	for _, body := range rec.sent {
		var attached []*discordgo.File
		switch v := body.(type) {
		case *discordgo.InteractionResponse:
			if v.Data != nil {
				attached = v.Data.Files
			}
		case *discordgo.WebhookEdit: // a slow answer, after its deferral
			attached = v.Files
		case *bot.WebhookEdit: // a slow layout card, after its deferral
			attached = v.Files
		case *discordgo.WebhookParams:
			attached = v.Files
		}
		if len(attached) > 0 {
			if err := saveFiles(*files, attached, notes); err != nil {
				fmt.Fprintln(stderr, "filmbot try:", err)
				return 1
			}
		}
		if *asJSON {
			if r, ok := body.(*discordgo.InteractionResponse); ok {
				body = bot.Wire(r) // the body exactly as it goes to Discord
			}
			docs = append(docs, body)
			continue
		}
		switch v := body.(type) {
		case string:
			fmt.Fprintln(stdout, v)
		case *discordgo.InteractionResponse:
			fmt.Fprint(stdout, Render(v))
		case *discordgo.WebhookEdit:
			fmt.Fprint(stdout, Render(editResponse(v, 0)))
		case *bot.WebhookEdit:
			fmt.Fprint(stdout, Render(editResponse(&v.WebhookEdit, v.Flags)))
		case *discordgo.WebhookParams:
			fmt.Fprint(stdout, Render(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: v.Content, Embeds: v.Embeds, Components: v.Components, Flags: v.Flags}}))
		}
	}
	if *asJSON {
		// One document: the callback body, or, when the answer took
		// several requests (a deferral, then its edit), an array of them.
		var doc any = docs
		if len(docs) == 1 {
			doc = docs[0]
		}
		out, _ := json.Marshal(doc)
		fmt.Fprintln(stdout, string(out))
	}
	return 0
}

// formSubmit is a form submitted as Discord sends it: each field in a
// label, holding a text input's text (id=value), a file upload's file
// (id=@path, its bytes in uploads by URL) or a radio group's choice
// (picks, id=value).
func formSubmit(customID string, fields, picks []string, uploads map[string][]byte) (discordgo.ModalSubmitInteractionData, error) {
	d := discordgo.ModalSubmitInteractionData{CustomID: customID}
	for _, f := range fields {
		id, v, _ := strings.Cut(f, "=")
		if !strings.HasPrefix(v, "@") {
			d.Components = append(d.Components, &component.Label{Component: &discordgo.TextInput{CustomID: id, Value: strings.ReplaceAll(v, `\n`, "\n")}})
			continue
		}
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return d, fmt.Errorf("--field %s=@…: %w", id, err)
		}
		n := strconv.Itoa(len(uploads) + 1)
		url := "try-upload://" + n
		uploads[url] = b
		a := &discordgo.MessageAttachment{ID: n, Filename: filepath.Base(v[1:]), Size: len(b), URL: url}
		d.Components = append(d.Components, &component.Label{Component: &component.FileUpload{CustomID: id, Values: []string{n}, Attachments: []*discordgo.MessageAttachment{a}}})
	}
	for _, p := range picks {
		id, v, _ := strings.Cut(p, "=")
		d.Components = append(d.Components, &component.Label{Component: &component.RadioGroup{CustomID: id, Value: v}})
	}
	return d, nil
}

// attachFiles turns attachment options written file:@path into uploads,
// resolved as Discord resolves them, with the bytes in uploads by URL.
func attachFiles(data *discordgo.ApplicationCommandInteractionData, uploads map[string][]byte) error {
	var walk func([]*discordgo.ApplicationCommandInteractionDataOption) error
	walk = func(opts []*discordgo.ApplicationCommandInteractionDataOption) error {
		for _, o := range opts {
			if v, ok := o.Value.(string); ok && strings.HasPrefix(v, "@") {
				b, err := os.ReadFile(v[1:])
				if err != nil {
					return fmt.Errorf("%s:@…: %w", o.Name, err)
				}
				id := strconv.Itoa(len(uploads) + 1)
				url := "try-upload://" + id
				uploads[url] = b
				if data.Resolved == nil {
					data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{}
				}
				if data.Resolved.Attachments == nil {
					data.Resolved.Attachments = map[string]*discordgo.MessageAttachment{}
				}
				data.Resolved.Attachments[id] = &discordgo.MessageAttachment{ID: id, Filename: filepath.Base(v[1:]), Size: len(b), URL: url}
				o.Type, o.Value = discordgo.ApplicationCommandOptionAttachment, id
			}
			if err := walk(o.Options); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(data.Options)
}

// commandName is the name of the command in a typed line ("/review …").
func commandName(line string) string {
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "/"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// known says whether name is a command's, or its name in locale.
func known(defs []*discordgo.ApplicationCommand, name, locale string) bool {
	for _, d := range defs {
		if d.Name == name || (locale != "" && d.NameLocalizations != nil && (*d.NameLocalizations)[discordgo.Locale(locale)] == name) {
			return true
		}
	}
	return false
}

func commandList(defs []*discordgo.ApplicationCommand) string {
	var names []string
	for _, d := range defs {
		if d.Type > discordgo.ChatApplicationCommand {
			continue // right-click commands: --message-command, --user-command
		}
		names = append(names, "/"+d.Name)
	}
	return strings.Join(names, ", ")
}

// printPoster shows what the bot would post in channels.
type printPoster struct{ w io.Writer }

func (p printPoster) PostMessage(_ context.Context, _, channel string, e *discordgo.MessageEmbed) (string, error) {
	fmt.Fprintf(p.w, "(posted in channel %s:)\n%s", channel, Render(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{e}}}))
	return "1", nil
}

func (p printPoster) StartThread(_ context.Context, _, _, name string) (string, error) {
	fmt.Fprintf(p.w, "(thread started: %s)\n", name)
	return "2", nil
}

// saveFiles writes attachments into dir, or says how to get them.
func saveFiles(dir string, files []*discordgo.File, stdout io.Writer) error {
	for _, f := range files {
		if dir == "" {
			fmt.Fprintf(stdout, "(attached %s: save it with --files DIR)\n", f.Name)
			continue
		}
		data, err := io.ReadAll(f.Reader)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path := filepath.Join(dir, filepath.Base(f.Name))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "(attached %s: saved to %s)\n", f.Name, path)
	}
	return nil
}

// recorder is the Responder of filmbot try: it keeps what would be sent.
type recorder struct {
	mu   sync.Mutex
	sent []any
}

func (r *recorder) add(v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, v)
}

func (r *recorder) InteractionRespond(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.add(resp)
	return nil
}

func (r *recorder) InteractionResponseEdit(_ *discordgo.Interaction, e *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.add(e)
	return &discordgo.Message{}, nil
}

// InteractionResponseEditFlags keeps an edit that carries message flags:
// a deferred answer that becomes a layout card (bot.FlagsEditor).
func (r *recorder) InteractionResponseEditFlags(_ *discordgo.Interaction, e *bot.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.add(e)
	return &discordgo.Message{}, nil
}

var _ bot.FlagsEditor = (*recorder)(nil)

// editResponse is an edit of the original response as the message it
// leaves, for Render.
func editResponse(e *discordgo.WebhookEdit, flags discordgo.MessageFlags) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{Flags: flags}
	if e.Content != nil {
		d.Content = *e.Content
	}
	if e.Embeds != nil {
		d.Embeds = *e.Embeds
	}
	if e.Components != nil {
		d.Components = *e.Components
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

func (r *recorder) InteractionResponseDelete(*discordgo.Interaction, ...discordgo.RequestOption) error {
	r.add("(the thinking message is deleted)")
	return nil
}

func (r *recorder) FollowupMessageCreate(_ *discordgo.Interaction, _ bool, p *discordgo.WebhookParams, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.add(p)
	return &discordgo.Message{}, nil
}

func (p printPoster) PostPoll(_ context.Context, _, channel, content, question string, answers []string, hours int) (string, error) {
	fmt.Fprintf(p.w, "(poll posted in channel %s for %d hours:)\n%s\n%s\n", channel, hours, content, question)
	for k, a := range answers {
		fmt.Fprintf(p.w, "  %d. %s\n", k+1, a)
	}
	return "3", nil
}

func (p printPoster) EndPoll(_ context.Context, _, _ string) ([]int, error) {
	return nil, errors.New("filmbot try runs no movie night's later steps")
}

func (p printPoster) CreateEvent(_ context.Context, _, name, _, _, _ string, start, _ time.Time) (string, error) {
	fmt.Fprintf(p.w, "(event created: %s, %s)\n", name, start.Format(time.RFC3339))
	return "4", nil
}

func (p printPoster) DeleteEvent(_ context.Context, _, id string) error {
	fmt.Fprintf(p.w, "(event %s deleted)\n", id)
	return nil
}

// FindPost finds nothing: filmbot try runs no step twice.
func (p printPoster) FindPost(context.Context, string, string) (string, error) { return "", nil }

// FindEvent finds nothing, as FindPost.
func (p printPoster) FindEvent(context.Context, string, string) (string, error) { return "", nil }

func (p printPoster) PostCard(_ context.Context, _, channel, content string, e *discordgo.MessageEmbed, rows []discordgo.MessageComponent, _ string) (string, error) {
	fmt.Fprintf(p.w, "(posted in channel %s:)\n%s", channel, Render(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content, Embeds: []*discordgo.MessageEmbed{e}, Components: rows}}))
	return "5", nil
}
