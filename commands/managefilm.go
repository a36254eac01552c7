package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
	"golang.org/x/text/unicode/norm"
)

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
