package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leadbitz/leadbitz/internal/secrets"
)

// A flash cookie is sealed with its own derived key: a value sealed with the
// credentials key ring (as stored mailbox tokens are) is not shown, and a
// flash cookie cannot be opened with the credentials ring.
func TestFlashUsesAKeyDerivedForItsPurpose(t *testing.T) {
	keys, err := secrets.NewKeyRing(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(Deps{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := w.setFlash(rec, flash{Kind: "success", Message: "Saved."}); err != nil {
		t.Fatal(err)
	}
	sealed := rec.Result().Cookies()[0].Value
	if _, err := keys.Decrypt(sealed, flashAD); err == nil {
		t.Fatal("the credentials key ring opened a flash cookie")
	}
	if f := w.takeFlash(httptest.NewRecorder(), requestWithFlash(sealed)); f == nil || f.Message != "Saved." {
		t.Fatalf("own flash: %+v", f)
	}

	data, _ := json.Marshal(flash{Kind: "success", Message: "Sealed with the credentials keys"})
	forged, _ := keys.Encrypt(data, flashAD)
	if f := w.takeFlash(httptest.NewRecorder(), requestWithFlash(forged)); f != nil {
		t.Fatalf("a value sealed with the credentials key ring was shown as a flash: %+v", f)
	}
}

func requestWithFlash(value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: flashCookie, Value: value})
	return r
}
