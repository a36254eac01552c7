// Package commands is what filmbot does: each slash command's definition
// beside its handler, and the handlers of the buttons those commands put
// on messages. A handler takes an interaction and returns the response for
// the bot to send; nothing here talks to Discord.
//
// Where things go, one file per command group:
//   - commands.go: Set, the list of commands (one line each), option and
//     custom_id parsing, the caller (userID, scopeOf).
//   - respond.go: responses (message, ephemeral, Reply, update, updateText,
//     modal); pages.go: the one helper for every paged list (list, showList).
//   - manage.go: /manage's definition, dispatcher and autocomplete;
//     managefilm.go and managereview.go: its film and review forms and
//     buttons; announce.go: a new review's announcement (Poster).
//   - permissions.go: who moderates, and the invite's permissions;
//     settings.go: /settings.
//   - ratings.go (/rate, the card's Rate menu, /ratings, /top, /myratings),
//     reviews.go (/review), watchlist.go, compare.go, cast.go, film.go,
//     letterboxd.go (/import, /export, film import), movienight.go (the
//     /movienight adapter of package nights), help.go.
//   - installs.go: a member's own install (user install) of filmbot, in
//     servers that have not added it: which commands answer, and how.
//   - catalog.go: film autocomplete and resolving a typed film; markup.go
//     and text.go: escaping and cleaning text.
//
// A command's buttons travel with it (Command.Components), so adding a
// command is its file and one line in Commands.
package commands

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/nights"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
)

// Handler answers one interaction. A *storage.Error with a Msg is shown to
// the user as it is; any other error is the bot's fault.
type Handler = func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error)

// Command is a slash command: its definition for registration, the handler
// that runs it, and the handler for its autocomplete, if any.
type Command struct {
	Def          *discordgo.ApplicationCommand
	Run          Handler
	Autocomplete Handler
	// Private commands answer only the caller (ephemeral).
	Private bool
	// Components handle the buttons, menus and forms the command puts
	// on messages, by the first part of their custom_id.
	Components map[string]Handler
}

// userErr is a mistake the user can fix, shown to them ephemerally.
func userErr(format string, a ...any) error { return storage.Invalid(format, a...) }

// Set holds the commands over one store.
type Set struct {
	// The store, one field per role: each handler and job uses the
	// roles it needs.
	films          storage.Catalog
	reviews        storage.Reviews
	rates          storage.Ratings
	watchlists     storage.Watchlists
	pending        storage.Pending
	serverSettings storage.ServerSettings
	poster         Poster
	fetch          Fetcher
	catalog        *catalog
	rand           func(n int) int
	nights         *nights.Service  // movie nights; without actions (WithScreener), none
	follow         Followup         // further messages after an answer; nil: none
	source         *source.Resolver // films from TMDB; nil: this catalog only
	suggestBudget  time.Duration    // autocomplete's wait for TMDB; 0: SuggestBudget
	recs           *recModels       // each server's recommendation model
	voices         VoiceStates      // who is in which voice channel; nil: no gateway
}

// New returns the commands reading and writing store.
func New(store storage.Store) *Set {
	return &Set{films: store, reviews: store, rates: store, watchlists: store, pending: store, serverSettings: store,
		catalog: newCatalog(store), rand: rand.IntN, nights: nights.New(store), recs: newRecModels(store)}
}

// WithSource sets where films not in the catalog are looked up (TMDB);
// without it (or with nil) the commands know only the catalog.
func (s *Set) WithSource(r *source.Resolver) *Set {
	s.source = r
	return s
}

// WithPoster sets how new reviews are announced in channels.
func (s *Set) WithPoster(p Poster) *Set {
	s.poster = p
	return s
}

// WithCacheObserver sets what hears of each autocomplete catalog lookup:
// hit when the cached index was current, false when it was rebuilt.
func (s *Set) WithCacheObserver(f func(hit bool)) *Set {
	s.catalog.observe = f
	return s
}

