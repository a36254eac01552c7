// Package metrics is what filmbot tells Prometheus: interactions by route
// and result, time to the first answer, store operations, group commits,
// the catalog cache, the gateway's shards, and the TMDB source (requests,
// latency, breaker, search cache). Served as /metrics in
// Prometheus's text format (prometheus/client_golang).
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds filmbot's collectors in their own registry.
type Metrics struct {
	reg *prometheus.Registry

	interactions *prometheus.CounterVec
	deferred     *prometheus.CounterVec
	late         *prometheus.CounterVec
	firstAnswer  *prometheus.HistogramVec
	storeOps     *prometheus.HistogramVec
	// Their children, found once (children).
	interactionsBy children[[3]string, prometheus.Counter]
	firstAnswerBy  children[[2]string, prometheus.Observer]
	storeOpsBy     children[[2]string, prometheus.Observer]
	groups         *prometheus.HistogramVec
	cache          *prometheus.CounterVec
	gatewayUp      *prometheus.GaugeVec
	gateway        *prometheus.CounterVec
	identifyWait   *prometheus.CounterVec
	refused        *prometheus.CounterVec
	shardsOwned    prometheus.Gauge
	shardEvents    *prometheus.CounterVec

	catalogBytes     prometheus.Gauge
	catalogBound     prometheus.Gauge
	catalogEvictions prometheus.Counter

	tmdbRequests *prometheus.CounterVec
	tmdbLatency  *prometheus.HistogramVec
	tmdbSource   *prometheus.GaugeVec
	constLabels  prometheus.Labels
	tmdbWatched  sync.Once
	storeWatched sync.Once
}

// StoreCache is what the cache of a shared database (storage.Cached)
// tells at each scrape.
type StoreCache struct {
	Hits, Misses, Checks, Evicted uint64
	Bytes, Bound                  int64
	Entries                       int
}

// WatchStoreCache reads, at each scrape, the store cache's counters and
// size (hits and misses, whose ratio is its hit ratio; version checks;
// bytes and bound). Only the first call counts.
func (m *Metrics) WatchStoreCache(stats func() StoreCache) {
	m.storeWatched.Do(func() {
		l := m.constLabels
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_store_cache_hits_total", ConstLabels: l,
				Help: "Reads of films, reviews and settings answered from the store cache (FILMBOT_STORE_CACHE_MB) after its version check."},
				func() float64 { return float64(stats().Hits) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_store_cache_misses_total", ConstLabels: l,
				Help: "Reads the store cache could not answer (absent, or changed since it was read): read from the database."},
				func() float64 { return float64(stats().Misses) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_store_cache_hit_ratio", ConstLabels: l,
				Help: "Hits over hits and misses of the store cache since the start (0 before any read)."},
				func() float64 {
					s := stats()
					if s.Hits+s.Misses == 0 {
						return 0
					}
					return float64(s.Hits) / float64(s.Hits+s.Misses)
				}),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_store_cache_checks_total", ConstLabels: l,
				Help: "Version reads the store cache made of the database (each serves every read waiting for it)."},
				func() float64 { return float64(stats().Checks) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_store_cache_evictions_total", ConstLabels: l,
				Help: "Entries evicted from the store cache to stay within its bound (least recently used first)."},
				func() float64 { return float64(stats().Evicted) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_store_cache_bytes", ConstLabels: l,
				Help: "Bytes the store cache holds, about (bounded by FILMBOT_STORE_CACHE_MB)."},
				func() float64 { return float64(stats().Bytes) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_store_cache_bound_bytes", ConstLabels: l,
				Help: "The bound on filmbot_store_cache_bytes (FILMBOT_STORE_CACHE_MB)."},
				func() float64 { return float64(stats().Bound) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_store_cache_entries", ConstLabels: l,
				Help: "Entries the store cache holds."},
				func() float64 { return float64(stats().Entries) }),
		)
	})
}

