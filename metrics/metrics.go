// Package metrics is what filmbot tells Prometheus: interactions by route
// and result, time to the first answer, store operations, group commits,
// the catalog cache, and the gateway's shards. Served as /metrics in
// Prometheus's text format (prometheus/client_golang).
package metrics

import (
	"net/http"
	"strconv"
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
	groups       *prometheus.HistogramVec
	cache        *prometheus.CounterVec
	gatewayUp    *prometheus.GaugeVec
	gateway      *prometheus.CounterVec
	identifyWait *prometheus.CounterVec
	refused      *prometheus.CounterVec
}

// New returns filmbot's metrics, with the Go runtime's and the process's.
// constLabels (shards, replica) are put on every series.
func New(constLabels prometheus.Labels) *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) prometheus.Collector { reg.MustRegister(c); return c }
	m := &Metrics{reg: reg}
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
	m.identifyWait = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_identify_wait_seconds_total", ConstLabels: constLabels,
		Help: "Time shards waited for their turn to identify (Discord's max_concurrency per 5 s)."}, []string{"shard"})).(*prometheus.CounterVec)
	m.refused = f(prometheus.NewCounterVec(prometheus.CounterOpts{Name: "filmbot_http_refused_total", ConstLabels: constLabels,
		Help: "Requests to the Interactions Endpoint refused before a handler, by reason: headers (signature headers missing, malformed or more than 5 minutes off), signature, too_large, busy, unreadable, not_interaction, replay."},
		[]string{"reason"})).(*prometheus.CounterVec)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Interaction records one answered interaction.
func (m *Metrics) Interaction(route, kind, result string, deferred, late bool, firstAnswer time.Duration) {
	m.interactions.WithLabelValues(route, kind, result).Inc()
	if deferred {
		m.deferred.WithLabelValues(route).Inc()
	}
	if late {
		m.late.WithLabelValues(route).Inc()
	}
	if firstAnswer > 0 {
		m.firstAnswer.WithLabelValues(kind).Observe(firstAnswer.Seconds())
	}
}

// StoreOp records one store operation.
func (m *Metrics) StoreOp(op string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.storeOps.WithLabelValues(op, result).Observe(took.Seconds())
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

// Refused records a request to the Interactions Endpoint refused before a
// handler (bot.HTTPEndpoint.Refused).
func (m *Metrics) Refused(reason string) { m.refused.WithLabelValues(reason).Inc() }
