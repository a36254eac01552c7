package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
)

// catalog caches, per server, an autocomplete index of the films it sees,
// so autocomplete never waits on more than memory (Discord gives it 3 s and
// no deferral). Moderators' film writes drop the server's index. Servers
// with no films of their own share the built-in catalog's index, and at
// most maxIndexes are kept, so a bot in many servers holds bounded memory.
type catalog struct {
	store Store
	mu    sync.Mutex
	gen   uint64 // counts invalidations: an index read before one is stale
	ix    map[storage.Scope]*search.Index
}

// maxIndexes bounds the cache; a server evicted rebuilds its index on use.
const maxIndexes = 4096

func newCatalog(store Store) *catalog {
	return &catalog{store: store, ix: map[storage.Scope]*search.Index{}}
}

// label is how a film is shown in lists: "Anora (2024)".
func label(f storage.Film) string {
	if f.Year == 0 {
		return f.Title
	}
	return fmt.Sprintf("%s (%d)", f.Title, f.Year)
}

// index returns scope's index, building it on first use.
func (c *catalog) index(scope storage.Scope) (*search.Index, error) {
	c.mu.Lock()
	ix, gen := c.ix[scope], c.gen
	c.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	films, err := c.store.Films(scope)
	if err != nil {
		return nil, fmt.Errorf("catalog %d: %w", scope, err)
	}
	if scope != storage.BuiltIn && !slices.ContainsFunc(films, func(f storage.Film) bool { return f.Scope == scope }) {
		ix, err = c.index(storage.BuiltIn) // the same films: share that index
		if err != nil {
			return nil, err
		}
	} else {
		entries := make([]search.Entry, len(films))
		for i, f := range films {
			names := append([]string{f.Title, label(f)}, f.Aliases...)
			entries[i] = search.Entry{ID: f.ID, Label: label(f), Names: names}
		}
		ix = search.NewIndex(entries)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen { // films changed while we read them: use, but do not keep
		return ix, nil
	}
	if len(c.ix) >= maxIndexes {
		for k := range c.ix { // any one: map order is random
			delete(c.ix, k)
			break
		}
	}
	c.ix[scope] = ix
	return ix, nil
}

// invalidate drops scope's index after its films change; BuiltIn drops all.
func (c *catalog) invalidate(scope storage.Scope) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if scope == storage.BuiltIn {
		clear(c.ix)
		return
	}
	delete(c.ix, scope)
}

// filmNamed resolves the film: option of a command in the catalog the
// interaction sees (its server's, or the built-in one in a DM).
func (s *Set) filmNamed(i *discordgo.InteractionCreate) (storage.Scope, storage.Film, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, storage.Film{}, err
	}
	film, err := s.resolve(scope, str(options(i), "film"))
	return scope, film, err
}

// filmValue is the value autocomplete sends back for a film: its id, so
// that remakes with one title stay apart.
func filmValue(id uint64) string { return "id:" + strconv.FormatUint(id, 10) }

// maxFilmValue is the longest film option we read, the length Discord
// allows a choice value.
const maxFilmValue = limits.ChoiceValue

// resolve finds the film a member named: an autocomplete choice ("id:7"),
// or typed text naming a title or alias, with or without the year. It
// returns a UserError saying what is wrong otherwise.
func (s *Set) resolve(scope storage.Scope, value string) (storage.Film, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return storage.Film{}, userErr("Name a film: start typing and pick one from the list.")
	}
	if len([]rune(value)) > maxFilmValue {
		return storage.Film{}, userErr("That film name is too long (%d characters at most).", maxFilmValue)
	}
	if rest, ok := strings.CutPrefix(value, "id:"); ok {
		if id, err := strconv.ParseUint(rest, 10, 64); err == nil {
			f, err := s.store.Film(scope, id)
			if err == nil {
				return f, nil
			}
			return f, notFound(err, "That film is not in this server's catalog (it may have been removed).")
		}
	}
	ix, err := s.catalog.index(scope)
	if err != nil {
		return storage.Film{}, err
	}
	var exact []search.Hit
	for _, h := range ix.Search(value, 25) {
		if h.Rank == search.RankExact {
			exact = append(exact, h)
		}
	}
	switch {
	case len(exact) == 1:
		f, err := s.store.Film(scope, exact[0].ID)
		return f, notFound(err, "That film was just removed.")
	case len(exact) > 1:
		var names []string
		for _, h := range exact {
			names = append(names, h.Label)
		}
		return storage.Film{}, userErr("Several films are called %q here: %s. Pick one from the list, or add the year.", value, strings.Join(names, ", "))
	}
	msg := fmt.Sprintf("No film called %q here.", clip(value, 100))
	if close := s.closest(ix, value); close != "" {
		msg += fmt.Sprintf(" Did you mean **%s**?", close)
	}
	return storage.Film{}, userErr("%s", msg)
}

// closest names the film whose title is nearest to value.
func (s *Set) closest(ix *search.Index, value string) string {
	if hits := ix.Search(value, 1); len(hits) > 0 {
		return hits[0].Label
	}
	// Nothing within one typo: the least edit distance, if it is not so
	// large that the guess shares almost nothing with what was typed.
	f := search.Fold(value)
	label, _ := ix.Nearest(f, max(len(f), 3)/2+1)
	return label
}

// filmChoices answers autocomplete for a film option.
func (s *Set) filmChoices(scope storage.Scope, typed string) (*discordgo.InteractionResponse, error) {
	ix, err := s.catalog.index(scope)
	if err != nil {
		return nil, err
	}
	hits := ix.Search(clip(typed, 200), limits.Choices)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(hits))
	for _, h := range hits {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(h.Label, limits.ChoiceName), Value: filmValue(h.ID)})
	}
	return choices8(choices), nil
}

func choices8(c []*discordgo.ApplicationCommandOptionChoice) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: c},
	}
}

// filmAutocomplete serves commands whose only autocompleted option is film.
func (s *Set) filmAutocomplete(_ context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	o, ok := focused(i)
	if !ok || o.Name != "film" {
		return choices8(nil), nil
	}
	typed, _ := o.Value.(string)
	return s.filmChoices(scope, typed)
}

// filmOption is the film option every command shares.
func filmOption(desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: desc,
		Required: true, Autocomplete: true, MaxLength: maxFilmValue,
	}
}