// The states of the TMDB source (filmbot_tmdb_source).
var tmdbStates = []string{"off", "on", "refused"}

// New returns filmbot's metrics, with the Go runtime's and the process's.
// constLabels (shards, replica) are put on every series.
func New(constLabels prometheus.Labels) *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) prometheus.Collector { reg.MustRegister(c); return c }
	m := &Metrics{reg: reg, constLabels: constLabels}
	m.interactions = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_interactions_total", ConstLabels: constLabels,
		Help: "Interactions answered, by route (command or button family), kind and result (answered, user_error, internal_error)."},
		[]string{"route", "kind", "result"})).(*prometheus.CounterVec)
	m.deferred = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_interactions_deferred_total", ConstLabels: constLabels,
		Help: "Interactions whose answer came after a deferral (the handler took over 2 s)."}, []string{"route"})).(*prometheus.CounterVec)
	m.late = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_interactions_late_total", ConstLabels: constLabels,
		Help: "Interactions whose first answer could not be sent (past Discord's 3 s, or refused)."}, []string{"route"})).(*prometheus.CounterVec)
	m.firstAnswer = f(prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "filmbot_first_answer_seconds", ConstLabels: constLabels,
		Help:    "Time from an interaction's receipt to its first answer (the answer, or a deferral) being sent.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3}}, []string{"kind"})).(*prometheus.HistogramVec)
	m.storeOps = f(prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "filmbot_store_seconds", ConstLabels: constLabels,
		Help:    "Store operations' latency, by operation and result (ok, error).",
		Buckets: []float64{.0001, .00025, .0005, .001, .002, .005, .01, .025, .05, .1, .5, 2}}, []string{"op", "result"})).(*prometheus.HistogramVec)
	m.groups = f(prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "filmbot_group_commit_size", ConstLabels: constLabels,
		Help:    "Writes per group commit (bbolt: every write; PostgreSQL: ratings).",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}, []string{"store"})).(*prometheus.HistogramVec)
	m.cache = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_catalog_cache_total", ConstLabels: constLabels,
		Help: "Autocomplete catalog lookups: hit (the index was current) or rebuild (the store's catalog version had changed)."},
		[]string{"result"})).(*prometheus.CounterVec)
	m.gatewayUp = f(prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "filmbot_gateway_connected", ConstLabels: constLabels,
		Help: "1 while the shard's gateway connection is up."}, []string{"shard"})).(*prometheus.GaugeVec)
	m.gateway = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_gateway_events_total", ConstLabels: constLabels,
		Help: "Gateway connection events by shard: connect, disconnect, resume."}, []string{"shard", "event"})).(*prometheus.CounterVec)
	m.shardsOwned = f(prometheus.NewGauge(prometheus.GaugeOpts{Name: "filmbot_shards_owned", ConstLabels: constLabels,
		Help: "Gateway shards this process owns (FILMBOT_SHARD_IDS=auto)."})).(prometheus.Gauge)
	m.shardEvents = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_shard_claims_total", ConstLabels: constLabels,
		Help: "FILMBOT_SHARD_IDS=auto: shards claimed, taken_over (from a process whose claim lapsed), lost (stopped: the claim could not be renewed in time) and handed_over (stopped and released for a process below its share)."}, []string{"event"})).(*prometheus.CounterVec)
	m.identifyWait = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_identify_wait_seconds_total", ConstLabels: constLabels,
		Help: "Time shards waited for their turn to identify (Discord's max_concurrency per 5 s)."}, []string{"shard"})).(*prometheus.CounterVec)
	m.refused = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_http_refused_total", ConstLabels: constLabels,
		Help: "Requests to the Interactions Endpoint refused before a handler, by reason: headers (signature headers missing, malformed or more than 5 minutes off), signature, too_large, busy, unreadable, not_interaction, replay."},
		[]string{"reason"})).(*prometheus.CounterVec)
	m.catalogBytes = f(prometheus.NewGauge(prometheus.GaugeOpts{Name: "filmbot_catalog_cache_bytes", ConstLabels: constLabels,
		Help: "Bytes the autocomplete indexes in the catalog cache hold (bounded by FILMBOT_AUTOCOMPLETE_CACHE_MB)."})).(prometheus.Gauge)
	m.catalogBound = f(prometheus.NewGauge(prometheus.GaugeOpts{Name: "filmbot_catalog_cache_bound_bytes", ConstLabels: constLabels,
		Help: "The bound on filmbot_catalog_cache_bytes (FILMBOT_AUTOCOMPLETE_CACHE_MB)."})).(prometheus.Gauge)
	m.catalogEvictions = f(prometheus.NewCounter(prometheus.CounterOpts{Name: "filmbot_catalog_cache_evictions_total", ConstLabels: constLabels,
		Help: "Autocomplete indexes evicted from the catalog cache to stay within its bound (least recently used first)."})).(prometheus.Counter)
	m.tmdbRequests = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_tmdb_requests_total", ConstLabels: constLabels,
		Help: "Requests to TMDB by endpoint (search/movie, movie, find, …) and result (ok, not_found, unauthorized, rate_limited, error; busy and breaker_open were refused before reaching TMDB)."},
		[]string{"endpoint", "result"})).(*prometheus.CounterVec)
	m.tmdbLatency = f(prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "filmbot_tmdb_request_seconds", ConstLabels: constLabels,
		Help:    "Latency of the requests that reached TMDB, by endpoint.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 5, 10}}, []string{"endpoint"})).(*prometheus.HistogramVec)
	m.tmdbSource = f(prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "filmbot_tmdb_source", ConstLabels: constLabels,
		Help: "1 for the TMDB source's state: off (no TMDB_TOKEN or TMDB_API_KEY), on, or refused (TMDB refused the token at start)."},
		[]string{"state"})).(*prometheus.GaugeVec)
	m.TMDBSource("off")
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Interaction records one answered interaction.
func (m *Metrics) Interaction(route, kind, result string, deferred, late bool, firstAnswer time.Duration) {
	m.interactionsBy.get([3]string{route, kind, result}, func(k [3]string) prometheus.Counter {
		return m.interactions.WithLabelValues(k[:]...)
	}).Inc()
	if deferred {
		m.deferred.WithLabelValues(route).Inc()
	}
	if late {
		m.late.WithLabelValues(route).Inc()
	}
	if firstAnswer > 0 {
		m.firstAnswerBy.get([2]string{kind}, func(k [2]string) prometheus.Observer {
			return m.firstAnswer.WithLabelValues(k[0])
		}).Observe(firstAnswer.Seconds())
	}
}

