package provider

import (
	"bytes"
	"io"
	"sync/atomic"
)

// MaxResponseBytes bounds a REST API answer that is not a message's
// content (lists, history, profiles, errors): they are kilobytes; a larger
// one is refused rather than read.
const MaxResponseBytes = 4 << 20

// ReadBounded reads r up to limit bytes and reports with cut that r held
// more (the rest is left unread: close the body to stop the transfer).
// hint, e.g. a Content-Length (-1 unknown), sizes the buffer so a body of
// the announced size is read without regrowing it.
func ReadBounded(r io.Reader, limit, hint int64) (data []byte, cut bool, err error) {
	var buf bytes.Buffer
	if hint >= 0 && hint <= limit {
		buf.Grow(int(hint) + bytes.MinRead + 1)
	} else {
		buf.Grow(int(min(limit, 64<<10)))
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, false, err
	}
	data = buf.Bytes()
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, nil
}

// PageBudget shares the byte budget of one page among its message
// downloads, for providers that learn a message's size only by reading
// it: each may read up to the per-message limit while the page has budget
// left, then only the floor (its header and the beginning of its body),
// so a page holds at most about its budget plus a floor per message.
type PageBudget struct {
	left         atomic.Int64
	limit, floor int64
}

// minAllowance is the floor of a page's downloads once its budget is spent.
const minAllowance = 256 << 10

// NewPageBudget returns a budget of pageBytes for messages of at most
// limit bytes each.
func NewPageBudget(pageBytes, limit int64) *PageBudget {
	b := &PageBudget{limit: limit, floor: min(limit, minAllowance)}
	b.left.Store(pageBytes)
	return b
}

// Allowance is how many bytes the next download may read.
func (b *PageBudget) Allowance() int64 { return max(min(b.limit, b.left.Load()), b.floor) }

// Spend records n bytes read.
func (b *PageBudget) Spend(n int64) { b.left.Add(-n) }
