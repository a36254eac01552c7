package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Counting an interaction and a store operation, once their labels were
// seen, allocates nothing, and adds to the series WithLabelValues finds.
func TestPerInteractionCounts(t *testing.T) {
	m := New(nil)
	for range 3 {
		m.Interaction("review", "command", "answered", false, false, time.Millisecond)
		m.StoreOp("review_page", time.Millisecond, nil)
	}
	m.Interaction("review", "command", "user_error", false, false, time.Millisecond)
	m.StoreOp("review_page", time.Millisecond, errors.New("gone"))
	// AllocsPerRun runs it 101 times: 3 + 101 answered in all.
	if n := testing.AllocsPerRun(100, func() {
		m.Interaction("review", "command", "answered", false, false, time.Millisecond)
		m.StoreOp("review_page", time.Millisecond, nil)
	}); n != 0 {
		t.Errorf("%v allocations per interaction counted", n)
	}
	read := func(c prometheus.Metric) *dto.Metric {
		var d dto.Metric
		if err := c.Write(&d); err != nil {
			t.Fatal(err)
		}
		return &d
	}
	if got := read(m.interactions.WithLabelValues("review", "command", "answered")).GetCounter().GetValue(); got != 104 {
		t.Errorf("answered reviews %v, want 104", got)
	}
	if got := read(m.interactions.WithLabelValues("review", "command", "user_error")).GetCounter().GetValue(); got != 1 {
		t.Errorf("user errors %v, want 1", got)
	}
	if got := read(m.firstAnswer.WithLabelValues("command").(prometheus.Metric)).GetHistogram().GetSampleCount(); got != 105 {
		t.Errorf("first answers %v, want 105", got)
	}
	if got := read(m.storeOps.WithLabelValues("review_page", "ok").(prometheus.Metric)).GetHistogram().GetSampleCount(); got != 104 {
		t.Errorf("store reads %v, want 104", got)
	}
	if got := read(m.storeOps.WithLabelValues("review_page", "error").(prometheus.Metric)).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("store errors %v, want 1", got)
	}
}