// children keeps a vector's children by their label values, for the
// vectors filmbot adds to once or more per interaction: WithLabelValues
// hashes the values and takes a lock on every call, where a child found
// once is read again lock-free here. Their labels are few and bounded
// (routes, kinds, results, store operations), as the vectors' own
// children are, and no child is ever deleted.
type children[K comparable, C any] struct{ m sync.Map }

func (c *children[K, C]) get(k K, child func(K) C) C {
	if v, ok := c.m.Load(k); ok {
		return v.(C)
	}
	v, _ := c.m.LoadOrStore(k, child(k))
	return v.(C)
}

// StoreOp records one store operation.
func (m *Metrics) StoreOp(op string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.storeOpsBy.get([2]string{op, result}, func(k [2]string) prometheus.Observer {
		return m.storeOps.WithLabelValues(k[:]...)
	}).Observe(took.Seconds())
}

// Group records a group commit of n writes.
func (m *Metrics) Group(store string, n int) { m.groups.WithLabelValues(store).Observe(float64(n)) }

// Cache records a catalog cache lookup.
func (m *Metrics) Cache(hit bool) {
	if hit {
		m.cache.WithLabelValues("hit").Inc()
	} else {
		m.cache.WithLabelValues("rebuild").Inc()
	}
}

// CatalogCache records the catalog cache's size and bound after a
// change, and how many indexes that change evicted.
func (m *Metrics) CatalogCache(bytes, bound int64, evicted int) {
	m.catalogBytes.Set(float64(bytes))
	m.catalogBound.Set(float64(bound))
	m.catalogEvictions.Add(float64(evicted))
}

