// Package tmdbfake plays The Movie Database's API (v3) for tests, CI and
// the playground, which reach no network: the endpoints filmbot uses, at
// TMDB's paths, with its parameters, JSON field names and types, status
// codes (401 with status_code 7, 404 with 34, 429 with 25 and
// Retry-After) and append_to_response, from a fixture of real films
// (films.json: facts only, overviews in our own words) and posters it
// draws itself. It can be told to fail: a refused token, a burst of 429s,
// 5xx, slow or malformed or oversized answers.
package tmdbfake

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:embed films.json
var fixtureJSON []byte

// Film is one film of the fixture.
type Film struct {
	ID                int      `json:"id"`
	IMDbID            string   `json:"imdb_id"`
	Title             string   `json:"title"`
	OriginalTitle     string   `json:"original_title"`
	OriginalLanguage  string   `json:"original_language"`
	ReleaseDate       string   `json:"release_date"`
	Runtime           int      `json:"runtime"`
	Genres            []string `json:"genres"`
	Countries         []string `json:"countries"`
	Languages         []string `json:"languages"`
	Popularity        float64  `json:"popularity"`
	VoteAverage       float64  `json:"vote_average"`
	VoteCount         int      `json:"vote_count"`
	Overview          string   `json:"overview"`
	Directors         []string `json:"directors"`
	Writers           []string `json:"writers"`
	Cinematographer   string   `json:"cinematographer"`
	Editor            string   `json:"editor"`
	Composer          string   `json:"composer"`
	Producers         []string `json:"producers"`
	Cast              []Role   `json:"cast"`
	AlternativeTitles []struct {
		ISO31661 string `json:"iso_3166_1"`
		Title    string `json:"title"`
	} `json:"alternative_titles"`
	Translations map[string]struct {
		Title    string `json:"title"`
		Overview string `json:"overview"`
	} `json:"translations"`
	Poster bool   `json:"poster"`
	Note   string `json:"note"`
}

// Role is a cast member and the character they play ("" when uncredited).
type Role struct {
	Name      string `json:"name"`
	Character string `json:"character"`
}

// Films returns the fixture's films (a fresh copy).
func Films() []Film {
	var fs []Film
	if err := json.Unmarshal(fixtureJSON, &fs); err != nil {
		panic("tmdbfake: films.json: " + err.Error())
	}
	return fs
}

// Failure is what the next requests are answered with.
type Failure string

// The failures the fake can be told to answer with.
const (
	FailUnauthorized Failure = "401"       // 401, status_code 7
	FailRateLimit    Failure = "429"       // 429, status_code 25, Retry-After
	FailServer       Failure = "500"       // 500, status_code 11
	FailUnavailable  Failure = "503"       // 503, status_code 9
	FailSlow         Failure = "slow"      // the right answer, after Delay
	FailMalformed    Failure = "malformed" // 200 with a body that is no JSON
	FailOversized    Failure = "oversized" // 200 with 8 MiB of JSON
)

var known = map[Failure]bool{FailUnauthorized: true, FailRateLimit: true, FailServer: true,
	FailUnavailable: true, FailSlow: true, FailMalformed: true, FailOversized: true}

// Options configure a Server.
type Options struct {
	// Token and APIKey are the credentials it accepts (either one, as
	// TMDB accepts a Bearer token or api_key=).
	Token, APIKey string
	// RetryAfter is the Retry-After of a 429 (default 1 s); Delay the
	// delay of a slow answer (default 2 s).
	RetryAfter time.Duration
	Delay      time.Duration
}

// Server is the fake TMDB: an http.Handler.
type Server struct {
	opts  Options
	films []Film
	byID  map[int]*Film

	mu       sync.Mutex
	fails    []Failure
	latency  time.Duration
	requests map[string]int // by endpoint
}

// New returns a fake TMDB serving the fixture.
func New(o Options) *Server {
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.Delay <= 0 {
		o.Delay = 2 * time.Second
	}
	s := &Server{opts: o, films: Films(), byID: map[int]*Film{}, requests: map[string]int{}}
	for i := range s.films {
		s.byID[s.films[i].ID] = &s.films[i]
	}
	return s
}

// Fail makes the next n requests (of any endpoint, the control API
// aside) answer with f.
func (s *Server) Fail(f Failure, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fails = append(s.fails, f)
	}
}

// SetLatency delays every answer by d (0: none), as a slow network would.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// Requests counts the requests an endpoint ("search/movie", "movie",
// "find", "authentication", "configuration", "poster") has had.
func (s *Server) Requests(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[endpoint]
}

