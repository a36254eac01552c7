// Package tmdb is a small client for the few endpoints of The Movie
// Database's API (v3) that filmbot uses: authentication (to check a token
// at start), configuration (where posters are), movie search, a movie's
// details with its credits and the rest appended, and find by IMDb id.
//
// It is careful with a shared, rate-limited service: every body is read
// up to a bound, requests are paced below TMDB's limit with a bounded
// queue (past it, ErrBusy at once), a 429 holds every request until its
// Retry-After has passed, and a breaker stops calling a source that keeps
// failing. Fields TMDB sends as null or "" (poster_path, release_date,
// character, imdb_id) decode to their zero values.
package tmdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is TMDB's API; the client adds /3/….
const DefaultBaseURL = "https://api.themoviedb.org"

// Attribution is the notice TMDB's terms ask an application to show.
const Attribution = "This product uses the TMDB API but is not endorsed or certified by TMDB."

// Sentinel errors, matched with errors.Is against an *Error or returned
// as they are.
var (
	// ErrUnauthorized: the token or key was refused (401, TMDB code 7;
	// or 403).
	ErrUnauthorized = errors.New("tmdb: the token was refused")
	// ErrNotFound: no such resource (404, TMDB code 34).
	ErrNotFound = errors.New("tmdb: not found")
	// ErrRateLimited: TMDB answered 429 (code 25), or its Retry-After has
	// not passed yet.
	ErrRateLimited = errors.New("tmdb: rate limited")
	// ErrBusy: too many requests already wait for their turn here.
	ErrBusy = errors.New("tmdb: too many requests waiting")
	// ErrUnavailable: the breaker is open after repeated failures.
	ErrUnavailable = errors.New("tmdb: not answering; trying again later")
	// ErrBadResponse: a body that is malformed or larger than allowed.
	ErrBadResponse = errors.New("tmdb: bad response")
)

// Error is a response TMDB answered with an error status.
type Error struct {
	HTTPStatus int
	Code       int    // TMDB's status_code (7, 34, 25, …), 0 if none
	Message    string // TMDB's status_message
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("tmdb: HTTP %d (code %d): %s", e.HTTPStatus, e.Code, e.Message)
}

// Is maps the status to the sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden
	case ErrNotFound:
		return e.HTTPStatus == http.StatusNotFound
	case ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests
	}
	return false
}

// MaxRetryAfter bounds how long a 429's Retry-After holds every request.
const MaxRetryAfter = time.Minute

// Options configure a Client. Token or APIKey is required.
type Options struct {
	BaseURL string // DefaultBaseURL when empty
	Token   string // the API Read Access Token, sent as a Bearer token
	APIKey  string // the v3 API key, sent as api_key=; used when Token is empty
	// HTTPClient defaults to one with a 10 s timeout.
	HTTPClient *http.Client
	// PerSecond paces requests (default 40, TMDB's order of magnitude);
	// MaxWaiting bounds the queue (default 64): past it, ErrBusy.
	PerSecond  float64
	MaxWaiting int
	// MaxBody bounds a response body (default 4 MiB).
	MaxBody int64
	// BreakAfter consecutive failures (5xx, timeouts, bad bodies) open the
	// breaker for BreakFor (defaults 5 and 30 s).
	BreakAfter int
	BreakFor   time.Duration
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Observe, if set, hears of every request's end (metrics), refused
	// ones included.
	Observe func(Request)
}

// Request is what Options.Observe hears of one request.
type Request struct {
	// Endpoint is the path with its ids left out: "search/movie",
	// "movie", "movie/recommendations", "find", "authentication",
	// "configuration".
	Endpoint string
	// Result is Outcome of the request's error.
	Result string
	// Sent tells whether it reached TMDB (else it was refused here:
	// busy, breaker_open, or held by a 429's Retry-After); Took is how
	// long it took when it was.
	Sent bool
	Took time.Duration
}

// Outcome names what an error from the client means, for metrics: ok,
// not_found, unauthorized, rate_limited, busy, breaker_open or error.
func Outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrBusy):
		return "busy"
	case errors.Is(err, ErrUnavailable):
		return "breaker_open"
	}
	return "error"
}

// endpointOf is a request path's endpoint, its ids left out.
func endpointOf(path string) string {
	parts := strings.Split(path, "/")
	switch parts[0] {
	case "find":
		return "find"
	case "movie":
		if len(parts) > 2 {
			return "movie/" + strings.Join(parts[2:], "/")
		}
		return "movie"
	}
	return path
}

