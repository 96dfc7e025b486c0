package doctor

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// migratedURL is a migrated database's URL (storetest.URL's SQLite file is
// empty until opened through storetest.New).
func migratedURL(t *testing.T) string {
	t.Helper()
	url := storetest.URL(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return url
}

func cfgOf(t *testing.T, vars map[string]string) config.Config {
	t.Helper()
	c, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBaseURL(t *testing.T) {
	cases := []struct {
		url  string
		want Status
	}{
		{"https://www.example.com", OK},
		{"https://10.0.0.5:8443", OK},
		{"http://127.0.0.1:8080", Warn},
		{"http://localhost:8080", Warn},
		{"http://[::1]:8080", Warn},
		{"http://www.example.com", Fail},
		{"http://10.0.0.5:8080", Fail},
	}
	for _, c := range cases {
		r := BaseURL(cfgOf(t, map[string]string{"LEADBITZ_BASE_URL": c.url}))
		if r.Status != c.want || r.Setting != "LEADBITZ_BASE_URL" {
			t.Errorf("%s: %v (%s), want %v", c.url, r.Status, r.Detail, c.want)
		}
	}
}

func TestClockResult(t *testing.T) {
	cases := []struct {
		skew, roundTrip time.Duration
		want            Status
	}{
		{0, time.Millisecond, OK},
		{1500 * time.Millisecond, 0, OK},
		{5 * time.Second, 0, Warn},
		{-5 * time.Second, 0, Warn},
		{3 * time.Second, 4 * time.Second, OK}, // within what a slow round trip hides
		{-40 * time.Second, 0, Fail},
		{time.Hour, time.Second, Fail},
	}
	for _, c := range cases {
		if r := clockResult(Result{}, c.skew, c.roundTrip); r.Status != c.want {
			t.Errorf("skew %s over %s: %v (%s), want %v", c.skew, c.roundTrip, r.Status, r.Detail, c.want)
		}
	}
}

func TestClockAgainstTheDatabase(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if r := Clock(ctx, st, time.Now); r.Status != OK {
		t.Errorf("same clock: %v %s", r.Status, r.Detail)
	}
	wrong := func() time.Time { return time.Now().Add(-10 * time.Minute) }
	want := Fail
	if st.Dialect() != store.Postgres {
		want = OK // one clock: nothing to compare
	}
	if r := Clock(ctx, st, wrong); r.Status != want {
		t.Errorf("a clock 10 minutes slow on %s: %v %s, want %v", st.Dialect(), r.Status, r.Detail, want)
	}
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestOutbound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var d net.Dialer
	cases := []struct {
		addr string
		want Status
	}{
		{ln.Addr().String(), OK},
		{closedAddr(t), Fail},
	}
	for _, c := range cases {
		r := Outbound(context.Background(), d.DialContext, Probe{Name: "SMTP submission (587)", Addr: c.addr}, 2*time.Second)
		if r.Status != c.want || !strings.Contains(r.Setting, c.addr) {
			t.Errorf("%s: %+v, want %v naming the address", c.addr, r, c.want)
		}
	}
}

func TestDNS(t *testing.T) {
	srv := dnsfake.Start(t)
	srv.Set("example.org", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.example.org"}}})
	ctx := context.Background()
	if r := DNS(ctx, srv.Addr, "example.org", 2*time.Second); r.Status != OK {
		t.Errorf("answering resolver: %+v", r)
	}
	if r := DNS(ctx, srv.Addr, "nothing.example.org", 2*time.Second); r.Status != Fail {
		t.Errorf("a name without MX: %+v", r)
	}
	srv.Silent(true)
	if r := DNS(ctx, srv.Addr, "example.org", 300*time.Millisecond); r.Status != Fail || r.Setting != "LEADBITZ_DNS_SERVER" {
		t.Errorf("silent resolver: %+v", r)
	}
}

func TestRedis(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		url      string
		replicas int
		want     Status
	}{
		{"one replica without Redis", "", 1, OK},
		{"two replicas without Redis", "", 2, Fail},
		{"unreachable", "redis://:sekrit@" + closedAddr(t) + "/0", 1, Fail},
		{"not a URL", "redis://:sekrit@[::1", 2, Fail},
	}
	if storetest.Dialect() == "postgres" { // the run that has Redis
		cases = append(cases, struct {
			name     string
			url      string
			replicas int
			want     Status
		}{"reachable", storetest.RedisURL(), 2, OK})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Redis(ctx, c.url, c.replicas, 2*time.Second)
			if r.Status != c.want || r.Setting != "REDIS_URL" {
				t.Errorf("%+v, want %v", r, c.want)
			}
			if strings.Contains(r.Detail, "sekrit") {
				t.Errorf("detail shows the password: %s", r.Detail)
			}
		})
	}
}

func TestDatabase(t *testing.T) {
	ctx := context.Background()
	st, r := Database(ctx, migratedURL(t), 5*time.Second)
	if r.Status != OK || st == nil {
		t.Fatalf("migrated database: %+v", r)
	}
	st.Close()
	st, r = Database(ctx, storetest.EmptyURL(t), 5*time.Second)
	if r.Status != Fail || !strings.Contains(r.Detail, "leadbitz migrate") {
		t.Errorf("database never migrated: %+v", r)
	}
	if st != nil {
		st.Close()
	}
	url := "postgres://leadbitz:sekrit@" + closedAddr(t) + "/leadbitz?connect_timeout=2"
	st, r = Database(ctx, url, 3*time.Second)
	if st != nil || r.Status != Fail || r.Setting != "DATABASE_URL" || strings.Contains(r.Detail, "sekrit") {
		t.Errorf("unreachable database: %+v", r)
	}
}