type apiError struct {
	Success       bool   `json:"success"`
	StatusCode    int    `json:"status_code"`
	StatusMessage string `json:"status_message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Success: false, StatusCode: code, StatusMessage: msg})
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, 34, "The resource you requested could not be found.")
}

// ServeHTTP answers TMDB's API under /3/, posters under /t/p/, and the
// control API under /_tmdb/ (POST /_tmdb/fail {"failure":"429","count":3}).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/_tmdb/fail" && r.Method == http.MethodPost:
		var req struct {
			Failure Failure `json:"failure"`
			Count   int     `json:"count"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil || req.Count < 1 || req.Count > 1000 || !known[req.Failure] {
			http.Error(w, `{"error":"want {\"failure\": \"401|429|500|503|slow|malformed|oversized\", \"count\": 1-1000}"}`, http.StatusBadRequest)
			return
		}
		s.Fail(req.Failure, req.Count)
		w.WriteHeader(http.StatusNoContent)
		return
	case strings.HasPrefix(path, "/t/p/"):
		s.count("poster")
		s.poster(w, r)
		return
	case !strings.HasPrefix(path, "/3/"):
		notFound(w)
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, 3, "Authentication failed: You do not have permissions to access the service.")
		return
	}
	s.mu.Lock()
	var f Failure
	if len(s.fails) > 0 {
		f, s.fails = s.fails[0], s.fails[1:]
	}
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		if !sleepCtx(r, latency) {
			return
		}
	}
	switch f {
	case FailUnauthorized:
		writeError(w, http.StatusUnauthorized, 7, "Invalid API key: You must be granted a valid key.")
		return
	case FailRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(int((s.opts.RetryAfter+time.Second-1)/time.Second)))
		writeError(w, http.StatusTooManyRequests, 25, "Your request count (41) is over the allowed limit of 40.")
		return
	case FailServer:
		writeError(w, http.StatusInternalServerError, 11, "Internal error: Something went wrong, contact TMDB.")
		return
	case FailUnavailable:
		writeError(w, http.StatusServiceUnavailable, 9, "Service offline: This service is temporarily offline, try again later.")
		return
	case FailMalformed:
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Write([]byte(`{"page":1,"results":[{"id":`))
		return
	case FailOversized:
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Write([]byte(`{"page":1,"results":[],"padding":"`))
		w.Write(bytes.Repeat([]byte("x"), 8<<20))
		w.Write([]byte(`"}`))
		return
	case FailSlow:
		if !sleepCtx(r, s.opts.Delay) {
			return
		}
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 7, "Invalid API key: You must be granted a valid key.")
		return
	}
	rest := strings.TrimPrefix(path, "/3/")
	switch {
	case rest == "authentication":
		s.count("authentication")
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status_code": 1, "status_message": "Success."})
	case rest == "configuration":
		s.count("configuration")
		s.configuration(w, r)
	case rest == "search/movie":
		s.count("search/movie")
		s.search(w, r)
	case strings.HasPrefix(rest, "find/"):
		s.count("find")
		s.find(w, r, strings.TrimPrefix(rest, "find/"))
	case strings.HasPrefix(rest, "movie/"):
		s.count("movie")
		s.movie(w, r, strings.TrimPrefix(rest, "movie/"))
	default:
		notFound(w)
	}
}

func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) count(endpoint string) {
	s.mu.Lock()
	s.requests[endpoint]++
	s.mu.Unlock()
}

func (s *Server) authorized(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return s.opts.Token != "" && tok == s.opts.Token
	}
	k := r.URL.Query().Get("api_key")
	return s.opts.APIKey != "" && k == s.opts.APIKey
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) configuration(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r) + "/t/p/"
	writeJSON(w, http.StatusOK, map[string]any{
		"images": map[string]any{
			"base_url":        base,
			"secure_base_url": base,
			"backdrop_sizes":  []string{"w300", "w780", "w1280", "original"},
			"logo_sizes":      []string{"w45", "w92", "w154", "w185", "w300", "w500", "original"},
			"poster_sizes":    []string{"w92", "w154", "w185", "w342", "w500", "w780", "original"},
			"profile_sizes":   []string{"w45", "w185", "h632", "original"},
			"still_sizes":     []string{"w92", "w185", "w300", "original"},
		},
		"change_keys": []string{"adult", "alternative_titles", "cast", "crew", "genres", "overview", "poster_path", "release_dates", "runtime", "title", "translations"},
	})
}