// Client calls TMDB. It is safe for concurrent use.
type Client struct {
	base    string
	token   string
	apiKey  string
	hc      *http.Client
	maxBody int64
	now     func() time.Time

	pace       time.Duration
	maxWaiting int
	breakAfter int
	breakFor   time.Duration
	observe    func(Request)

	mu        sync.Mutex
	nextSlot  time.Time // the next time a request may start (pacing)
	waiting   int
	queued    func()    // if set, called as a caller starts waiting for its turn (tests)
	holdUntil time.Time // a 429's Retry-After
	failures  int
	openUntil time.Time // the breaker
}

// New returns a client, or an error when neither a token nor a key is
// given or the base URL is not an http(s) URL.
func New(o Options) (*Client, error) {
	if o.Token == "" && o.APIKey == "" {
		return nil, errors.New("tmdb: a token (TMDB_TOKEN) or an API key (TMDB_API_KEY) is needed")
	}
	base := strings.TrimRight(o.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tmdb: TMDB_API_URL %q is not an http(s) URL", o.BaseURL)
	}
	c := &Client{base: base, token: o.Token, apiKey: o.APIKey, hc: o.HTTPClient, maxBody: o.MaxBody, now: o.Now,
		maxWaiting: o.MaxWaiting, breakAfter: o.BreakAfter, breakFor: o.BreakFor, observe: o.Observe}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 10 * time.Second}
	}
	if c.maxBody <= 0 {
		c.maxBody = 4 << 20
	}
	if c.now == nil {
		c.now = time.Now
	}
	per := o.PerSecond
	if per <= 0 {
		per = 40
	}
	c.pace = time.Duration(float64(time.Second) / per)
	if c.maxWaiting <= 0 {
		c.maxWaiting = 64
	}
	if c.breakAfter <= 0 {
		c.breakAfter = 5
	}
	if c.breakFor <= 0 {
		c.breakFor = 30 * time.Second
	}
	return c, nil
}

// turn waits for this request's slot: paced, bounded, held by a 429 and
// refused while the breaker is open.
func (c *Client) turn(ctx context.Context) error {
	c.mu.Lock()
	now := c.now()
	if now.Before(c.openUntil) {
		c.mu.Unlock()
		return ErrUnavailable
	}
	if now.Before(c.holdUntil) {
		d := c.holdUntil.Sub(now)
		c.mu.Unlock()
		return &Error{HTTPStatus: http.StatusTooManyRequests, Code: 25, Message: "waiting for Retry-After", RetryAfter: d}
	}
	if c.waiting >= c.maxWaiting {
		c.mu.Unlock()
		return ErrBusy
	}
	slot := c.nextSlot
	if slot.Before(now) {
		slot = now
	}
	wait := slot.Sub(now)
	if dl, ok := ctx.Deadline(); ok && wait > 0 && time.Until(dl) < wait {
		// The turn would come too late: refuse without taking it.
		c.mu.Unlock()
		return ErrBusy
	}
	c.nextSlot = slot.Add(c.pace)
	if wait <= 0 {
		c.mu.Unlock()
		return nil
	}
	c.waiting++
	queued := c.queued
	c.mu.Unlock()
	if queued != nil {
		queued()
	}
	defer func() { c.mu.Lock(); c.waiting--; c.mu.Unlock() }()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// outcome records a request's result for the breaker and a 429's hold.
func (c *Client) outcome(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var te *Error
	switch {
	case err == nil, errors.Is(err, ErrNotFound), errors.Is(err, ErrUnauthorized),
		errors.Is(err, context.Canceled):
		c.failures = 0
	case errors.As(err, &te) && te.HTTPStatus == http.StatusTooManyRequests:
		if ra := te.RetryAfter; ra > 0 {
			c.holdUntil = c.now().Add(ra)
		}
	default:
		c.failures++
		if c.failures >= c.breakAfter {
			c.openUntil = c.now().Add(c.breakFor)
			c.failures = 0
		}
	}
}

// Waiting is how many requests wait for their turn now.
func (c *Client) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// BreakerOpen tells whether the breaker is open now.
func (c *Client) BreakerOpen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now().Before(c.openUntil)
}

// get calls GET /3/path?query and decodes the JSON body into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	if err := c.turn(ctx); err != nil {
		if c.observe != nil {
			c.observe(Request{Endpoint: endpointOf(path), Result: Outcome(err)})
		}
		return err
	}
	start := time.Now()
	err := c.do(ctx, path, q, v)
	c.outcome(err)
	if c.observe != nil {
		c.observe(Request{Endpoint: endpointOf(path), Result: Outcome(err), Sent: true, Took: time.Since(start)})
	}
	return err
}

