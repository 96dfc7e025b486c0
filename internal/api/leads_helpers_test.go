package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// upload posts a multipart form with a file part named "file" (sent last)
// and the given fields.
func upload(t *testing.T, c *apptest.Account, path, fileName string, file []byte, fields map[string]string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.URL()+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

// importStatus is GET /api/leads/imports/{id}.
type importStatus struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Source        string `json:"source"`
	FileName      string `json:"fileName"`
	RowsTotal     int    `json:"rowsTotal"`
	RowsDone      int    `json:"rowsDone"`
	Created       int    `json:"created"`
	Updated       int    `json:"updated"`
	Skipped       int    `json:"skipped"`
	Invalid       int    `json:"invalid"`
	Suppressed    int    `json:"suppressed"`
	Duplicates    int    `json:"duplicates"`
	FailureReason string `json:"failureReason"`
	Errors        []struct {
		Row    int    `json:"row"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	} `json:"errors"`
	ErrorsNextCursor *string `json:"errorsNextCursor"`
}

// importFile uploads a CSV and waits for its import to end.
func importFile(t *testing.T, c *apptest.Account, fileName, csv string, fields map[string]string) importStatus {
	t.Helper()
	r := upload(t, c, "/api/leads/import", fileName, []byte(csv), fields)
	if r.Status != http.StatusAccepted {
		t.Fatalf("import %s: %d %s", fileName, r.Status, r.Body)
	}
	return waitImport(t, c, r.Map(t)["importId"].(string))
}

func waitImport(t *testing.T, c *apptest.Account, id string) importStatus {
	t.Helper()
	c.WaitImport(id)
	var st importStatus
	c.Must(200, "GET", "/api/leads/imports/"+id+"?errorsLimit=1000", nil).JSON(t, &st)
	if st.Status == "running" {
		t.Fatalf("import %s let go while running: %+v", id, st)
	}
	return st
}
