package main

import (
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// latencyProxy forwards TCP connections to a server, delaying what the
// server sends by a fixed time (half a round trip each way is folded into
// the answer): a local server then answers like one across a network, so
// a benchmark shows what waiting on it costs. Data keeps its order.
type latencyProxy struct {
	ln    net.Listener
	to    string
	delay time.Duration
	wg    sync.WaitGroup
}

func startLatencyProxy(to string, delay time.Duration) (*latencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &latencyProxy{ln: ln, to: to, delay: delay}
	p.wg.Go(p.accept)
	return p, nil
}

// Port is the proxy's port on 127.0.0.1.
func (p *latencyProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *latencyProxy) Close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *latencyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.to)
		if err != nil {
			c.Close()
			continue
		}
		go func() {
			_, _ = io.Copy(s, c)
			s.(*net.TCPConn).CloseWrite()
		}()
		go func() {
			p.delayed(c, s)
			c.(*net.TCPConn).CloseWrite()
		}()
	}
}

// delayed copies from src to dst, each chunk written delay after it was read.
func (p *latencyProxy) delayed(dst, src net.Conn) {
	type chunk struct {
		data []byte
		at   time.Time
	}
	line := make(chan chunk, 1024)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				line <- chunk{buf[:n], time.Now().Add(p.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for ch := range line {
		time.Sleep(time.Until(ch.at))
		if _, err := dst.Write(ch.data); err != nil {
			break
		}
	}
	for range line {
	}
}

func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