// lang is the ISO 639-1 part of a language parameter ("ru-RU" → "ru").
func lang(r *http.Request) string {
	l := r.URL.Query().Get("language")
	if i := strings.IndexByte(l, '-'); i >= 0 {
		l = l[:i]
	}
	return strings.ToLower(l)
}

// title and overview of f in language l, falling back to English.
func (f *Film) localized(l string) (string, string) {
	title, overview := f.Title, f.Overview
	if t, ok := f.Translations[l]; ok {
		if t.Title != "" {
			title = t.Title
		}
		if t.Overview != "" {
			overview = t.Overview
		}
	}
	return title, overview
}

func posterPath(f *Film) any {
	if !f.Poster {
		return nil
	}
	return fmt.Sprintf("/fake%d.png", f.ID)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var genreIDs = map[string]int{"Action": 28, "Adventure": 12, "Animation": 16, "Comedy": 35, "Crime": 80,
	"Documentary": 99, "Drama": 18, "Family": 10751, "Fantasy": 14, "History": 36, "Horror": 27,
	"Music": 10402, "Mystery": 9648, "Romance": 10749, "Science Fiction": 878, "TV Movie": 10770,
	"Thriller": 53, "War": 10752, "Western": 37}

func genreID(name string) int {
	if id, ok := genreIDs[name]; ok {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%90000) + 10000
}

// result is f as a list item (search, find).
func (f *Film) result(l string) map[string]any {
	title, overview := f.localized(l)
	ids := make([]int, 0, len(f.Genres))
	for _, g := range f.Genres {
		ids = append(ids, genreID(g))
	}
	return map[string]any{
		"adult":             false,
		"backdrop_path":     nil,
		"genre_ids":         ids,
		"id":                f.ID,
		"original_language": f.OriginalLanguage,
		"original_title":    f.OriginalTitle,
		"overview":          overview,
		"popularity":        f.Popularity,
		"poster_path":       posterPath(f),
		"release_date":      f.ReleaseDate,
		"title":             title,
		"video":             false,
		"vote_average":      f.VoteAverage,
		"vote_count":        f.VoteCount,
	}
}

// fold is how the fake matches text: case, accents and punctuation
// ignored, as TMDB's search does.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// names are every title f is known by.
func (f *Film) names() []string {
	ns := []string{f.Title, f.OriginalTitle}
	for _, a := range f.AlternativeTitles {
		ns = append(ns, a.Title)
	}
	for _, t := range f.Translations {
		ns = append(ns, t.Title)
	}
	return ns
}

// match scores how well q (folded) names f: 3 exact, 2 prefix, 1 every
// word of q starts a word of the title, 0 none.
func (f *Film) match(q string) int {
	best := 0
	qw := strings.Fields(q)
	for _, n := range f.names() {
		n = fold(n)
		switch {
		case n == q:
			return 3
		case strings.HasPrefix(n, q):
			best = max(best, 2)
		default:
			nw := strings.Fields(n)
			all := len(qw) > 0
			for _, w := range qw {
				found := false
				for _, x := range nw {
					if strings.HasPrefix(x, w) {
						found = true
						break
					}
				}
				all = all && found
			}
			if all {
				best = max(best, 1)
			}
		}
	}
	return best
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, 22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.")
			return
		}
		page = n
	}
	year := 0
	for _, k := range []string{"year", "primary_release_year"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				writeError(w, http.StatusUnprocessableEntity, 5, "Invalid parameters: Your request parameters are incorrect.")
				return
			}
			year = n
		}
	}
	query := fold(q.Get("query"))
	type hit struct {
		f     *Film
		score int
	}
	var hits []hit
	if query != "" {
		for i := range s.films {
			f := &s.films[i]
			if year > 0 && !strings.HasPrefix(f.ReleaseDate, strconv.Itoa(year)) {
				continue
			}
			if sc := f.match(query); sc > 0 {
				hits = append(hits, hit{f, sc})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].f.Popularity > hits[j].f.Popularity
	})
	const per = 20
	results := []map[string]any{}
	for i := (page - 1) * per; i < len(hits) && i < page*per; i++ {
		results = append(results, hits[i].f.result(lang(r)))
	}
	pages := (len(hits) + per - 1) / per
	if pages == 0 {
		pages = 1
	}
	writeJSON(w, http.StatusOK, map[string]any{"page": page, "results": results, "total_pages": pages, "total_results": len(hits)})
}

