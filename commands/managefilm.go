package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"golang.org/x/text/unicode/norm"
)

// maxRef bounds what a moderator types in tmdb: (a TMDB link is some 80
// characters).
const maxRef = 200

// tmdbOption is the tmdb: option of /manage film add and link.
func tmdbOption(desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "tmdb", Description: desc,
		Required: required, MaxLength: maxRef}
}

// linkedHere finds the film visible in scope that stands for TMDB film
// tmdbID: this server's film linked to it first, then the shared
// catalog's.
func linkedHere(films []storage.Film, scope storage.Scope, tmdbID uint64) (storage.Film, bool) {
	var shared storage.Film
	found := false
	for _, f := range films {
		if f.TMDB != tmdbID {
			continue
		}
		if f.Scope == scope {
			return f, true
		}
		shared, found = f, true
	}
	return shared, found
}

var (
	msgFilmHereOwn    = locale.Text("manage.film.here.own", "**{{.Film}}** is already here: this server's film, linked to TMDB. See `/film film:{{.Title}}`.")
	msgFilmHereShared = locale.Text("manage.film.here.shared", "**{{.Film}}** is already in the catalog, from TMDB. See `/film film:{{.Title}}`.")
	msgFilmNoTMDB     = locale.Text("manage.film.tmdb.none", "TMDB has no film `{{.Ref}}`. Leave out `tmdb:` to type the film in with the form.")
	msgFilmByHand     = locale.Text("manage.film.by.hand", "This server added **{{.Film}}** by hand. Link it to TMDB's with `/manage film link film:{{.Title}} tmdb:{{.TMDB}}`.")
	// By the cast's size, so that a language can say "5 actors".
	msgFilmAddedTMDB = locale.Plural("manage.film.added.tmdb",
		"Added **{{.Film}}** from TMDB to the shared catalog ({{.Count}} in the cast). See it with `/film film:{{.Title}}`; post a review with `/manage review add film:{{.Title}}`.",
		"Added **{{.Film}}** from TMDB to the shared catalog ({{.Count}} in the cast). See it with `/film film:{{.Title}}`; post a review with `/manage review add film:{{.Title}}`.")
	msgFilmAddedTMDBBy = locale.Plural("manage.film.added.tmdb.directed",
		"Added **{{.Film}}** from TMDB to the shared catalog, directed by {{.Directors}} ({{.Count}} in the cast). See it with `/film film:{{.Title}}`; post a review with `/manage review add film:{{.Title}}`.",
		"Added **{{.Film}}** from TMDB to the shared catalog, directed by {{.Directors}} ({{.Count}} in the cast). See it with `/film film:{{.Title}}`; post a review with `/manage review add film:{{.Title}}`.")
	msgFilmLinkedAlready = locale.Text("manage.film.link.already", "**{{.Film}}** is already linked to TMDB's **{{.TMDBFilm}}** ({{.Link}}).")
	msgFilmLinkTaken     = locale.Text("manage.film.link.taken", "**{{.Film}}** here is already linked to TMDB's **{{.TMDBFilm}}**: a TMDB film links to one film of a server.")
	msgFilmLinkExists    = locale.Text("manage.film.link.exists", "**{{.Film}}** cannot be linked: the catalog already has a film of that title and year (**{{.Other}}**).")
	msgFilmGoneMeanwhile = locale.Text("manage.film.gone.meanwhile", "That film was removed meanwhile.")
	msgFilmLinked        = locale.Text("manage.film.linked", "Linked **{{.Film}}**, this server's film, to TMDB's **{{.TMDBFilm}}** ({{.Link}}). Its reviews and ratings stay as they are.")
	msgFilmBuiltIn       = locale.Text("manage.film.builtin", "**{{.Film}}** is in the built-in catalog, which servers cannot change. You can post your own review of it.")
)

// alreadyHere says a film is already in the catalog a server sees.
func alreadyHere(t *locale.T, f storage.Film, scope storage.Scope) error {
	msg := msgFilmHereShared
	if f.Scope == scope {
		msg = msgFilmHereOwn
	}
	return userText(t.F(msg, "Film", labelMD(f), "Title", inCode(f.Title, 100)))
}

// fromTMDB resolves what a moderator typed in tmdb: into the shared
// catalog, fetching the film when it is not stored yet.
func (s *Set) fromTMDB(ctx context.Context, t *locale.T, value string) (storage.Film, error) {
	ref, err := source.ParseRef(value)
	if err != nil {
		return storage.Film{}, err
	}
	f, err := s.source.ResolveRef(ctx, ref) // a nil source answers ErrOff
	if errors.Is(err, storage.ErrNotFound) {
		return f, userText(t.F(msgFilmNoTMDB, "Ref", inCode(value, 100)))
	}
	return f, err
}

