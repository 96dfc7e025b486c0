package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/config"
)

// The deployment files are checked against the code, since no test here
// runs Docker, Kubernetes or systemd: every setting they give the binary is
// one it reads (and accepts), the probes and health checks ask routes that
// exist, the data volume is where the binary keeps its data, and the
// secrets mounted are the files the *_FILE settings name.

// image is what the Dockerfile gives every container.
type image struct {
	env         map[string]string
	volumes     []string
	expose      string
	entrypoint  []string
	cmd         []string
	healthcheck []string
}

func readDockerfile(t *testing.T) image {
	t.Helper()
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// Join continued lines, then keep the last stage's instructions.
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	var img image
	jsonList := func(s string) []string {
		var l []string
		if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &l); err != nil {
			t.Fatalf("Dockerfile: %q is not an exec-form list: %v", s, err)
		}
		return l
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		word, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(word) {
		case "FROM":
			img = image{env: map[string]string{}}
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q is not KEY=value", kv)
				}
				img.env[k] = v
			}
		case "VOLUME":
			img.volumes = jsonList(rest)
		case "EXPOSE":
			img.expose = strings.TrimSpace(rest)
		case "ENTRYPOINT":
			img.entrypoint = jsonList(rest)
		case "CMD":
			img.cmd = jsonList(rest)
		case "HEALTHCHECK":
			_, c, ok := strings.Cut(rest, "CMD ")
			if !ok {
				t.Fatalf("Dockerfile: HEALTHCHECK without CMD: %q", rest)
			}
			img.healthcheck = jsonList(c)
		}
	}
	return img
}

// checkSettings fails unless the binary reads every variable of vars and
// accepts their values. A *_FILE setting is given a file of the secret's
// shape; ${VAR:-default} takes its default (or example when there is none).
// It returns the configuration they make.
func checkSettings(t *testing.T, where string, vars map[string]string) config.Config {
	t.Helper()
	dir := t.TempDir()
	secretShape := map[string]string{
		"DATABASE_URL": "postgres://leadbitz:pw@postgres:5432/leadbitz?sslmode=disable",
		"REDIS_URL":    "redis://redis:6379/0",
	}
	env := map[string]string{}
	for k, v := range vars {
		v = expandCompose(v)
		if name, ok := strings.CutSuffix(k, "_FILE"); ok {
			shape, ok := secretShape[name]
			if !ok {
				shape = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="
			}
			p := filepath.Join(dir, k)
			if err := os.WriteFile(p, []byte(shape+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			v = p
		}
		env[k] = v
	}
	read := map[string]bool{}
	cfg, err := config.FromEnv(func(k string) string { read[k] = true; return env[k] })
	if err != nil {
		t.Errorf("%s: the binary refuses its settings: %v", where, err)
	}
	for k := range vars {
		if !read[k] {
			t.Errorf("%s sets %s, which is no setting of leadbitz", where, k)
		}
	}
	return cfg
}

var composeVar = regexp.MustCompile(`\$\{([A-Z_]+)(?::?[-?]([^}]*))?\}`)

// expandCompose replaces ${VAR:-default} with its default and ${VAR:?msg}
// (or ${VAR}) with an example value.
func expandCompose(s string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		sub := composeVar.FindStringSubmatch(m)
		if strings.Contains(m, ":-") {
			return sub[2]
		}
		return "leads.example.com"
	})
}

// publicGETs are the GET routes anyone may call: what a probe may ask.
func publicGETs() []string {
	var paths []string
	for _, rt := range api.New(api.Deps{}).Routes() {
		if rt.Method == "GET" && rt.Access == api.Public {
			paths = append(paths, rt.Path)
		}
	}
	return paths
}

func TestDockerfileMatchesTheBinary(t *testing.T) {
	img := readDockerfile(t)
	cfg := checkSettings(t, "Dockerfile", img.env)
	if !slices.Equal(img.volumes, []string{cfg.DataDir}) {
		t.Errorf("VOLUME %v, but the image's data directory is %q", img.volumes, cfg.DataDir)
	}
	if _, port, _ := strings.Cut(cfg.Addr, ":"); port != img.expose {
		t.Errorf("EXPOSE %s, but the image listens on %s", img.expose, cfg.Addr)
	}
	if len(img.entrypoint) != 1 || len(img.cmd) != 1 || img.cmd[0] != "serve" {
		t.Errorf("ENTRYPOINT %v CMD %v, want the binary and serve", img.entrypoint, img.cmd)
	}
	if !slices.Equal(img.healthcheck, []string{img.entrypoint[0], "healthcheck"}) {
		t.Errorf("HEALTHCHECK %v, want %s healthcheck", img.healthcheck, img.entrypoint[0])
	}
	// `leadbitz healthcheck` asks /readyz on the image's own address.
	ready := readyURL(cfg.Addr)
	if ready != "http://127.0.0.1:"+img.expose+"/readyz" || !slices.Contains(publicGETs(), "/readyz") {
		t.Errorf("the health check asks %s; routes %v", ready, publicGETs())
	}
}

