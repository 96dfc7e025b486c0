package replies

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the reply loop's Prometheus series.
type Metrics struct {
	messages     *prometheus.CounterVec
	failures     *prometheus.CounterVec
	passDuration prometheus.Histogram
	lag          prometheus.Gauge
	replies      *prometheus.CounterVec
}

// NewMetrics registers the reply loop's metrics on reg:
//
//	leadbitz_sync_messages_total{kind}         inbound messages stored, by verdict
//	leadbitz_sync_failures_total{reason}       mailbox syncs that failed, by provider error kind
//	leadbitz_sync_pass_duration_seconds        one SyncAll pass, start to end
//	leadbitz_sync_lag_seconds                  age of the oldest last successful sync among active mailboxes, at the last pass
//	leadbitz_replies_sent_total{outcome}       replies from conversations: sent, retry, failed
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_sync_messages_total",
			Help: "Inbound messages inbox sync stored, by verdict (reply, bounce, auto_reply, unsubscribe, complaint)."},
			[]string{"kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_sync_failures_total",
			Help: "Mailbox syncs that failed, by kind (transient, rate_limited, auth…)."}, []string{"reason"}),
		passDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "leadbitz_sync_pass_duration_seconds",
			Help: "Duration of one sync pass over every active mailbox.", Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300}}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "leadbitz_sync_lag_seconds",
			Help: "How long ago the least recently synced active mailbox was last read successfully, at the start of the last pass."}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_replies_sent_total",
			Help: "Attempts to send replies written in conversations, by outcome (sent, retry, failed)."}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.messages, m.failures, m.passDuration, m.lag, m.replies)
	}
	return m
}

func (m *Metrics) stored(kind string) {
	if m != nil {
		m.messages.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) failed(reason string) {
	if m != nil {
		m.failures.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) pass(seconds, lag float64) {
	if m != nil {
		m.passDuration.Observe(seconds)
		m.lag.Set(lag)
	}
}

func (m *Metrics) reply(outcome string) {
	if m != nil {
		m.replies.WithLabelValues(outcome).Inc()
	}
}