// filmAddTMDB answers /manage film add tmdb:: the film is fetched from
// TMDB and stored in the shared catalog, which every server sees.
func (s *Set) filmAddTMDB(ctx context.Context, t *locale.T, scope storage.Scope, value string) (*discordgo.InteractionResponse, error) {
	ref, err := source.ParseRef(value)
	if err != nil {
		return nil, err
	}
	if s.source == nil {
		return nil, source.ErrOff
	}
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	if ref.TMDB != 0 { // known without asking TMDB
		if f, ok := linkedHere(films, scope, uint64(ref.TMDB)); ok {
			return nil, alreadyHere(t, f, scope)
		}
	}
	f, err := s.fromTMDB(ctx, t, value)
	if err != nil {
		return nil, err
	}
	if o, ok := linkedHere(films, scope, f.TMDB); ok {
		return nil, alreadyHere(t, o, scope)
	}
	for _, o := range films {
		if o.Scope == scope && o.TMDB == 0 && o.Year == f.Year && storage.TitleKey(o.Title) == storage.TitleKey(f.Title) {
			return nil, userText(t.F(msgFilmByHand, "Film", labelMD(o), "Title", inCode(o.Title, 100), "TMDB", strconv.FormatUint(f.TMDB, 10)))
		}
	}
	msg, by := msgFilmAddedTMDB, ""
	if len(f.Directors) > 0 {
		msg, by = msgFilmAddedTMDBBy, plain(strings.Join(f.Directors[:min(len(f.Directors), 3)], ", "), 200)
	}
	return Reply(t.N(msg, len(f.Cast), "Film", labelMD(f), "Directors", by, "Title", inCode(f.Title, 100))), nil
}

// filmLink answers /manage film link: this server's film (one a
// moderator added by hand) gets the TMDB and IMDb ids of its TMDB film.
// It stays this server's, with its own title, credits, reviews and
// ratings; the TMDB film is fetched into the shared catalog if it is not
// there yet.
func (s *Set) filmLink(ctx context.Context, t *locale.T, scope storage.Scope, filmValue, value string) (*discordgo.InteractionResponse, error) {
	own, err := s.ownFilm(ctx, t, scope, filmValue)
	if err != nil {
		return nil, err
	}
	if _, err := source.ParseRef(value); err != nil {
		return nil, err
	}
	tf, err := s.fromTMDB(ctx, t, value)
	if err != nil {
		return nil, err
	}
	if own.TMDB == tf.TMDB {
		return Reply(t.F(msgFilmLinkedAlready, "Film", labelMD(own), "TMDBFilm", labelMD(tf), "Link", tmdbLink(tf.TMDB))), nil
	}
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	for _, o := range films {
		if o.Scope == scope && o.ID != own.ID && o.TMDB == tf.TMDB {
			return nil, userText(t.F(msgFilmLinkTaken, "Film", labelMD(o), "TMDBFilm", labelMD(tf)))
		}
	}
	own.TMDB, own.IMDb = tf.TMDB, tf.IMDb
	linked, err := s.films.UpdateFilm(ctx, scope, own)
	if errors.Is(err, storage.ErrExists) {
		return nil, userText(t.F(msgFilmLinkExists, "Film", labelMD(own), "Other", labelMD(linked)))
	}
	if err != nil {
		return nil, notFound(err, t.S(msgFilmGoneMeanwhile))
	}
	return Reply(t.F(msgFilmLinked, "Film", labelMD(linked), "TMDBFilm", labelMD(tf), "Link", tmdbLink(tf.TMDB))), nil
}

// ownFilm resolves a film this server may change (not a built-in one).
func (s *Set) ownFilm(ctx context.Context, t *locale.T, scope storage.Scope, value string) (storage.Film, error) {
	film, err := s.resolveFilm(ctx, scope, value, t.Locale(), s.films.Film) // whole: an edit starts from it
	if err != nil {
		return film, err
	}
	if film.Scope != scope {
		return film, userText(t.F(msgFilmBuiltIn, "Film", labelMD(film)))
	}
	return film, nil
}