func (s *Server) find(w http.ResponseWriter, r *http.Request, id string) {
	if r.URL.Query().Get("external_source") == "" {
		writeError(w, http.StatusBadRequest, 5, "Invalid parameters: Your request parameters are incorrect.")
		return
	}
	movies := []map[string]any{}
	if r.URL.Query().Get("external_source") == "imdb_id" {
		for i := range s.films {
			if f := &s.films[i]; f.IMDbID != "" && f.IMDbID == id {
				movies = append(movies, f.result(lang(r)))
			}
		}
	}
	empty := []any{}
	writeJSON(w, http.StatusOK, map[string]any{"movie_results": movies, "person_results": empty,
		"tv_results": empty, "tv_episode_results": empty, "tv_season_results": empty})
}

var languageNames = map[string]string{"en": "English", "ru": "Russian", "hy": "Armenian", "fr": "French",
	"de": "German", "es": "Spanish", "it": "Italian", "ja": "Japanese", "ko": "Korean", "zh": "Mandarin",
	"cn": "Cantonese", "hi": "Hindi", "bn": "Bengali", "fa": "Persian", "pl": "Polish", "sv": "Swedish",
	"pt": "Portuguese", "da": "Danish", "la": "Latin", "uk": "Ukrainian", "be": "Belarusian", "tr": "Turkish"}