func (c *Client) do(ctx context.Context, path string, q url.Values, v any) error {
	if q == nil {
		q = url.Values{}
	}
	if c.token == "" {
		q.Set("api_key", c.apiKey)
	}
	u := c.base + "/3/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// The URL carries api_key: never let it reach a log.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("tmdb: GET /3/%s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return fmt.Errorf("tmdb: GET /3/%s: reading the body: %w", path, err)
	}
	if int64(len(body)) > c.maxBody {
		return fmt.Errorf("%w: GET /3/%s: body over %d bytes", ErrBadResponse, path, c.maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		e := &Error{HTTPStatus: resp.StatusCode}
		var st struct {
			StatusCode    int    `json:"status_code"`
			StatusMessage string `json:"status_message"`
		}
		if json.Unmarshal(body, &st) == nil {
			e.Code, e.Message = st.StatusCode, st.StatusMessage
		}
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
				e.RetryAfter = time.Duration(s) * time.Second
			} else if t, err := http.ParseTime(ra); err == nil {
				e.RetryAfter = t.Sub(c.now())
			}
		}
		if e.HTTPStatus == http.StatusTooManyRequests && e.RetryAfter <= 0 {
			e.RetryAfter = time.Second
		}
		// A wait longer than TMDB's own (seconds) is a bad header, not a
		// reason to stop looking films up for a day.
		e.RetryAfter = min(e.RetryAfter, MaxRetryAfter)
		return e
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: GET /3/%s: %v", ErrBadResponse, path, err)
	}
	return nil
}

// Check makes one call that needs the token (GET /3/authentication):
// nil when TMDB accepts it, an error matching ErrUnauthorized when not.
func (c *Client) Check(ctx context.Context) error {
	var r struct {
		Success bool `json:"success"`
	}
	if err := c.get(ctx, "authentication", nil, &r); err != nil {
		return err
	}
	if !r.Success {
		return ErrUnauthorized
	}
	return nil
}

// Configuration is where TMDB's images are.
type Configuration struct {
	Images struct {
		BaseURL       string   `json:"base_url"`
		SecureBaseURL string   `json:"secure_base_url"`
		PosterSizes   []string `json:"poster_sizes"`
	} `json:"images"`
}

// PosterURL is the address of a poster of the given size ("w342"), or ""
// for a film without one.
func (cf Configuration) PosterURL(size, path string) string {
	if path == "" {
		return ""
	}
	base := cf.Images.SecureBaseURL
	if base == "" {
		base = cf.Images.BaseURL
	}
	return strings.TrimRight(base, "/") + "/" + size + path
}

// Configuration asks where images are (GET /3/configuration).
func (c *Client) Configuration(ctx context.Context) (Configuration, error) {
	var cf Configuration
	err := c.get(ctx, "configuration", nil, &cf)
	return cf, err
}

// Result is a film in a list (search, find, recommendations).
type Result struct {
	ID               int     `json:"id"`
	Title            string  `json:"title"`
	OriginalTitle    string  `json:"original_title"`
	OriginalLanguage string  `json:"original_language"`
	Overview         string  `json:"overview"`
	ReleaseDate      string  `json:"release_date"` // "YYYY-MM-DD", or "" (or null) when unknown
	PosterPath       string  `json:"poster_path"`  // "" (null) when none
	GenreIDs         []int   `json:"genre_ids"`
	Popularity       float64 `json:"popularity"`
	VoteAverage      float64 `json:"vote_average"`
	VoteCount        int     `json:"vote_count"`
	Adult            bool    `json:"adult"`
}

// Year is the release date's year, 0 when unknown.
func (r Result) Year() int { return yearOf(r.ReleaseDate) }

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// Page is one page of results.
type Page struct {
	Page         int      `json:"page"`
	Results      []Result `json:"results"`
	TotalPages   int      `json:"total_pages"`
	TotalResults int      `json:"total_results"`
}

// SearchMovies searches titles (GET /3/search/movie): page 1, adult
// films left out, year 0 for any year, language "" for TMDB's default.
func (c *Client) SearchMovies(ctx context.Context, query string, year int, language string) (Page, error) {
	q := url.Values{"query": {query}, "include_adult": {"false"}, "page": {"1"}}
	if year > 0 {
		q.Set("year", strconv.Itoa(year))
	}
	if language != "" {
		q.Set("language", language)
	}
	var p Page
	err := c.get(ctx, "search/movie", q, &p)
	return p, err
}

// FindIMDb finds the films with an IMDb id ("tt…"), through
// GET /3/find/{id}?external_source=imdb_id.
func (c *Client) FindIMDb(ctx context.Context, imdbID string) ([]Result, error) {
	var r struct {
		MovieResults []Result `json:"movie_results"`
	}
	err := c.get(ctx, "find/"+url.PathEscape(imdbID), url.Values{"external_source": {"imdb_id"}}, &r)
	return r.MovieResults, err
}

