package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, each served under a URL that holds
// a hash of its content (/static/<hash>/app.css): a new build gets new URLs,
// so browsers may cache every asset for a year.
type assets struct {
	files map[string]asset
}

type asset struct {
	hash        string
	data        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[path.Base(p)] = asset{hash: hex.EncodeToString(sum[:])[:16], data: data, contentType: ct}
		return nil
	})
	return a, err
}

// url is the cache-busting URL of a static file; templates call it as
// {{asset "app.css"}}, and an unknown name fails the render.
func (a *assets) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// serve answers /static/{hash}/{name}. The current hash is cached for a
// year; an old hash (a page from before a deploy) still gets the current
// file, revalidated every time, rather than a broken page.
func (a *assets) serve(rw http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", f.contentType)
	if r.PathValue("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = rw.Write(f.data)
}

// favicon answers browsers that ask for /favicon.ico before reading the
// page's <link rel="icon">.
func (a *assets) favicon(rw http.ResponseWriter, r *http.Request) {
	f := a.files["favicon.svg"]
	rw.Header().Set("Content-Type", f.contentType)
	rw.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = rw.Write(f.data)
}
