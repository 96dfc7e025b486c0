package smtpimap_test

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// sink starts a discarding SMTP server and returns a config for it (no
// Sent copy, so IMAP is never contacted).
func sink(b *testing.B, sec smtpimap.Security) (*smtpimapfake.SMTPServer, smtpimap.Config) {
	opts := smtpimapfake.SMTPOptions{Discard: true}
	if sec == smtpimap.StartTLS {
		opts.TLS, opts.Username, opts.Password = testTLS.Server, me, password
	}
	s, err := smtpimapfake.StartSMTP(opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	cfg := smtpimap.Config{Address: me, SkipSentCopy: true, TLSConfig: testTLS.Client(), Guard: netguard.AllowLoopback(),
		SMTP: smtpimap.Server{Host: s.Host, Port: s.Port, Username: opts.Username, Password: opts.Password, Security: sec},
		IMAP: smtpimap.Server{Host: "127.0.0.1", Port: 1, Security: smtpimap.Plain}}
	return s, cfg
}

// A cold email of typical size: headers and about 2 KB of text.
var benchRaw = append(rawMessage(me, lead, "Quick question about your hiring plans", "<bench@leadbitz.test>"),
	[]byte(strings.Repeat("Hi Alex, we help teams like yours ship faster with less toil. Worth a chat?\r\n", 26))...)

func BenchmarkSMTPSend(b *testing.B) {
	for _, sec := range []smtpimap.Security{smtpimap.Plain, smtpimap.StartTLS} {
		b.Run(string(sec), func(b *testing.B) {
			s, cfg := sink(b, sec)
			m, err := smtpimap.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			msg := provider.OutgoingMessage{From: me, To: lead, MessageID: "<bench@leadbitz.test>", Raw: benchRaw}
			for b.Loop() {
				if _, err := m.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			if s.Connections() != 1 {
				b.Errorf("%d connections, want 1 reused", s.Connections())
			}
		})
	}
}

// BenchmarkSMTPSend100Mailboxes sends from 100 mailboxes at once, each on
// its own reused connection, to one sink: the shape of a bulk send.
func BenchmarkSMTPSend100Mailboxes(b *testing.B) {
	s, cfg := sink(b, smtpimap.Plain)
	boxes := make([]*smtpimap.Mailbox, 100)
	for i := range boxes {
		c := cfg
		c.Address = "sender" + strconv.Itoa(i) + "@example.com"
		m, err := smtpimap.New(c)
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close()
		boxes[i] = m
		// Connect outside the timing: the benchmark measures reuse.
		if _, err := m.Send(ctx, provider.OutgoingMessage{To: lead, MessageID: "<warm@leadbitz.test>", Raw: benchRaw}); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, m := range boxes {
		wg.Go(func() {
			msg := provider.OutgoingMessage{To: lead, MessageID: "<bench@leadbitz.test>", Raw: benchRaw}
			for next.Add(1) <= int64(b.N) {
				if _, err := m.Send(ctx, msg); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if s.Count() != b.N+len(boxes) {
		b.Errorf("sink got %d, want %d", s.Count(), b.N+len(boxes))
	}
	if s.Connections() != len(boxes) {
		b.Errorf("%d connections for %d mailboxes", s.Connections(), len(boxes))
	}
}