// Movie is a film's details with what MovieDetails appends.
type Movie struct {
	ID               int    `json:"id"`
	IMDbID           string `json:"imdb_id"`
	Title            string `json:"title"`
	OriginalTitle    string `json:"original_title"`
	OriginalLanguage string `json:"original_language"`
	Overview         string `json:"overview"`
	ReleaseDate      string `json:"release_date"`
	Runtime          int    `json:"runtime"`
	PosterPath       string `json:"poster_path"`
	Homepage         string `json:"homepage"`
	Status           string `json:"status"`
	Tagline          string `json:"tagline"`
	Genres           []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"genres"`
	OriginCountry       []string `json:"origin_country"`
	ProductionCountries []struct {
		ISO31661 string `json:"iso_3166_1"`
		Name     string `json:"name"`
	} `json:"production_countries"`
	SpokenLanguages []struct {
		ISO6391     string `json:"iso_639_1"`
		EnglishName string `json:"english_name"`
		Name        string `json:"name"`
	} `json:"spoken_languages"`
	Popularity  float64 `json:"popularity"`
	VoteAverage float64 `json:"vote_average"`
	VoteCount   int     `json:"vote_count"`

	Credits           Credits `json:"credits"`
	AlternativeTitles struct {
		Titles []struct {
			ISO31661 string `json:"iso_3166_1"`
			Title    string `json:"title"`
			Type     string `json:"type"`
		} `json:"titles"`
	} `json:"alternative_titles"`
	Translations struct {
		Translations []Translation `json:"translations"`
	} `json:"translations"`
	ReleaseDates struct {
		Results []struct {
			ISO31661     string `json:"iso_3166_1"`
			ReleaseDates []struct {
				Certification string `json:"certification"`
				ReleaseDate   string `json:"release_date"`
				Type          int    `json:"type"`
				Note          string `json:"note"`
			} `json:"release_dates"`
		} `json:"results"`
	} `json:"release_dates"`
	ExternalIDs struct {
		IMDbID     string `json:"imdb_id"`
		WikidataID string `json:"wikidata_id"`
	} `json:"external_ids"`
}

// Year is the release date's year, 0 when unknown.
func (m Movie) Year() int { return yearOf(m.ReleaseDate) }

// Translation is a film's title and overview in one language.
type Translation struct {
	ISO31661    string `json:"iso_3166_1"`
	ISO6391     string `json:"iso_639_1"`
	Name        string `json:"name"`
	EnglishName string `json:"english_name"`
	Data        struct {
		Title    string `json:"title"`
		Overview string `json:"overview"`
		Runtime  int    `json:"runtime"`
		Tagline  string `json:"tagline"`
		Homepage string `json:"homepage"`
	} `json:"data"`
}

// Credits are a film's cast and crew.
type Credits struct {
	Cast []struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		Character string `json:"character"` // "" (or null) when not credited
		Order     int    `json:"order"`
	} `json:"cast"`
	Crew []struct {
		ID         int    `json:"id"`
		Name       string `json:"name"`
		Job        string `json:"job"`
		Department string `json:"department"`
	} `json:"crew"`
}

// People lists the names of the crew with one of jobs, in credit order,
// each once.
func (cr Credits) People(jobs ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range cr.Crew {
		for _, j := range jobs {
			if p.Job == j && !seen[p.Name] {
				seen[p.Name] = true
				out = append(out, p.Name)
			}
		}
	}
	return out
}

// MovieAppend is what MovieDetails appends to a film's details.
const MovieAppend = "credits,alternative_titles,translations,release_dates,external_ids"

// MovieDetails reads film id whole in one request
// (GET /3/movie/{id}?append_to_response=credits,…); language "" for
// TMDB's default.
func (c *Client) MovieDetails(ctx context.Context, id int, language string) (Movie, error) {
	q := url.Values{"append_to_response": {MovieAppend}}
	if language != "" {
		q.Set("language", language)
	}
	var m Movie
	err := c.get(ctx, "movie/"+strconv.Itoa(id), q, &m)
	return m, err
}

// Recommendations lists TMDB's recommendations for film id, page 1.
func (c *Client) Recommendations(ctx context.Context, id int, language string) (Page, error) {
	q := url.Values{"page": {"1"}}
	if language != "" {
		q.Set("language", language)
	}
	var p Page
	err := c.get(ctx, "movie/"+strconv.Itoa(id)+"/recommendations", q, &p)
	return p, err
}
