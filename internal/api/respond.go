package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// errorBody is the one error shape of the API contract.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// writeJSON writes v with a status code.
// writeJSONBytes answers an already encoded JSON body.
func writeJSONBytes(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// writeError answers an error in the contract's shape, with the status of
// its problem (httpserver.AsProblem, httpserver.Status); anything else is
// logged once here and answered as a 500 that reveals nothing.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p, ok := httpserver.AsProblem(err)
	if !ok {
		log.ErrorContext(r.Context(), "request failed", "request_id", httpserver.RequestID(r.Context()),
			"method", r.Method, "route", httpserver.Route(r), "err", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{errorDetail{Code: "internal_error",
			Message: "Something went wrong on our side; the request id in X-Request-Id helps us find it."}})
		return
	}
	details := map[string]any{}
	for k, v := range p.Details {
		details[k] = v
	}
	if len(p.Fields) > 0 {
		details["fields"] = p.Fields
	}
	if len(details) == 0 {
		details = nil
	}
	httpserver.SetRetryAfter(w.Header(), p)
	writeJSON(w, httpserver.Status(p.Kind), errorBody{errorDetail{Code: p.Code, Message: p.Message, Details: details}})
}

// decodeJSON reads a JSON request body into v. An empty body decodes as {}
// whatever its Content-Type; a body must say application/json, so a form or
// text a browser may send cross-site without a preflight is never read as
// JSON.
func decodeJSON(r *http.Request, v any) error {
	body := bufio.NewReader(r.Body)
	if _, err := body.Peek(1); errors.Is(err, io.EOF) {
		return nil
	}
	if err := requireJSON(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return problem.InvalidField(typeErr.Field, fmt.Sprintf("must be a %s", jsonKind(typeErr.Type.Kind().String())))
	}
	if err != nil {
		return problem.New(problem.Malformed, "malformed_json", "The body is not valid JSON: %v.", err)
	}
	if dec.More() {
		return problem.New(problem.Malformed, "malformed_json", "The body has more than one JSON value.")
	}
	return nil
}

// requireJSON accepts application/json, with charset=utf-8 at most.
func requireJSON(contentType string) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	charset, hasCharset := params["charset"]
	onlyUTF8 := len(params) == 0 || (len(params) == 1 && hasCharset && strings.EqualFold(charset, "utf-8"))
	if err == nil && mediaType == "application/json" && onlyUTF8 {
		return nil
	}
	shown := contentType
	if shown == "" {
		shown = "none"
	}
	if len(shown) > 100 {
		shown = shown[:100] + "…"
	}
	return problem.New(problem.UnsupportedMediaType, "unsupported_media_type",
		"Send the body as JSON with the header Content-Type: application/json (got %s).", shown)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "map", "struct", "ptr":
		return "object"
	default:
		return "number"
	}
}

// page is the contract's list shape.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// listLimit reads ?limit= (default 50, max 200).
func listLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		return 0, problem.InvalidField("limit", "must be a whole number from 1 to 200")
	}
	return n, nil
}

// pageOf trims a limit+1 result to limit items and derives the next cursor
// from the last item kept.
func pageOf[T any](items []T, limit int, cursorOf func(T) string) page[T] {
	p := page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) > limit {
		p.Items = items[:limit]
		c := cursorOf(items[limit-1])
		p.NextCursor = &c
	}
	return p
}