var (
	msgFilmFormTitle     = locale.Text("manage.film.form.title", "Title")
	msgFilmFormYear      = locale.Text("manage.film.form.year", "Year")
	msgFilmFormYearHint  = locale.Text("manage.film.form.year.hint", "e.g. 2024")
	msgFilmFormDirectors = locale.Text("manage.film.form.directors", "Director(s), comma-separated")
	msgFilmFormCast      = locale.Text("manage.film.form.cast", "Cast: one \"Actor — Role\" a line")
	msgFilmFormAliases   = locale.Text("manage.film.form.aliases", "Other names, comma-separated")
	// The descriptions under the form's labels (at most 100 characters).
	msgFilmFormTitleDesc     = locale.Text("manage.film.form.title.desc", "The title members will search for.")
	msgFilmFormYearDesc      = locale.Text("manage.film.form.year.desc", "The year of release (1870 to 2100): it tells remakes apart.")
	msgFilmFormDirectorsDesc = locale.Text("manage.film.form.directors.desc", "Several names separated by commas.")
	msgFilmFormCastDesc      = locale.Text("manage.film.form.cast.desc", "One actor and their role a line, with a dash between them.")
	msgFilmFormAliasesDesc   = locale.Text("manage.film.form.aliases.desc", "Other titles members may search for, separated by commas.")
)

// filmModal is the form for a film's title, year, directors, cast and aliases.
func filmModal(t *locale.T, customID, title string, f storage.Film) *discordgo.InteractionResponse {
	year := ""
	if f.Year != 0 {
		year = strconv.Itoa(f.Year)
	}
	var cast []string
	for _, r := range f.Cast {
		cast = append(cast, r.Actor+" — "+r.Role)
	}
	return modal(customID, title,
		textInput("title", t.S(msgFilmFormTitle), t.S(msgFilmFormTitleDesc), discordgo.TextInputShort, f.Title, true, maxTitle, ""),
		textInput("year", t.S(msgFilmFormYear), t.S(msgFilmFormYearDesc), discordgo.TextInputShort, year, true, 4, t.S(msgFilmFormYearHint)),
		textInput("directors", t.S(msgFilmFormDirectors), t.S(msgFilmFormDirectorsDesc), discordgo.TextInputShort, strings.Join(f.Directors, ", "), false, 300, ""),
		// The example is names: the same in every language.
		textInput("cast", t.S(msgFilmFormCast), t.S(msgFilmFormCastDesc), discordgo.TextInputParagraph, strings.Join(cast, "\n"), false, maxParagraph, "Mikey Madison — Ani"),
		textInput("aliases", t.S(msgFilmFormAliases), t.S(msgFilmFormAliasesDesc), discordgo.TextInputShort, strings.Join(f.Aliases, ", "), false, 300, ""),
	)
}

var (
	msgFilmBadTitle   = locale.Text("manage.film.title.bad", "A title is 1 to {{.Max}} characters, with at least one letter or digit.")
	msgFilmBadYear    = locale.Text("manage.film.year.bad", "The year must be a number like 2024 (1870 to 2100), not {{.Value}}.")
	msgFilmBadCast    = locale.Text("manage.film.cast.bad", "Cast line {{.Line}} ({{.Value}}) is not \"Actor — Role\".")
	msgFilmCastTooBig = locale.Plural("manage.film.cast.max", "At most {{.Count}} cast line.", "At most {{.Count}} cast lines.")
	// The form's fields as a refusal names them (common.text.…): a
	// label each language can put before its sentence.
	msgFieldTitle    = locale.Text("manage.film.field.title", "The title")
	msgFieldDirector = locale.Text("manage.film.field.director", "A director's name")
	msgFieldAlias    = locale.Text("manage.film.field.alias", "An other name")
	msgFieldCast     = locale.Text("manage.film.field.cast", "The cast")
	msgFieldCastLine = locale.Text("manage.film.field.castline", "Cast line {{.Line}}")
)

// parseFilm reads the film form, keeping what the form does not hold.
func parseFilm(t *locale.T, v map[string]string, f storage.Film) (storage.Film, error) {
	title, err := cleanLineIn(t, t.S(msgFieldTitle), v["title"])
	if err != nil {
		return f, err
	}
	if f.Title = title; !visibleText(title) || len([]rune(title)) > maxTitle {
		return f, userText(t.F(msgFilmBadTitle, "Max", t.Int(maxTitle)))
	}
	year, err := strconv.Atoi(strings.TrimSpace(norm.NFKC.String(v["year"])))
	if err != nil || year < 1870 || year > 2100 {
		return f, userText(t.F(msgFilmBadYear, "Value", strconv.Quote(clip(v["year"], 20))))
	}
	f.Year = year
	if f.Directors, err = splitList(t, t.S(msgFieldDirector), v["directors"]); err != nil {
		return f, err
	}
	if f.Aliases, err = splitList(t, t.S(msgFieldAlias), v["aliases"]); err != nil {
		return f, err
	}
	var cast []storage.Role
	notes := map[string]string{}
	for _, r := range f.Cast {
		notes[r.Actor+"\x00"+r.Role] = r.Note
	}
	castText, err := cleanTextIn(t, t.S(msgFieldCast), v["cast"])
	if err != nil {
		return f, err
	}
	for n, line := range strings.Split(castText, "\n") {
		if line, err = cleanLineIn(t, t.F(msgFieldCastLine, "Line", t.Int(n+1)), line); err != nil {
			return f, err
		}
		if line == "" {
			continue
		}
		actor, role, ok := cutAny(line, " — ", " – ", " - ", "—", "--")
		actor, role = strings.TrimSpace(actor), strings.TrimSpace(role)
		if !ok || !visibleText(actor) || !visibleText(role) {
			return f, userText(t.F(msgFilmBadCast, "Line", t.Int(n+1), "Value", strconv.Quote(clip(line, 80))))
		}
		cast = append(cast, storage.Role{Actor: clip(actor, 200), Role: clip(role, 200), Note: notes[actor+"\x00"+role]})
	}
	if len(cast) > maxCastLines {
		return f, userText(t.N(msgFilmCastTooBig, maxCastLines))
	}
	f.Cast = cast
	return f, nil
}

