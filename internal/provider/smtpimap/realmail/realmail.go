package realmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// ErrUnavailable means this machine cannot run the server: a binary is
// missing or the process is not root. Require turns it into a skip or, in
// CI, a failure.
var ErrUnavailable = errors.New("realmail: postfix/dovecot cannot run here")

// Binaries the server needs, as installed by Debian's postfix,
// dovecot-imapd and dovecot-lmtpd packages.
var binaries = []string{"postfix", "dovecot", "doveadm"}

// Options configures a server.
type Options struct {
	// Domain is the local mail domain; default "example.test". Mail to any
	// other domain is refused.
	Domain string
	// Users maps local addresses to passwords; more can be added later
	// with AddUser.
	Users map[string]string
	// StartTimeout bounds the wait for both servers to listen; default 20s.
	StartTimeout time.Duration
	// TLS is the certificate authority and server certificate to use
	// (a benchmark shares one with its fake servers); default a new one.
	TLS *smtpimapfake.TLS
	// Dir is where the server's directory (configuration, queue, mail) is
	// made; default the system's temporary directory. A benchmark puts it
	// on tmpfs to take this machine's disk out of what it measures.
	Dir string
}

// Server is a running Postfix + Dovecot pair.
type Server struct {
	Domain string
	Host   string // 127.0.0.1
	// Ports: SMTP submission with STARTTLS and with implicit TLS, IMAP
	// with STARTTLS and with implicit TLS.
	SubmissionPort, SubmissionsPort int
	IMAPPort, IMAPSPort             int

	dir     string
	tls     *smtpimapfake.TLS
	postfix *exec.Cmd
	dovecot *exec.Cmd

	mu        sync.Mutex
	users     map[string]string
	stopOnce  sync.Once
	stopErr   error
	dovecotCh chan error
	postfixCh chan error
}

// Available reports why this machine cannot run the server, or nil.
func Available() error {
	for _, b := range binaries {
		if _, err := exec.LookPath(b); err != nil {
			return fmt.Errorf("%w: %s is not installed (apt-get install postfix dovecot-imapd dovecot-lmtpd)", ErrUnavailable, b)
		}
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: postfix and dovecot must be started as root", ErrUnavailable)
	}
	for _, u := range []string{"postfix", "dovecot", "dovenull", "mail"} {
		if _, err := user.Lookup(u); err != nil {
			return fmt.Errorf("%w: system user %s is missing", ErrUnavailable, u)
		}
	}
	return nil
}

// Start lays out a private configuration in a new temporary directory and
// starts Dovecot, then Postfix. Call Stop when done; it removes the
// directory.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if opts.Domain == "" {
		opts.Domain = "example.test"
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 20 * time.Second
	}
	cleanAbandoned()
	dir, err := os.MkdirTemp(opts.Dir, "realmail-")
	if err != nil {
		return nil, err
	}
	s := &Server{Domain: opts.Domain, Host: "127.0.0.1", dir: dir, users: map[string]string{}, tls: opts.TLS}
	for addr, pass := range opts.Users {
		s.users[strings.ToLower(addr)] = pass
	}
	if err := s.start(ctx, opts.StartTimeout); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, timeout time.Duration) error {
	// The daemons run as unprivileged users: every directory on the way to
	// their files must be traversable.
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return err
	}
	if err := s.writeOwner(); err != nil {
		return err
	}
	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	s.SubmissionPort, s.SubmissionsPort, s.IMAPPort, s.IMAPSPort = ports[0], ports[1], ports[2], ports[3]
	if s.tls == nil {
		if s.tls, err = smtpimapfake.NewTLS(); err != nil {
			return err
		}
	}
	if err := s.writeTLS(); err != nil {
		return err
	}
	if err := s.writeUsers(); err != nil {
		return err
	}
	if err := s.layoutDovecot(); err != nil {
		return err
	}
	if err := s.layoutPostfix(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	s.dovecot = exec.Command("dovecot", "-F", "-c", s.path("dovecot", "dovecot.conf"))
	// If the test process dies without Stop (a test timeout), the master
	// is told to end and takes its children with it.
	s.dovecot.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if s.dovecotCh, err = startCmd(s.dovecot, s.path("dovecot.out")); err != nil {
		return fmt.Errorf("start dovecot: %w", err)
	}
	if err := s.waitListening(ctx, s.dovecotCh, "dovecot", s.IMAPPort, s.IMAPSPort); err != nil {
		return err
	}
	if err := waitSocket(ctx, s.path("run", "lmtp")); err != nil {
		return fmt.Errorf("dovecot lmtp socket: %w\n%s", err, s.Logs())
	}

	// The master runs as our direct child (what "postfix start-fg" would
	// run after checks the layout above makes unnecessary), so a SIGTERM
	// stops it and its daemons, and so does the death of the test process.
	daemonDir, err := exec.CommandContext(ctx, "postconf", "-c", s.path("postfix"), "-h", "daemon_directory").Output()
	if err != nil {
		return fmt.Errorf("postconf daemon_directory: %w", err)
	}
	s.postfix = exec.Command(filepath.Join(strings.TrimSpace(string(daemonDir)), "master"), "-c", s.path("postfix"), "-s")
	s.postfix.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if s.postfixCh, err = startCmd(s.postfix, s.path("postfix.out")); err != nil {
		return fmt.Errorf("start postfix: %w", err)
	}
	return s.waitListening(ctx, s.postfixCh, "postfix", s.SubmissionPort, s.SubmissionsPort)
}