// WithFetcher sets how attachments are downloaded.
func (s *Set) WithFetcher(f Fetcher) *Set {
	s.fetch = f
	return s
}

// Commands lists every slash command, in the order they are registered,
// each registered for where it works: in servers only, or in the bot's
// DMs as well (on the built-in catalog). Discord then lists a command
// only where it works; its handler still refuses elsewhere, for a client
// that offers a stale list.
func (s *Set) Commands() []Command {
	return forInstalls(append([]Command{
		{Def: where(reviewDef, inServersAndDMs), Run: s.review, Autocomplete: s.reviewAutocomplete,
			Components: map[string]Handler{"rev": s.reviewButton}},
		{Def: where(castDef, inServersAndDMs), Run: s.cast, Autocomplete: s.filmAutocomplete,
			Components: map[string]Handler{"cast": s.castButton}},
		{Def: where(filmDef, inServersAndDMs), Run: s.film, Autocomplete: s.filmAutocomplete},
		{Def: where(rateDef, inServers), Run: s.rate, Autocomplete: s.filmAutocomplete, Private: true,
			Components: map[string]Handler{"rate": s.rateButton}},
		{Def: where(rateMessageDef, inServers), Run: s.rateMessage, Private: true, Components: map[string]Handler{"ratemsg": s.rateFormSubmit}},
		{Def: where(ratingsDef, inServers), Run: s.ratings, Autocomplete: s.filmAutocomplete,
			Components: map[string]Handler{"ratings": s.ratingsButton}},
		{Def: where(topDef, inServers), Run: s.top,
			Components: map[string]Handler{"top": s.topButton, "topdiv": s.divisiveButton}},
		{Def: where(myRatingsDef, inServers), Run: s.myRatings,
			Components: map[string]Handler{"mine": s.mineButton}},
		{Def: where(manageDef, inServers), Run: s.manage, Autocomplete: s.manageAutocomplete, Private: true,
			Components: map[string]Handler{"modrev": s.modReview, "modfilm": s.modFilm, "modimp": s.filmImportButton}},
		{Def: where(settingsDef, inServers), Run: s.settings, Autocomplete: s.settingsAutocomplete, Private: true},
		{Def: where(compareDef, inServers), Run: s.compare,
			Components: map[string]Handler{"compare": s.compareButton}},
		{Def: where(watchlistDef, inServers), Run: s.watchlist, Autocomplete: s.filmAutocomplete,
			Components: map[string]Handler{"wl": s.watchlistButton, "wanted": s.wantedButton}},
		{Def: where(movienightDef, inServers), Run: s.movienight, Private: true},
		{Def: where(importDef, inServers), Run: s.importLetterboxd, Private: true,
			Components: map[string]Handler{"lbimp": s.importButton, "lbform": s.importForm}},
		{Def: where(exportDef, inServers), Run: s.exportLetterboxd, Private: true},
		{Def: where(randomDef, inServers), Run: s.random, Components: map[string]Handler{"random": s.randomButton}},
		{Def: where(recommendDef, inServers), Run: s.recommendCmd, Private: true, Components: map[string]Handler{"rec": s.recommendMenu}},
		{Def: where(helpDef, inServersAndDMs), Run: s.help, Private: true},
	}, s.menuCommands()...))
}

// Where a command works (Discord's contexts): 0 a server, 1 the bot's DM,
// 2 a private channel (DMs and group DMs between users, reached only
// through a member's own install of filmbot; see installs.go).
var (
	inServers       = []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	inServersAndDMs = []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel}
)

// where is def registered for contexts: a copy, so the shared definition
// is never changed. A command that works outside servers (read-only, on
// the built-in catalog) is installable to a member's account as well as
// to a server; one that works in servers only needs the server's install.
func where(def *discordgo.ApplicationCommand, contexts []discordgo.InteractionContextType) *discordgo.ApplicationCommand {
	localizeDef(def)
	d := *def
	c := slices.Clone(contexts)
	d.Contexts = &c
	d.IntegrationTypes = &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	if slices.Contains(c, discordgo.InteractionContextPrivateChannel) {
		d.IntegrationTypes = &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
	}
	return &d
}