func cutAny(s string, seps ...string) (string, string, bool) {
	for _, sep := range seps {
		if a, b, ok := strings.Cut(s, sep); ok {
			return a, b, true
		}
	}
	return s, "", false
}

// splitList reads a comma-separated list of names, each cleaned; what
// names the field in t's language.
func splitList(t *locale.T, what, s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p, err := cleanLineIn(t, what, p)
		if err != nil {
			return nil, err
		}
		if visibleText(p) {
			out = append(out, clip(p, 100))
		}
	}
	return out, nil
}

var (
	msgFilmExists = locale.Text("manage.film.exists", "**{{.Film}}** is already here: see `/film film:{{.Title}}`. A remake needs its own year.")
	// By the cast's size, so that a language can say "5 actors".
	msgFilmAdded       = locale.Plural("manage.film.added", "Added **{{.Film}}** ({{.Count}} in the cast). Post a review with `/manage review add film:{{.Title}}`.", "Added **{{.Film}}** ({{.Count}} in the cast). Post a review with `/manage review add film:{{.Title}}`.")
	msgFilmSaved       = locale.Plural("manage.film.saved", "Saved **{{.Film}}** ({{.Count}} in the cast). Post a review with `/manage review add film:{{.Title}}`.", "Saved **{{.Film}}** ({{.Count}} in the cast). Post a review with `/manage review add film:{{.Title}}`.")
	msgFilmAlreadyGone = locale.Text("manage.film.gone", "That film was already removed.")
	msgFilmRemoved     = locale.Text("manage.film.removed", "Removed **{{.Film}}**, with {{.Reviews}} and {{.Ratings}}.")
)

// modFilm handles the film form's submit and the removal buttons.
func (s *Set) modFilm(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if i.Type == discordgo.InteractionModalSubmit {
		v := modalValues(i)
		var f storage.Film
		if c.action == "edit" {
			if f, err = s.films.Film(ctx, scope, c.args[0]); err != nil {
				return nil, notFound(err, t.S(msgFilmGoneMeanwhile))
			}
		}
		f, err := parseFilm(t, v, f)
		if err != nil {
			return nil, err
		}
		switch c.action {
		case "add":
			f.CreatedBy = userID(i)
			f, err = s.films.CreateFilm(ctx, scope, f)
		case "edit":
			f, err = s.films.UpdateFilm(ctx, scope, f)
		default:
			return nil, userText(t.S(msgManageStaleForm))
		}
		if errors.Is(err, storage.ErrExists) {
			return nil, userText(t.F(msgFilmExists, "Film", labelMD(f), "Title", inCode(f.Title, 100)))
		}
		if errors.Is(err, storage.ErrBuiltIn) {
			return nil, userText(t.S(msgManageBuiltIn))
		}
		if err != nil {
			return nil, notFound(err, t.S(msgFilmGoneMeanwhile))
		}
		msg := msgFilmAdded
		if c.action == "edit" {
			msg = msgFilmSaved
		}
		return Reply(t.N(msg, len(f.Cast), "Film", labelMD(f), "Title", inCode(f.Title, 100))), nil
	}
	switch c.action {
	case "remove":
		film, err := s.films.Film(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, t.S(msgFilmAlreadyGone))
		}
		revs, rates, err := s.films.FilmUsage(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		if err := s.films.DeleteFilm(ctx, scope, film.ID); err != nil {
			if errors.Is(err, storage.ErrBuiltIn) {
				return nil, userText(t.S(msgManageBuiltIn))
			}
			return nil, notFound(err, t.S(msgFilmAlreadyGone))
		}
		return updateText(t.F(msgFilmRemoved, "Film", labelMD(film), "Reviews", t.N(msgManageReviews, revs), "Ratings", t.N(msgManageRatings, rates))), nil
	case "keep":
		return updateText(t.S(msgManageKept)), nil
	}
	return nil, staleButton(t)
}
