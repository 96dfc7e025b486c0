package sending

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the engine's Prometheus series.
type Metrics struct {
	sends        *prometheus.CounterVec
	deferrals    *prometheus.CounterVec
	failures     *prometheus.CounterVec
	tickDuration prometheus.Histogram
	dueBacklog   prometheus.Gauge
}

// NewMetrics registers the engine's metrics on reg:
//
//	leadbitz_sends_total{provider}            messages that went out
//	leadbitz_send_deferrals_total{reason}     jobs moved later or held, by rule
//	leadbitz_send_failures_total{reason}      failed attempts, by provider error kind
//	leadbitz_tick_duration_seconds            one Tick, start to end
//	leadbitz_send_due_backlog                 scheduled jobs already due after a tick
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_sends_total",
			Help: "Messages the send engine sent, by provider."}, []string{"provider"}),
		deferrals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_send_deferrals_total",
			Help: "Jobs the tick moved to a later time or held, by the rule that blocked them."}, []string{"reason"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leadbitz_send_failures_total",
			Help: "Send attempts that failed, by kind (transient, rate_limited, auth, permanent, render)."}, []string{"reason"}),
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "leadbitz_tick_duration_seconds",
			Help: "Duration of one send tick.", Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}),
		dueBacklog: prometheus.NewGauge(prometheus.GaugeOpts{Name: "leadbitz_send_due_backlog",
			Help: "Scheduled jobs already due when the last tick ended (counted up to 100000)."}),
	}
	if reg != nil {
		reg.MustRegister(m.sends, m.deferrals, m.failures, m.tickDuration, m.dueBacklog)
	}
	return m
}

func (m *Metrics) sent(provider string) {
	if m != nil {
		m.sends.WithLabelValues(provider).Inc()
	}
}

func (m *Metrics) deferred(reason string) {
	if m != nil {
		m.deferrals.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) failed(reason string) {
	if m != nil {
		m.failures.WithLabelValues(reason).Inc()
	}
}