func (s *Server) movie(w http.ResponseWriter, r *http.Request, rest string) {
	idPart, sub, _ := strings.Cut(rest, "/")
	id, err := strconv.Atoi(idPart)
	if err != nil {
		notFound(w)
		return
	}
	f, ok := s.byID[id]
	if !ok {
		notFound(w)
		return
	}
	l := lang(r)
	parts := map[string]any{
		"credits":            s.credits(f),
		"alternative_titles": s.altTitles(f),
		"translations":       s.translations(f),
		"release_dates":      s.releaseDates(f),
		"external_ids":       map[string]any{"imdb_id": nullable(f.IMDbID), "wikidata_id": nil, "facebook_id": nil, "instagram_id": nil, "twitter_id": nil},
		"recommendations":    s.recommendations(f, l),
	}
	if sub != "" {
		part, ok := parts[sub]
		if !ok {
			notFound(w)
			return
		}
		m := map[string]any{"id": f.ID}
		for k, v := range part.(map[string]any) {
			m[k] = v
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	title, overview := f.localized(l)
	genres := []map[string]any{}
	for _, g := range f.Genres {
		genres = append(genres, map[string]any{"id": genreID(g), "name": g})
	}
	countries := []map[string]any{}
	for _, c := range f.Countries {
		countries = append(countries, map[string]any{"iso_3166_1": c, "name": c})
	}
	spoken := []map[string]any{}
	for _, lg := range f.Languages {
		n := languageNames[lg]
		if n == "" {
			n = lg
		}
		spoken = append(spoken, map[string]any{"english_name": n, "iso_639_1": lg, "name": n})
	}
	status := "Released"
	if f.ReleaseDate == "" {
		status = "Planned"
	}
	m := map[string]any{
		"adult": false, "backdrop_path": nil, "belongs_to_collection": nil, "budget": 0,
		"genres": genres, "homepage": "", "id": f.ID, "imdb_id": nullable(f.IMDbID),
		"origin_country": f.Countries, "original_language": f.OriginalLanguage,
		"original_title": f.OriginalTitle, "overview": overview, "popularity": f.Popularity,
		"poster_path": posterPath(f), "production_companies": []any{}, "production_countries": countries,
		"release_date": f.ReleaseDate, "revenue": 0, "runtime": f.Runtime, "spoken_languages": spoken,
		"status": status, "tagline": "", "title": title, "video": false,
		"vote_average": f.VoteAverage, "vote_count": f.VoteCount,
	}
	if ap := r.URL.Query().Get("append_to_response"); ap != "" {
		names := strings.Split(ap, ",")
		if len(names) > 20 {
			writeError(w, http.StatusBadRequest, 5, "Invalid parameters: Too many append to response objects: The maximum number of remote calls is 20.")
			return
		}
		for _, n := range names {
			if part, ok := parts[strings.TrimSpace(n)]; ok {
				m[strings.TrimSpace(n)] = part
			}
		}
	}
	writeJSON(w, http.StatusOK, m)
}

// personID is a stable made-up id for a person's name.
func personID(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%5000000) + 1000
}

func (s *Server) credits(f *Film) map[string]any {
	cast := []map[string]any{}
	for i, c := range f.Cast {
		cast = append(cast, map[string]any{
			"adult": false, "gender": 0, "id": personID(c.Name), "known_for_department": "Acting",
			"name": c.Name, "original_name": c.Name, "popularity": 1.0, "profile_path": nil,
			"cast_id": i + 1, "character": c.Character, "credit_id": fmt.Sprintf("%x%04d", f.ID, i), "order": i,
		})
	}
	crew := []map[string]any{}
	add := func(name, dept, job string) {
		if name == "" {
			return
		}
		crew = append(crew, map[string]any{
			"adult": false, "gender": 0, "id": personID(name), "known_for_department": dept,
			"name": name, "original_name": name, "popularity": 1.0, "profile_path": nil,
			"credit_id": fmt.Sprintf("%xc%04d", f.ID, len(crew)), "department": dept, "job": job,
		})
	}
	for _, d := range f.Directors {
		add(d, "Directing", "Director")
	}
	for _, wr := range f.Writers {
		add(wr, "Writing", "Screenplay")
	}
	add(f.Cinematographer, "Camera", "Director of Photography")
	add(f.Editor, "Editing", "Editor")
	add(f.Composer, "Sound", "Original Music Composer")
	for _, p := range f.Producers {
		add(p, "Production", "Producer")
	}
	return map[string]any{"cast": cast, "crew": crew}
}

func (s *Server) altTitles(f *Film) map[string]any {
	ts := []map[string]any{}
	for _, a := range f.AlternativeTitles {
		ts = append(ts, map[string]any{"iso_3166_1": a.ISO31661, "title": a.Title, "type": ""})
	}
	return map[string]any{"titles": ts}
}

func (s *Server) translations(f *Film) map[string]any {
	keys := make([]string, 0, len(f.Translations))
	for k := range f.Translations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ts := []map[string]any{}
	for _, k := range keys {
		t := f.Translations[k]
		n := languageNames[k]
		ts = append(ts, map[string]any{"iso_3166_1": strings.ToUpper(k), "iso_639_1": k, "name": n, "english_name": n,
			"data": map[string]any{"homepage": "", "overview": t.Overview, "runtime": f.Runtime, "tagline": "", "title": t.Title}})
	}
	return map[string]any{"translations": ts}
}

func (s *Server) releaseDates(f *Film) map[string]any {
	rs := []map[string]any{}
	if f.ReleaseDate != "" && len(f.Countries) > 0 {
		rs = append(rs, map[string]any{"iso_3166_1": f.Countries[0], "release_dates": []map[string]any{{
			"certification": "", "descriptors": []any{}, "iso_639_1": "", "note": "",
			"release_date": f.ReleaseDate + "T00:00:00.000Z", "type": 3,
		}}})
	}
	return map[string]any{"results": rs}
}

// recommendations: the fixture's films sharing a genre with f, most
// popular first (TMDB's own are by co-watching; this is a stand-in).
func (s *Server) recommendations(f *Film, l string) map[string]any {
	var out []*Film
	for i := range s.films {
		g := &s.films[i]
		if g.ID == f.ID {
			continue
		}
		for _, a := range g.Genres {
			if contains(f.Genres, a) {
				out = append(out, g)
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Popularity > out[j].Popularity })
	if len(out) > 20 {
		out = out[:20]
	}
	results := []map[string]any{}
	for _, g := range out {
		results = append(results, g.result(l))
	}
	return map[string]any{"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// poster draws a placeholder poster for /t/p/{size}/fake{id}.png: a
// colour of its own per film, with bands, 2:3.
func (s *Server) poster(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/t/p/"), "/")
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	widths := map[string]int{"w92": 92, "w154": 154, "w185": 185, "w342": 342, "w500": 500, "w780": 780, "original": 780}
	wd, ok := widths[parts[0]]
	name, ok2 := strings.CutSuffix(parts[1], ".png")
	idStr, ok3 := strings.CutPrefix(name, "fake")
	id, err := strconv.Atoi(idStr)
	if !ok || !ok2 || !ok3 || err != nil {
		http.NotFound(w, r)
		return
	}
	f, found := s.byID[id]
	if !found || !f.Poster {
		http.NotFound(w, r)
		return
	}
	ht := wd * 3 / 2
	img := image.NewRGBA(image.Rect(0, 0, wd, ht))
	h := fnv.New32a()
	h.Write([]byte(f.Title))
	sum := h.Sum32()
	base := color.RGBA{uint8(60 + sum%140), uint8(60 + (sum>>8)%140), uint8(60 + (sum>>16)%140), 255}
	dark := color.RGBA{base.R / 3, base.G / 3, base.B / 3, 255}
	for y := 0; y < ht; y++ {
		c := base
		if y > ht*2/3 || (y/(ht/12+1))%3 == 0 && y < ht/3 {
			c = dark
		}
		for x := 0; x < wd; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=31536000")
	w.Write(buf.Bytes())
}
