package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

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

// alreadyHere says a film is already in the catalog a server sees.
func alreadyHere(f storage.Film, scope storage.Scope) error {
	if f.Scope == scope {
		return userErr("**%s** is already here: this server's film, linked to TMDB. See `/film film:%s`.", labelMD(f), inCode(f.Title, 100))
	}
	return userErr("**%s** is already in the catalog, from TMDB. See `/film film:%s`.", labelMD(f), inCode(f.Title, 100))
}

// fromTMDB resolves what a moderator typed in tmdb: into the shared
// catalog, fetching the film when it is not stored yet.
func (s *Set) fromTMDB(ctx context.Context, value string) (storage.Film, error) {
	ref, err := source.ParseRef(value)
	if err != nil {
		return storage.Film{}, err
	}
	f, err := s.source.ResolveRef(ctx, ref) // a nil source answers ErrOff
	if errors.Is(err, storage.ErrNotFound) {
		return f, userErr("TMDB has no film `%s`. Leave out `tmdb:` to type the film in with the form.", inCode(value, 100))
	}
	return f, err
}

// filmAddTMDB answers /manage film add tmdb:: the film is fetched from
// TMDB and stored in the shared catalog, which every server sees.
func (s *Set) filmAddTMDB(ctx context.Context, scope storage.Scope, value string) (*discordgo.InteractionResponse, error) {
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
			return nil, alreadyHere(f, scope)
		}
	}
	f, err := s.fromTMDB(ctx, value)
	if err != nil {
		return nil, err
	}
	if o, ok := linkedHere(films, scope, f.TMDB); ok {
		return nil, alreadyHere(o, scope)
	}
	for _, o := range films {
		if o.Scope == scope && o.TMDB == 0 && o.Year == f.Year && storage.TitleKey(o.Title) == storage.TitleKey(f.Title) {
			return nil, userErr("This server added **%s** by hand. Link it to TMDB's with `/manage film link film:%s tmdb:%d`.", labelMD(o), inCode(o.Title, 100), f.TMDB)
		}
	}
	by := ""
	if len(f.Directors) > 0 {
		by = ", directed by " + plain(strings.Join(f.Directors[:min(len(f.Directors), 3)], ", "), 200)
	}
	return Reply(fmt.Sprintf("Added **%s** from TMDB to the shared catalog%s (%d in the cast). See it with `/film film:%s`; post a review with `/manage review add film:%s`.",
		labelMD(f), by, len(f.Cast), inCode(f.Title, 100), inCode(f.Title, 100))), nil
}

// filmLink answers /manage film link: this server's film (one a
// moderator added by hand) gets the TMDB and IMDb ids of its TMDB film.
// It stays this server's, with its own title, credits, reviews and
// ratings; the TMDB film is fetched into the shared catalog if it is not
// there yet.
func (s *Set) filmLink(ctx context.Context, scope storage.Scope, filmValue, value string) (*discordgo.InteractionResponse, error) {
	own, err := s.ownFilm(ctx, scope, filmValue)
	if err != nil {
		return nil, err
	}
	if _, err := source.ParseRef(value); err != nil {
		return nil, err
	}
	tf, err := s.fromTMDB(ctx, value)
	if err != nil {
		return nil, err
	}
	if own.TMDB == tf.TMDB {
		return Reply(fmt.Sprintf("**%s** is already linked to TMDB's **%s** (%s).", labelMD(own), labelMD(tf), tmdbLink(tf.TMDB))), nil
	}
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	for _, o := range films {
		if o.Scope == scope && o.ID != own.ID && o.TMDB == tf.TMDB {
			return nil, userErr("**%s** here is already linked to TMDB's **%s**: a TMDB film links to one film of a server.", labelMD(o), labelMD(tf))
		}
	}
	own.TMDB, own.IMDb = tf.TMDB, tf.IMDb
	linked, err := s.films.UpdateFilm(ctx, scope, own)
	if errors.Is(err, storage.ErrExists) {
		return nil, userErr("**%s** cannot be linked: the catalog already has a film of that title and year (**%s**).", labelMD(own), labelMD(linked))
	}
	if err != nil {
		return nil, notFound(err, "That film was removed meanwhile.")
	}
	return Reply(fmt.Sprintf("Linked **%s**, this server's film, to TMDB's **%s** (%s). Its reviews and ratings stay as they are.",
		labelMD(linked), labelMD(tf), tmdbLink(tf.TMDB))), nil
}

// ownFilm resolves a film this server may change (not a built-in one).
func (s *Set) ownFilm(ctx context.Context, scope storage.Scope, value string) (storage.Film, error) {
	film, err := s.resolveBy(ctx, scope, value, s.films.Film) // whole: an edit starts from it
	if err != nil {
		return film, err
	}
	if film.Scope != scope {
		return film, userErr("**%s** is in the built-in catalog, which servers cannot change. You can post your own review of it.", labelMD(film))
	}
	return film, nil
}