// Components maps the first part of a custom_id to the handler of the
// buttons, menus and forms that carry it: the Components of every
// command. Two commands claiming one prefix is a bug, and panics.
func (s *Set) Components() map[string]Handler {
	out := map[string]Handler{}
	for _, c := range s.Commands() {
		for kind, h := range c.Components {
			if _, dup := out[kind]; dup {
				panic(fmt.Sprintf("commands: custom_id prefix %q has two handlers", kind))
			}
			out[kind] = h
		}
	}
	return out
}

// scopeOf is whose catalog an interaction sees: its server's, or in a DM
// (or through a member's own install, in a server that has not added
// filmbot) the built-in one.
func scopeOf(i *discordgo.InteractionCreate) (storage.Scope, error) {
	if UserInstallOnly(i) {
		return storage.BuiltIn, nil
	}
	s, err := storage.ParseScope(i.GuildID)
	if err != nil {
		return 0, fmt.Errorf("interaction %s: %w", i.ID, err)
	}
	return s, nil
}

// optionSet is a command's options (its subcommand's, if it has one).
// Commands have a few: a look along the list costs less than a map.
type optionSet []*discordgo.ApplicationCommandInteractionDataOption

// get is the option called name, or nil.
func (s optionSet) get(name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range s {
		if o != nil && o.Name == name {
			return o
		}
	}
	return nil
}

// options is a command's options (the options of its subcommand, if it
// has one). Callers have checked i.Type.
func options(i *discordgo.InteractionCreate) optionSet {
	opts := i.ApplicationCommandData().Options
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		opts = opts[0].Options
	}
	return opts
}

// What a member is told about options and buttons that make no sense.
var (
	msgNotMember   = locale.Text("common.option.notmember", "That is not a member.")
	msgNotRole     = locale.Text("common.option.notrole", "That is not a role.")
	msgWholeNumber = locale.Text("common.option.whole", "{{.Option}} must be a whole number.")
	msgStaleButton = locale.Text("common.button.stale", "That button is out of date.")
)

// userOption reads a user option as a member's id; given is false when it
// is absent (or of another type). A value that is not an id is the
// user's error, in t's language.
func userOption(t *locale.T, opts optionSet, name string) (id uint64, given bool, err error) {
	o := opts.get(name)
	if o == nil || o.Type != discordgo.ApplicationCommandOptionUser {
		return 0, false, nil
	}
	v, _ := o.Value.(string)
	if id, err = strconv.ParseUint(v, 10, 64); err != nil {
		return 0, true, userText(t.S(msgNotMember))
	}
	return id, true, nil
}

// roleOption reads a role option as its id ("" when absent). @everyone,
// whose id is the server's, is refused: everyone would hold the role.
// everyone says what that would mean, in the member's language.
func roleOption(i *discordgo.InteractionCreate, opts optionSet, name, everyone string) (string, error) {
	role := ""
	if o := opts.get(name); o != nil && o.Type == discordgo.ApplicationCommandOptionRole {
		role, _ = o.Value.(string)
	}
	if _, err := strconv.ParseUint(role, 10, 64); role != "" && err != nil {
		return "", userText(tr(i).S(msgNotRole))
	}
	if role != "" && role == i.GuildID {
		return "", userText(everyone)
	}
	return role, nil
}

// str reads a string option; a value of another type reads as absent.
func str(opts optionSet, name string) string {
	o := opts.get(name)
	if o == nil || o.Type != discordgo.ApplicationCommandOptionString {
		return ""
	}
	s, _ := o.Value.(string)
	return strings.TrimSpace(s)
}