// Stop stops Postfix and Dovecot and removes the directory. It is safe to
// call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.postfix != nil && s.postfix.Process != nil {
			// SIGTERM makes the master end its children and exit ("postfix
			// stop" does the same, then polls once a second).
			errs = append(errs, waitOrKill(s.postfix, s.postfixCh, true))
		}
		if s.dovecot != nil && s.dovecot.Process != nil {
			errs = append(errs, waitOrKill(s.dovecot, s.dovecotCh, true))
		}
		errs = append(errs, os.RemoveAll(s.dir))
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// Address returns local@Domain.
func (s *Server) Address(local string) string { return local + "@" + s.Domain }

// AddUser creates (or changes the password of) a mailbox. Once it
// returns, the new password works and an old one does not: Dovecot is
// reloaded (its auth process keeps what it read) and asked until it agrees.
func (s *Server) AddUser(addr, password string) error {
	s.mu.Lock()
	s.users[strings.ToLower(addr)] = password
	s.mu.Unlock()
	if err := s.writeUsers(); err != nil {
		return err
	}
	if s.dovecot == nil || s.dovecot.Process == nil {
		return nil
	}
	if err := s.dovecot.Process.Signal(syscall.SIGHUP); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := exec.Command("doveadm", "-c", s.path("dovecot", "dovecot.conf"), "auth", "test", addr, password).Run()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("realmail: dovecot does not accept the new password of %s: %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ClientTLS returns a TLS configuration that trusts the server's throw-away
// certificate (valid for 127.0.0.1 and localhost), and nothing else.
func (s *Server) ClientTLS() *tls.Config { return s.tls.Client() }

// Logs returns what both servers logged, for a failing test to print.
func (s *Server) Logs() string {
	var b strings.Builder
	for _, f := range []string{"maillog", "dovecot.log", "dovecot.out", "postfix.out"} {
		data, err := os.ReadFile(s.path(f))
		if err != nil || len(data) == 0 {
			continue
		}
		fmt.Fprintf(&b, "--- %s\n%s", f, data)
	}
	return b.String()
}

func (s *Server) path(elem ...string) string {
	return filepath.Join(append([]string{s.dir}, elem...)...)
}

// startCmd starts cmd with its output in a file and returns a channel that
// receives Wait's result.
func startCmd(cmd *exec.Cmd, outPath string) (chan error, error) {
	out, err := os.Create(outPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	done := make(chan error, 1)
	go func() {
		done <- cmd.Wait()
		out.Close()
	}()
	return done, nil
}

// waitOrKill waits for cmd to end, first asking it to (SIGTERM) when
// signal is set, and kills it after 10 seconds.
func waitOrKill(cmd *exec.Cmd, done chan error, signal bool) error {
	if signal {
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("realmail: %s did not stop in time; killed", cmd.Path)
	}
}

func (s *Server) waitListening(ctx context.Context, exited chan error, name string, ports ...int) error {
	for _, p := range ports {
		addr := net.JoinHostPort(s.Host, strconv.Itoa(p))
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				exited <- err
				return fmt.Errorf("%s exited at start (%v)\n%s", name, err, s.Logs())
			case <-ctx.Done():
				return fmt.Errorf("%s is not listening on %s: %w\n%s", name, addr, ctx.Err(), s.Logs())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

func waitSocket(ctx context.Context, path string) error {
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freePorts asks the kernel for n free ports of 127.0.0.1. Another process
// could take one before the servers bind it; Start then fails with the
// server's log, and a retry picks new ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// chownTo gives path to a system user and group ("" = the user's group).
func chownTo(path, username, group string) error {
	u, err := user.Lookup(username)
	if err != nil {
		return err
	}
	gidStr := u.Gid
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return err
		}
		gidStr = g.Gid
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(gidStr)
	return os.Chown(path, uid, gid)
}