func TestKey(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	good := secrets.GenerateKey()
	cases := []struct {
		name    string
		prepare func(dir string) map[string]string
		want    Status
		setting string
	}{
		{"in the environment", func(string) map[string]string { return map[string]string{"LEADBITZ_SECRET_KEY": good} }, OK, "LEADBITZ_SECRET_KEY"},
		{"bad in the environment", func(string) map[string]string { return map[string]string{"LEADBITZ_SECRET_KEY": "short"} }, Fail, "LEADBITZ_SECRET_KEY"},
		{"no key file yet", func(string) map[string]string { return nil }, Warn, "LEADBITZ_DATA_DIR"},
		{"private key file", func(dir string) map[string]string {
			writeFile(t, filepath.Join(dir, "secret.key"), good+"\n", 0o600)
			return nil
		}, OK, "LEADBITZ_DATA_DIR"},
		{"key file others can read", func(dir string) map[string]string {
			writeFile(t, filepath.Join(dir, "secret.key"), good+"\n", 0o644)
			return nil
		}, Fail, "LEADBITZ_DATA_DIR"},
		{"key file is a directory", func(dir string) map[string]string {
			if err := os.Mkdir(filepath.Join(dir, "secret.key"), 0o700); err != nil {
				t.Fatal(err)
			}
			return nil
		}, Fail, "LEADBITZ_DATA_DIR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			vars := c.prepare(dir)
			if vars == nil {
				vars = map[string]string{}
			}
			vars["LEADBITZ_DATA_DIR"] = dir
			r := Key(ctx, cfgOf(t, vars), st)
			if r.Status != c.want || !strings.HasPrefix(r.Setting, c.setting) {
				t.Errorf("%+v, want %v naming %s", r, c.want, c.setting)
			}
			if strings.Contains(r.Detail, good) {
				t.Errorf("detail shows the key")
			}
			if _, err := os.Stat(filepath.Join(dir, "secret.key")); c.name == "no key file yet" && err == nil {
				t.Errorf("doctor generated a key")
			}
		})
	}
}

// A database holding credentials encrypted under another key: the key
// check fails (a lost or wrong key), and with no key at all too.
func TestKeyMustOpenStoredCredentials(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	used := secrets.GenerateKey()
	ring, err := secrets.LoadKeyRing(used, "")
	if err != nil {
		t.Fatal(err)
	}
	storeCredential(t, st, ring)
	for name, c := range map[string]struct {
		vars map[string]string
		want Status
	}{
		"the key in use": {map[string]string{"LEADBITZ_SECRET_KEY": used}, OK},
		"another key":    {map[string]string{"LEADBITZ_SECRET_KEY": secrets.GenerateKey()}, Fail},
		"old key second": {map[string]string{"LEADBITZ_SECRET_KEY": secrets.GenerateKey() + "," + used}, OK},
		"no key at all":  {map[string]string{}, Fail},
	} {
		t.Run(name, func(t *testing.T) {
			c.vars["LEADBITZ_DATA_DIR"] = t.TempDir()
			if r := Key(ctx, cfgOf(t, c.vars), st); r.Status != c.want {
				t.Errorf("%+v, want %v", r, c.want)
			}
		})
	}
}

func storeCredential(t *testing.T, st *store.Store, ring *secrets.KeyRing) {
	t.Helper()
	ctx := context.Background()
	u := store.User{Email: "doctor@example.com", Name: "D", PasswordHash: "-"}
	ws := store.Workspace{Name: "w"}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.CreateWorkspace(ctx, &ws, u.ID)
	}); err != nil {
		t.Fatal(err)
	}
	in := store.Mailbox{Provider: "smtp", Email: "a@example.com"}
	if err := st.InWorkspace(ws.ID).CreateMailbox(ctx, &in); err != nil {
		t.Fatal(err)
	}
	ct, err := ring.Encrypt([]byte(`{"password":"x"}`), store.CredentialsAD(in.ID))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.ReplaceCredential(ctx, in.ID, "", ct); err != nil || !ok {
		t.Fatalf("store credential: %v %v", ok, err)
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// The whole run: a broken setting is named in the table and in the error.
func TestRunNamesTheBrokenSetting(t *testing.T) {
	srv := dnsfake.Start(t)
	srv.Set("example.org", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.example.org"}}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dir := t.TempDir()
	vars := map[string]string{"DATABASE_URL": migratedURL(t), "LEADBITZ_DATA_DIR": dir,
		"LEADBITZ_SECRET_KEY": secrets.GenerateKey(), "LEADBITZ_BASE_URL": "https://app.example.com",
		"LEADBITZ_DNS_SERVER": srv.Addr}
	opts := Options{Replicas: 1, DNSName: "example.org", Timeout: 2 * time.Second,
		Probes: []Probe{{Name: "SMTP submission (587)", Addr: ln.Addr().String()}}}
	results := Run(context.Background(), cfgOf(t, vars), opts)
	if err := Failed(results); err != nil {
		t.Fatalf("a sound installation fails: %v\n%+v", err, results)
	}

	opts.Replicas = 2
	opts.Probes = append(opts.Probes, Probe{Name: "IMAP over TLS (993)", Addr: closedAddr(t)})
	results = Run(context.Background(), cfgOf(t, vars), opts)
	err = Failed(results)
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL") || !strings.Contains(err.Error(), opts.Probes[1].Addr) {
		t.Fatalf("two broken settings: %v", err)
	}
	var out bytes.Buffer
	if err := Print(&out, results); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STATUS", "FAIL", "REDIS_URL", "ok", "DATABASE_URL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
