package graphfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// deltaState is what a $skiptoken or $deltatoken stands for.
type deltaState struct {
	user       *user
	folder     string
	filter     filter
	selects    []string
	changeType string
	after      int // the round covers changes with seq in (after, upTo]
	upTo       int
	initial    bool
	offset     int // items of the round already returned
	pageSize   int
	expired    bool
}

// ExpireDeltaTokens invalidates every delta and skip token issued so far:
// using one answers 410 SyncStateNotFound.
func (s *Server) ExpireDeltaTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.deltas {
		st.expired = true
	}
}

// handleDelta serves GET /me/mailFolders/{folder}/messages/delta. Query
// options are accepted on the first request only and carried by the links.
func (s *Server) handleDelta(w http.ResponseWriter, r *http.Request, u *user) {
	folder, ok := folderName(r.PathValue("folder"))
	if !ok {
		notFound(w)
		return
	}
	q := r.URL.Query()
	var st *deltaState
	switch {
	case q.Get("$skiptoken") != "":
		st = s.deltas[q.Get("$skiptoken")]
		if st == nil || st.expired || st.user != u {
			syncStateNotFound(w)
			return
		}
	case q.Get("$deltatoken") != "":
		prev := s.deltas[q.Get("$deltatoken")]
		if prev == nil || prev.expired || prev.user != u {
			syncStateNotFound(w)
			return
		}
		next := *prev
		next.after, next.upTo, next.initial, next.offset = prev.upTo, u.seq, false, 0
		st = &next
	default:
		if q.Get("$search") != "" || q.Get("$orderby") != "" && q.Get("$orderby") != "receivedDateTime desc" {
			badRequest(w, "BadRequest", "Unsupported query option for delta.")
			return
		}
		f, ok := parseFilter(q.Get("$filter"))
		if !ok || f.msgID != "" {
			badRequest(w, "BadRequest", "Delta only supports $filter on receivedDateTime ge|gt.")
			return
		}
		ct := q.Get("changeType")
		if ct != "" && ct != "created" && ct != "updated" && ct != "deleted" {
			badRequest(w, "BadRequest", "Invalid changeType.")
			return
		}
		st = &deltaState{user: u, folder: folder, filter: f, selects: selectFields(q.Get("$select")), changeType: ct,
			upTo: u.seq, initial: true}
	}
	size := preferredPageSize(r, st.pageSize)
	if size != st.pageSize {
		w.Header().Set("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(size))
	}
	items := s.roundItems(st)
	end := min(st.offset+size, len(items))
	value := append([]any{}, items[st.offset:end]...)
	next := *st
	next.pageSize = size
	out := map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#Collection(message)", "value": value}
	link := s.URL + "/v1.0/me/mailFolders/" + folder + "/messages/delta?"
	if end < len(items) {
		next.offset = end
		out["@odata.nextLink"] = link + url.Values{"$skiptoken": {s.saveState(&next)}}.Encode()
	} else {
		next.after, next.offset = st.upTo, 0
		out["@odata.deltaLink"] = link + url.Values{"$deltatoken": {s.saveState(&next)}}.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) saveState(st *deltaState) string {
	s.seq++
	tok := "fake-state-" + strconv.Itoa(s.seq)
	s.deltas[tok] = st
	return tok
}

// roundItems lists the round's changes: an initial round lists the folder's
// messages as of its start; later rounds list messages created and (unless
// changeType excludes them) removed since the previous round.
func (s *Server) roundItems(st *deltaState) []any {
	var items []any
	seen := map[string]int{}
	for _, c := range st.user.changes {
		if c.folder != st.folder || c.seq <= st.after || c.seq > st.upTo {
			continue
		}
		var item any
		switch {
		case c.removed && !st.initial && (st.changeType == "" || st.changeType == "deleted"):
			item = map[string]any{"id": c.msg.id, "@removed": map[string]string{"reason": "deleted"}}
		case !c.removed && !c.msg.deleted && c.msg.folder == st.folder && st.filter.matches(c.msg) &&
			(st.changeType == "" || st.changeType == "created"):
			item = c.msg.resource(st.selects)
		default:
			continue
		}
		if i, ok := seen[c.msg.id]; ok {
			items[i] = item
			continue
		}
		seen[c.msg.id] = len(items)
		items = append(items, item)
	}
	return items
}

// preferredPageSize reads Prefer: odata.maxpagesize=N; default 10.
func preferredPageSize(r *http.Request, current int) int {
	for _, pref := range strings.Split(r.Header.Get("Prefer"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(pref), "odata.maxpagesize="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
		}
	}
	if current > 0 {
		return current
	}
	return 10
}

func syncStateNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusGone, "SyncStateNotFound",
		"The sync state generation is not found. The delta token is expired or invalid; restart the synchronization.")
}
