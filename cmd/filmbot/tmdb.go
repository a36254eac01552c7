package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// TMDB_RATE's bounds and default, in requests per second per process
// (TMDB allows about 40–50 a second per address).
const (
	minTMDBRate     = 0.1
	maxTMDBRate     = 100
	defaultTMDBRate = 40
)

// tmdbCheckTimeout bounds the call that checks the token at start.
const tmdbCheckTimeout = 5 * time.Second

// tmdbOn tells whether a token or key turns the TMDB source on.
func (c Config) tmdbOn() bool { return c.TMDBToken != "" || c.TMDBAPIKey != "" }

// tmdbCredential names the setting the client authenticates with.
func (c Config) tmdbCredential() string {
	if c.TMDBToken != "" {
		return "TMDB_TOKEN"
	}
	return "TMDB_API_KEY"
}

// tmdbRate reads TMDB_RATE (default 40 requests a second) and checks
// TMDB_API_URL.
func (c Config) tmdbRate() (float64, error) {
	if c.TMDBAPIURL != "" {
		if u, err := url.Parse(c.TMDBAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return 0, fmt.Errorf("TMDB_API_URL %q: want an http(s) URL such as %s (the client adds /3/…)", bot.RedactURL(c.TMDBAPIURL), tmdb.DefaultBaseURL)
		}
	}
	if c.TMDBRate == "" {
		return defaultTMDBRate, nil
	}
	r, err := strconv.ParseFloat(c.TMDBRate, 64)
	if err != nil || r < minTMDBRate || r > maxTMDBRate {
		return 0, fmt.Errorf("TMDB_RATE %q: want requests per second from %g to %d (default %d)", c.TMDBRate, minTMDBRate, maxTMDBRate, defaultTMDBRate)
	}
	return r, nil
}

// tmdbSource is TMDB as the catalog's source, as commands will take it:
// the client and its search cache, both nil unless State is "on".
type tmdbSource struct {
	Client   *tmdb.Client
	Searcher *tmdb.Searcher
	State    string // off (no token), on, refused (TMDB refused the token at start)
}

// newTMDBSource makes the TMDB client and its search cache from cfg's
// settings, counted in m (nil: not counted), and checks the token with
// one call (tmdbCheckTimeout at most). Without a token or key the source
// is off. A token TMDB refuses is logged once with what to do, and the
// source is off ("refused"): the bot runs on its own catalog. TMDB not
// answering at start is a warning, and the source stays on. The error is
// a bad setting only.
func newTMDBSource(ctx context.Context, cfg Config, log *slog.Logger, m *metrics.Metrics) (tmdbSource, error) {
	src := tmdbSource{State: "off"}
	defer func() {
		if m != nil {
			m.TMDBSource(src.State)
		}
	}()
	rate, err := cfg.tmdbRate()
	if err != nil {
		return src, err
	}
	if !cfg.tmdbOn() {
		log.Info("no TMDB_TOKEN: films come from this server's own catalog only; a token (free) from https://www.themoviedb.org/settings/api looks up every film")
		return src, nil
	}
	o := tmdb.Options{BaseURL: cfg.TMDBAPIURL, Token: cfg.TMDBToken, APIKey: cfg.TMDBAPIKey, PerSecond: rate}
	if m != nil {
		o.Observe = func(r tmdb.Request) { m.TMDBRequest(r.Endpoint, r.Result, r.Sent, r.Took) }
	}
	c, err := tmdb.New(o)
	if err != nil {
		return src, err
	}
	where := tmdb.DefaultBaseURL
	if cfg.TMDBAPIURL != "" {
		where = bot.RedactURL(cfg.TMDBAPIURL)
	}
	cctx, cancel := context.WithTimeout(ctx, tmdbCheckTimeout)
	defer cancel()
	switch err := c.Check(cctx); {
	case errors.Is(err, tmdb.ErrUnauthorized):
		src.State = "refused"
		log.Error(fmt.Sprintf("TMDB refused the token (%s): check it at https://www.themoviedb.org/settings/api (TMDB_TOKEN takes the API Read Access Token, TMDB_API_KEY the API Key), or unset it; until then films come from this server's own catalog only", cfg.tmdbCredential()),
			"api", where)
		return src, nil
	case err != nil:
		log.Warn("TMDB is not answering at start; films come from this server's own catalog until it does", "api", where, "err", err)
	default:
		log.Info("TMDB source on", "api", where, "rate", rate)
	}
	src.State, src.Client = "on", c
	src.Searcher = tmdb.NewSearcher(c, 0, 0, 0)
	if m != nil {
		m.WatchTMDB(c.BreakerOpen, func() (uint64, uint64, int, int) {
			st := src.Searcher.Stats()
			return st.Hits, st.Misses, st.Entries, st.Bytes
		})
	}
	return src, nil
}

// freshEvery is how often the shared catalog's films from TMDB older than
// source.RefreshAge are refreshed (freshLimit a turn), beside the
// refresh each starts when it is used.
const (
	freshEvery = time.Hour
	freshLimit = 200
)

// resolver is the source over catalog, as commands take it: nil unless
// TMDB is on.
func (src tmdbSource) resolver(catalog storage.Catalog, log *slog.Logger) *source.Resolver {
	if src.State != "on" {
		return nil
	}
	r := source.New(catalog, src.Client, src.Searcher, nil)
	r.OnRefreshError = func(id int, err error) {
		log.Warn("refreshing a film from TMDB failed; the stored one is kept", "tmdb", id, "err", err)
	}
	r.LoadImages()
	return r
}

// keepFresh runs r's freshness job every freshEvery until ctx ends; the
// returned func stops it and waits for it (and r's background refreshes).
func keepFresh(ctx context.Context, r *source.Resolver, log *slog.Logger) func() {
	if r == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	t := time.NewTicker(freshEvery)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.KeepFresh(ctx, t.C, freshLimit, func(rep source.RefreshReport, err error) {
			if err != nil {
				log.Warn("refreshing films from TMDB stopped for now; tried again in an hour", "updated", rep.Updated, "err", err)
			} else if rep != (source.RefreshReport{}) {
				log.Info("films from TMDB refreshed", "updated", rep.Updated, "kept", rep.Kept, "dropped", rep.Dropped)
			}
		})
	}()
	return func() { cancel(); t.Stop(); <-done; r.Wait() }
}