type composeFile struct {
	Services map[string]struct {
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Secrets     []string          `yaml:"secrets"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

func TestComposeFilesMatchTheBinary(t *testing.T) {
	img := readDockerfile(t)
	for _, name := range []string{"compose.yaml", "compose.sqlite.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		var f composeFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for svcName, svc := range f.Services {
			if svc.Build == nil { // postgres, redis, caddy: images of their own
				continue
			}
			n++
			where := name + " " + svcName
			vars := map[string]string{}
			for k, v := range img.env {
				vars[k] = v
			}
			for k, v := range svc.Environment {
				vars[k] = v
			}
			cfg := checkSettings(t, where, vars)
			var mounts []string
			for _, v := range svc.Volumes {
				parts := strings.Split(v, ":")
				mounts = append(mounts, parts[1])
			}
			if !slices.Contains(mounts, cfg.DataDir) {
				t.Errorf("%s: volumes %v, but the data directory is %s", where, svc.Volumes, cfg.DataDir)
			}
			for k, v := range svc.Environment {
				if strings.HasSuffix(k, "_FILE") {
					secret := path.Base(v)
					if path.Dir(v) != "/run/secrets" || !slices.Contains(svc.Secrets, secret) || f.Secrets[secret].File == "" {
						t.Errorf("%s: %s=%s is not a secret the service mounts (%v)", where, k, v, svc.Secrets)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s has no leadbitz service", name)
		}
	}
}

func TestKubernetesManifestsMatchTheBinary(t *testing.T) {
	read := func(name string, v any) {
		data, err := os.ReadFile(filepath.Join("../../deploy/kubernetes", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	type probe struct {
		HTTPGet struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	}
	var dep struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Args  []string `yaml:"args"`
						Ports []struct {
							Name          string `yaml:"name"`
							ContainerPort int    `yaml:"containerPort"`
						} `yaml:"ports"`
						Env []struct {
							Name  string `yaml:"name"`
							Value string `yaml:"value"`
						} `yaml:"env"`
						VolumeMounts []struct {
							Name      string `yaml:"name"`
							MountPath string `yaml:"mountPath"`
						} `yaml:"volumeMounts"`
						ReadinessProbe probe `yaml:"readinessProbe"`
						LivenessProbe  probe `yaml:"livenessProbe"`
						StartupProbe   probe `yaml:"startupProbe"`
					} `yaml:"containers"`
					Volumes []struct {
						Name   string `yaml:"name"`
						Secret *struct {
							SecretName string `yaml:"secretName"`
						} `yaml:"secret"`
					} `yaml:"volumes"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	var secret struct {
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		StringData map[string]string `yaml:"stringData"`
	}
	read("deployment.yaml", &dep)
	read("secret.yaml", &secret)
	img := readDockerfile(t)
	containers := dep.Spec.Template.Spec.Containers
	if len(containers) != 1 {
		t.Fatalf("%d containers", len(containers))
	}
	c := containers[0]
	vars := map[string]string{}
	for k, v := range img.env {
		vars[k] = v
	}
	for _, e := range c.Env {
		vars[e.Name] = e.Value
	}
	cfg := checkSettings(t, "deployment.yaml", vars)
	if !slices.Equal(c.Args, img.cmd) {
		t.Errorf("args %v, the image's command is %v", c.Args, img.cmd)
	}
	if _, port, _ := strings.Cut(cfg.Addr, ":"); len(c.Ports) != 1 || c.Ports[0].Name != "http" || port != strconv.Itoa(c.Ports[0].ContainerPort) {
		t.Errorf("ports %+v, but the container listens on %s", c.Ports, cfg.Addr)
	}
	for name, p := range map[string]probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe, "startup": c.StartupProbe} {
		if !slices.Contains(publicGETs(), p.HTTPGet.Path) || p.HTTPGet.Port != "http" {
			t.Errorf("%s probe asks %s on %s: no such public route or port", name, p.HTTPGet.Path, p.HTTPGet.Port)
		}
	}
	if c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("readiness %s, liveness %s; want /readyz (the database answers) and /healthz (the process answers)",
			c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path)
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m.Name
	}
	if mounts[cfg.DataDir] == "" {
		t.Errorf("nothing is mounted on the data directory %s: %v", cfg.DataDir, mounts)
	}
	secretVolume := ""
	for _, v := range dep.Spec.Template.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == secret.Metadata.Name {
			secretVolume = v.Name
		}
	}
	for k, v := range vars {
		if strings.HasSuffix(k, "_FILE") {
			if mounts[path.Dir(v)] != secretVolume || secretVolume == "" {
				t.Errorf("%s=%s is not in the mounted Secret %q", k, v, secret.Metadata.Name)
			}
			if _, ok := secret.StringData[path.Base(v)]; !ok {
				t.Errorf("%s=%s: the Secret has no key %q", k, v, path.Base(v))
			}
		}
	}
}

func TestSystemdUnitMatchesTheBinary(t *testing.T) {
	data, err := os.ReadFile("../../deploy/leadbitz.service")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	var state, exec string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		switch k {
		case "Environment":
			name, val, _ := strings.Cut(v, "=")
			vars[name] = val
		case "StateDirectory":
			state = "/var/lib/" + v
		case "ExecStart":
			exec = v
		}
	}
	cfg := checkSettings(t, "leadbitz.service", vars)
	if cfg.DataDir != state {
		t.Errorf("data directory %s, but systemd creates %s", cfg.DataDir, state)
	}
	if !strings.HasSuffix(exec, " serve") {
		t.Errorf("ExecStart=%s", exec)
	}
}

func TestCaddyfileHealthURIExists(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`health_uri\s+(\S+)`).FindStringSubmatch(string(data))
	if m == nil || !slices.Contains(publicGETs(), m[1]) {
		t.Errorf("Caddy's health_uri %v is no public route", m)
	}
}
