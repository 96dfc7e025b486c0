package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/doctor"
)

// runDoctor is `leadbitz doctor`: every check of internal/doctor, as a
// table; an error (exit 1) naming the settings to fix when one fails.
func runDoctor(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	replicas := fs.Int("replicas", 1, "how many `serve` replicas share the database (more than one needs REDIS_URL)")
	smtp := fs.String("smtp", "smtp.gmail.com:587,smtp.gmail.com:465", "SMTP servers to reach (host:port, comma-separated)")
	imap := fs.String("imap", "imap.gmail.com:993", "IMAP servers to reach (host:port, comma-separated)")
	https := fs.String("https", "", "HTTPS servers to reach (default: the Google OAuth host)")
	dnsName := fs.String("dns-name", "gmail.com", "a domain whose MX the resolver must answer")
	timeout := fs.Duration("timeout", 5*time.Second, "bound of each network check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	probes := probesOf("SMTP", *smtp)
	probes = append(probes, probesOf("IMAP", *imap)...)
	if *https == "" {
		for _, p := range doctor.DefaultProbes(cfg) {
			if strings.HasPrefix(p.Name, "HTTPS") {
				probes = append(probes, p)
			}
		}
	} else {
		probes = append(probes, probesOf("HTTPS", *https)...)
	}
	results := doctor.Run(ctx, cfg, doctor.Options{Replicas: *replicas, Probes: probes, DNSName: *dnsName, Timeout: *timeout})
	if err := doctor.Print(stdout, results); err != nil {
		return err
	}
	return doctor.Failed(results)
}

func probesOf(kind, list string) []doctor.Probe {
	var probes []doctor.Probe
	for _, addr := range strings.Split(list, ",") {
		if addr = strings.TrimSpace(addr); addr != "" {
			port := addr[strings.LastIndexByte(addr, ':')+1:]
			probes = append(probes, doctor.Probe{Name: fmt.Sprintf("%s (%s)", kind, port), Addr: addr})
		}
	}
	return probes
}
