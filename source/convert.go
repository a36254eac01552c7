// Package source turns The Movie Database (TMDB) into films in the
// store: it converts TMDB's answers into storage.Film (Convert) and
// resolves what a member picks or types, or a moderator names, into a
// film of the shared catalog (Resolver), fetching each film once and
// keeping it fresh. It is named for what TMDB is to the catalog, its
// source; commands call it, and it calls the store and package tmdb.
package source

import (
	"strings"
	"time"

	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// MaxAliases bounds the other titles a converted film keeps (original,
// localized and alternative titles, in that order): enough for
// autocomplete to match a film by the names members type, few enough
// for a card's footer.
const MaxAliases = 12

// Convert turns TMDB's details of a film (MovieDetails, with its
// credits, alternative titles, translations, release dates and external
// ids) into a storage.Film, its titles and overviews stored in each of
// languages (Discord locales; storage.DiscordLocales when nil) where
// TMDB's translation differs from the film's own. Missing parts (a null
// poster, release date or character) leave the fields empty. The store
// sets ID, Scope and times (Catalog.SaveSourced).
func Convert(m tmdb.Movie, languages []string) storage.Film {
	if languages == nil {
		languages = storage.DiscordLocales
	}
	f := storage.Film{
		Title:            strings.TrimSpace(m.Title),
		Year:             m.Year(),
		Runtime:          m.Runtime,
		TMDB:             uint64(max(m.ID, 0)),
		IMDb:             cmpOr(m.ExternalIDs.IMDbID, m.IMDbID),
		Wikidata:         m.ExternalIDs.WikidataID,
		OriginalTitle:    strings.TrimSpace(m.OriginalTitle),
		Overview:         strings.TrimSpace(m.Overview),
		Poster:           m.PosterPath,
		Directors:        m.Directors(),
		Writers:          m.Writers(),
		Editors:          m.Editors(),
		Cinematographers: m.Cinematographers(),
		Composers:        m.Composers(),
		Producers:        m.Producers(),
		Release:          releaseDate(m.ReleaseDate),
	}
	if f.Title == "" {
		f.Title = f.OriginalTitle
	}
	for _, g := range m.Genres {
		if g.Name != "" {
			f.Genres = append(f.Genres, g.Name)
		}
	}
	for _, c := range m.ProductionCountries {
		if n := cmpOr(c.Name, c.ISO31661); n != "" {
			f.Countries = append(f.Countries, n)
		}
	}
	if len(f.Countries) == 0 {
		f.Countries = nonEmpty(m.OriginCountry)
	}
	f.Country = strings.Join(f.Countries, ", ")
	for _, l := range m.SpokenLanguages {
		if n := cmpOr(l.EnglishName, l.Name, l.ISO6391); n != "" {
			f.Languages = append(f.Languages, n)
		}
	}
	for _, c := range m.Credits.Cast {
		if name := strings.TrimSpace(c.Name); name != "" {
			f.Cast = append(f.Cast, storage.Role{Actor: name, Role: strings.TrimSpace(c.Character)})
		}
	}
	for _, l := range languages {
		title, overview := m.Localized(l)
		if title = strings.TrimSpace(title); title != "" && title != f.Title {
			if f.Titles == nil {
				f.Titles = map[string]string{}
			}
			f.Titles[l] = title
		}
		if overview = strings.TrimSpace(overview); overview != "" && overview != f.Overview {
			if f.Overviews == nil {
				f.Overviews = map[string]string{}
			}
			f.Overviews[l] = overview
		}
	}
	f.Aliases = aliases(f, m)
	return f
}

// aliases are the film's other titles, each once (as search folds
// them), its own title left out: original, localized (in languages'
// order), then TMDB's alternative titles, at most MaxAliases.
func aliases(f storage.Film, m tmdb.Movie) []string {
	seen := map[string]bool{search.Fold(f.Title): true}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if k := search.Fold(s); k != "" && !seen[k] && len(out) < MaxAliases {
			seen[k] = true
			out = append(out, s)
		}
	}
	add(f.OriginalTitle)
	for _, l := range storage.DiscordLocales {
		add(f.Titles[l])
	}
	for _, t := range m.AlternativeTitles.Titles {
		add(t.Title)
	}
	return out
}

// releaseDate writes TMDB's "2024-05-21" as "21 May 2024"; "" when
// unknown.
func releaseDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return ""
	}
	return t.Format("2 January 2006")
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