// Gateway records a shard's connection event.
func (m *Metrics) Gateway(shard int, event string) {
	s := strconv.Itoa(shard)
	m.gateway.WithLabelValues(s, event).Inc()
	switch event {
	case "connect", "resume":
		m.gatewayUp.WithLabelValues(s).Set(1)
	case "disconnect":
		m.gatewayUp.WithLabelValues(s).Set(0)
	}
}

// IdentifyWait records a shard's wait for its identify turn.
func (m *Metrics) IdentifyWait(shard int, waited time.Duration) {
	m.identifyWait.WithLabelValues(strconv.Itoa(shard)).Add(waited.Seconds())
}

// ShardsOwned records how many shards this process owns (bot.Config.OnShards).
func (m *Metrics) ShardsOwned(n int) { m.shardsOwned.Set(float64(n)) }

// ShardEvent records a shard pool's event (bot.Config.OnShardEvent).
func (m *Metrics) ShardEvent(event string) { m.shardEvents.WithLabelValues(event).Inc() }

// Refused records a request to the Interactions Endpoint refused before a
// handler (bot.HTTPEndpoint.Refused).
func (m *Metrics) Refused(reason string) { m.refused.WithLabelValues(reason).Inc() }

// TMDBRequest records one request to TMDB (tmdb.Options.Observe): its
// endpoint, its result, and, when it reached TMDB, how long it took.
func (m *Metrics) TMDBRequest(endpoint, result string, sent bool, took time.Duration) {
	m.tmdbRequests.WithLabelValues(endpoint, result).Inc()
	if sent {
		m.tmdbLatency.WithLabelValues(endpoint).Observe(took.Seconds())
	}
}

// TMDBSource sets the TMDB source's state: off, on or refused.
func (m *Metrics) TMDBSource(state string) {
	for _, s := range tmdbStates {
		v := 0.0
		if s == state {
			v = 1
		}
		m.tmdbSource.WithLabelValues(s).Set(v)
	}
}

// WatchTMDB reads, at each scrape, whether the TMDB client's breaker is
// open and the search cache's counters and size. Only the first call
// counts.
func (m *Metrics) WatchTMDB(breakerOpen func() bool, cache func() (hits, misses uint64, entries, bytes int)) {
	m.tmdbWatched.Do(func() {
		l := m.constLabels
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_tmdb_breaker_open", ConstLabels: l,
				Help: "1 while the TMDB client's breaker is open (after repeated failures it stops calling TMDB for a while)."},
				func() float64 {
					if breakerOpen() {
						return 1
					}
					return 0
				}),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_tmdb_search_cache_hits_total", ConstLabels: l,
				Help: "TMDB searches answered from the search cache."},
				func() float64 { h, _, _, _ := cache(); return float64(h) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "filmbot_tmdb_search_cache_misses_total", ConstLabels: l,
				Help: "TMDB searches the search cache did not hold (made, or joined while in flight)."},
				func() float64 { _, mi, _, _ := cache(); return float64(mi) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_tmdb_search_cache_entries", ConstLabels: l,
				Help: "Searches the TMDB search cache holds."},
				func() float64 { _, _, e, _ := cache(); return float64(e) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "filmbot_tmdb_search_cache_bytes", ConstLabels: l,
				Help: "Bytes the TMDB search cache holds (bounded)."},
				func() float64 { _, _, _, b := cache(); return float64(b) }),
		)
	})
}
