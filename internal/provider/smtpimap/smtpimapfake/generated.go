package smtpimapfake

import (
	"bytes"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// generated is a message of INBOX whose content is made up as it is sent:
// head, then filler lines up to size bytes. Nothing but head is kept.
type generated struct {
	head []byte
	size int64
	at   time.Time
}

// DeliverGenerated adds to INBOX a message of size bytes that is never held
// in memory: head (its header and the beginning of its body) followed by
// mailfake.FillerLine lines generated while the message is sent. FETCH of its
// whole body or of a part <offset.size> streams what is asked; SEARCH sees
// only head. GeneratedBytesSent counts the bytes sent of such messages.
func (s *IMAPServer) DeliverGenerated(head []byte, size int64, at time.Time) (imap.UID, error) {
	if at.IsZero() {
		at = time.Now()
	}
	uid, err := s.Append("INBOX", head, at)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	if s.generated == nil {
		s.generated = map[imap.UID]generated{}
	}
	s.generated[uid] = generated{head: bytes.Clone(head), size: max(size, int64(len(head))), at: at}
	s.mu.Unlock()
	return uid, nil
}

// GeneratedBytesSent is how many bytes of generated messages the server
// has sent (body sections only).
func (s *IMAPServer) GeneratedBytesSent() int64 { return s.genSent.Load() }

// generatedOf returns the generated messages among uids of the selected
// folder (only INBOX holds them) and the other uids.
func (ss *session) generatedOf(set imap.NumSet) (gen map[imap.UID]generated, rest imap.UIDSet, ok bool) {
	uidSet, isUID := set.(imap.UIDSet)
	if !isUID || ss.selected != "INBOX" {
		return nil, nil, false
	}
	nums, static := uidSet.Nums()
	if !static {
		return nil, nil, false
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	gen = map[imap.UID]generated{}
	for _, uid := range nums {
		if g, found := ss.srv.generated[uid]; found {
			gen[uid] = g
		} else {
			rest.AddNum(uid)
		}
	}
	return gen, rest, len(gen) > 0
}

func (ss *session) Fetch(w *imapserver.FetchWriter, set imap.NumSet, options *imap.FetchOptions) error {
	gen, rest, ok := ss.generatedOf(set)
	if !ok {
		return ss.Session.Fetch(w, set, options)
	}
	if len(rest) > 0 {
		if err := ss.Session.Fetch(w, rest, options); err != nil {
			return err
		}
	}
	for uid, g := range gen {
		res, err := ss.Session.Search(imapserver.NumKindSeq, &imap.SearchCriteria{UID: []imap.UIDSet{imap.UIDSetNum(uid)}}, &imap.SearchOptions{})
		if err != nil {
			return err
		}
		for _, seq := range res.AllSeqNums() {
			if err := ss.writeGenerated(w.CreateMessage(seq), uid, g, options); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ss *session) writeGenerated(rw *imapserver.FetchResponseWriter, uid imap.UID, g generated, options *imap.FetchOptions) error {
	rw.WriteUID(uid)
	if options.Flags {
		rw.WriteFlags(nil)
	}
	if options.RFC822Size {
		rw.WriteRFC822Size(g.size)
	}
	if options.InternalDate {
		rw.WriteInternalDate(g.at)
	}
	for _, bs := range options.BodySection {
		off, n := int64(0), g.size
		switch {
		case bs.Specifier == imap.PartSpecifierHeader:
			end := bytes.Index(g.head, []byte("\r\n\r\n"))
			n = int64(end + 4)
		case bs.Specifier != imap.PartSpecifierNone || len(bs.Part) > 0:
			n = 0
		}
		if bs.Partial != nil {
			off = min(bs.Partial.Offset, n)
			n = min(bs.Partial.Size, n-off)
		}
		wc := rw.WriteBodySection(bs, n)
		sent, err := io.Copy(wc, io.LimitReader(&genReader{g: g, off: off}, n))
		ss.srv.genSent.Add(sent)
		if err != nil {
			return err
		}
		if err := wc.Close(); err != nil {
			return err
		}
	}
	return rw.Close()
}

// genReader reads a generated message from off.
type genReader struct {
	g   generated
	off int64
}

func (r *genReader) Read(p []byte) (int, error) {
	if r.off >= r.g.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.g.size-r.off)]
	for i := range p {
		at := r.off + int64(i)
		if at < int64(len(r.g.head)) {
			p[i] = r.g.head[at]
		} else {
			p[i] = mailfake.FillerLine[(at-int64(len(r.g.head)))%int64(len(mailfake.FillerLine))]
		}
	}
	r.off += int64(len(p))
	return len(p), nil
}