// filmModal is the form for a film's title, year, directors, cast and aliases.
func filmModal(customID, title string, f storage.Film) *discordgo.InteractionResponse {
	year := ""
	if f.Year != 0 {
		year = strconv.Itoa(f.Year)
	}
	var cast []string
	for _, r := range f.Cast {
		cast = append(cast, r.Actor+" — "+r.Role)
	}
	return modal(customID, title,
		textInput("title", "Title", discordgo.TextInputShort, f.Title, true, maxTitle, ""),
		textInput("year", "Year", discordgo.TextInputShort, year, true, 4, "e.g. 2024"),
		textInput("directors", "Director(s), comma-separated", discordgo.TextInputShort, strings.Join(f.Directors, ", "), false, 300, ""),
		textInput("cast", "Cast: one \"Actor — Role\" a line", discordgo.TextInputParagraph, strings.Join(cast, "\n"), false, maxParagraph, "Mikey Madison — Ani"),
		textInput("aliases", "Other names, comma-separated", discordgo.TextInputShort, strings.Join(f.Aliases, ", "), false, 300, ""),
	)
}

// parseFilm reads the film form, keeping what the form does not hold.
func parseFilm(v map[string]string, f storage.Film) (storage.Film, error) {
	title, err := cleanLine("The title", v["title"])
	if err != nil {
		return f, err
	}
	if f.Title = title; !visibleText(title) || len([]rune(title)) > maxTitle {
		return f, userErr("A title is 1 to %d characters, with at least one letter or digit.", maxTitle)
	}
	year, err := strconv.Atoi(strings.TrimSpace(norm.NFKC.String(v["year"])))
	if err != nil || year < 1870 || year > 2100 {
		return f, userErr("The year must be a number like 2024 (1870 to 2100), not %q.", clip(v["year"], 20))
	}
	f.Year = year
	if f.Directors, err = splitList("A director's name", v["directors"]); err != nil {
		return f, err
	}
	if f.Aliases, err = splitList("An other name", v["aliases"]); err != nil {
		return f, err
	}
	var cast []storage.Role
	notes := map[string]string{}
	for _, r := range f.Cast {
		notes[r.Actor+"\x00"+r.Role] = r.Note
	}
	castText, err := cleanText("The cast", v["cast"])
	if err != nil {
		return f, err
	}
	for n, line := range strings.Split(castText, "\n") {
		if line, err = cleanLine(fmt.Sprintf("Cast line %d", n+1), line); err != nil {
			return f, err
		}
		if line == "" {
			continue
		}
		actor, role, ok := cutAny(line, " — ", " – ", " - ", "—", "--")
		actor, role = strings.TrimSpace(actor), strings.TrimSpace(role)
		if !ok || !visibleText(actor) || !visibleText(role) {
			return f, userErr("Cast line %d (%q) is not \"Actor — Role\".", n+1, clip(line, 80))
		}
		cast = append(cast, storage.Role{Actor: clip(actor, 200), Role: clip(role, 200), Note: notes[actor+"\x00"+role]})
	}
	if len(cast) > maxCastLines {
		return f, userErr("At most %d cast lines.", maxCastLines)
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

// splitList reads a comma-separated list of names, each cleaned.
func splitList(what, s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p, err := cleanLine(what, p)
		if err != nil {
			return nil, err
		}
		if visibleText(p) {
			out = append(out, clip(p, 100))
		}
	}
	return out, nil
}

// modFilm handles the film form's submit and the removal buttons.
func (s *Set) modFilm(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	if i.Type == discordgo.InteractionModalSubmit {
		v := modalValues(i)
		var f storage.Film
		if c.action == "edit" {
			if f, err = s.films.Film(ctx, scope, c.args[0]); err != nil {
				return nil, notFound(err, "That film was removed meanwhile.")
			}
		}
		f, err := parseFilm(v, f)
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
			return nil, userErr("That form is out of date.")
		}
		if errors.Is(err, storage.ErrExists) {
			return nil, userErr("**%s** is already here: see `/film film:%s`. A remake needs its own year.", labelMD(f), inCode(f.Title, 100))
		}
		if errors.Is(err, storage.ErrBuiltIn) {
			return nil, userErr("The built-in catalog cannot be changed by a server.")
		}
		if err != nil {
			return nil, notFound(err, "That film was removed meanwhile.")
		}
		verb := "Added"
		if c.action == "edit" {
			verb = "Saved"
		}
		return Reply(fmt.Sprintf("%s **%s** (%d in the cast). Post a review with `/manage review add film:%s`.", verb, labelMD(f), len(f.Cast), inCode(f.Title, 100))), nil
	}
	switch c.action {
	case "remove":
		film, err := s.films.Film(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, "That film was already removed.")
		}
		revs, rates, err := s.films.FilmUsage(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		if err := s.films.DeleteFilm(ctx, scope, film.ID); err != nil {
			if errors.Is(err, storage.ErrBuiltIn) {
				return nil, userErr("The built-in catalog cannot be changed by a server.")
			}
			return nil, notFound(err, "That film was already removed.")
		}
		return updateText(fmt.Sprintf("Removed **%s**, with %s and %s.", labelMD(film), plural(revs, "review"), plural(rates, "rating"))), nil
	case "keep":
		return updateText("Kept it."), nil
	}
	return nil, errStaleButton
}