// integer reads an integer option. JSON numbers arrive as float64; a value
// that is not a whole number is the user's error (in t's language), not a
// panic.
func integer(t *locale.T, opts optionSet, name string) (int64, bool, error) {
	o := opts.get(name)
	if o == nil {
		return 0, false, nil
	}
	var f float64
	switch v := o.Value.(type) {
	case float64:
		f = v
	case int64:
		f = float64(v)
	case int:
		f = float64(v)
	case string:
		var err error
		if f, err = strconv.ParseFloat(v, 64); err != nil {
			return 0, false, userText(t.F(msgWholeNumber, "Option", name))
		}
	default:
		return 0, false, userText(t.F(msgWholeNumber, "Option", name))
	}
	if f != float64(int64(f)) {
		return 0, false, userText(t.F(msgWholeNumber, "Option", name))
	}
	return int64(f), true, nil
}

// focused returns the option being typed in an autocomplete interaction.
func focused(i *discordgo.InteractionCreate) (*discordgo.ApplicationCommandInteractionDataOption, bool) {
	opts := i.ApplicationCommandData().Options
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		opts = opts[0].Options
	}
	for _, o := range opts {
		if o != nil && o.Focused {
			return o, true
		}
	}
	return nil, false
}

// customID is a parsed custom_id: "kind:action:arg:arg…", every arg a
// number. Custom ids are built and parsed only here.
type customID struct {
	kind, action string
	args         []uint64
}

func (c customID) String() string {
	var b strings.Builder
	b.WriteString(c.kind + ":" + c.action)
	for _, a := range c.args {
		b.WriteString(":" + strconv.FormatUint(a, 10))
	}
	return b.String()
}

func parseCustomID(s string, nargs int) (customID, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 2+nargs {
		return customID{}, fmt.Errorf("custom_id %q: want %d arguments", s, nargs)
	}
	c := customID{kind: parts[0], action: parts[1]}
	for _, p := range parts[2:] {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return customID{}, fmt.Errorf("custom_id %q: %w", s, err)
		}
		c.args = append(c.args, n)
	}
	return c, nil
}

// componentID returns the custom_id of a button or menu click, "" for
// any other interaction (whose data discordgo would panic to read as one).
func componentID(i *discordgo.InteractionCreate) string {
	if i.Type != discordgo.InteractionMessageComponent {
		return ""
	}
	return i.MessageComponentData().CustomID
}

// staleButton answers a click whose custom_id no longer makes sense, in
// t's language.
func staleButton(t *locale.T) error { return userText(t.S(msgStaleButton)) }

// clicked parses the custom_id of a button or menu click with nargs
// arguments and, if actions are given, one of those actions; a click
// that makes no sense is told so in the member's language.
func clicked(i *discordgo.InteractionCreate, nargs int, actions ...string) (customID, error) {
	c, err := parseCustomID(componentID(i), nargs)
	if err != nil || (len(actions) > 0 && !slices.Contains(actions, c.action)) {
		return customID{}, staleButton(tr(i))
	}
	return c, nil
}

// notFound turns storage.ErrNotFound into a message for the user.
func notFound(err error, msg string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return &storage.Error{Code: storage.CodeInvalid, Msg: msg}
	}
	return err
}

// subcommand returns "group sub" of a command ("review add").
func subcommand(i *discordgo.InteractionCreate) string {
	var path []string
	opts := i.ApplicationCommandData().Options
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	return strings.Join(path, " ")
}

// userID is the id of who made the interaction: the member in a server,
// the user in a DM; "" when Discord sent neither. It is the only place
// that reads the caller's id.
func userID(i *discordgo.InteractionCreate) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// userNumber is userID as a number. Discord always sends the caller, so
// an id that is not a number is the bot's error, not the user's.
func userNumber(i *discordgo.InteractionCreate) (uint64, error) {
	id := userID(i)
	user, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("interaction %s: bad member id %q", i.ID, id)
	}
	return user, nil
}
