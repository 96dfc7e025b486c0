package field

import (
	"hash/maphash"
	"math"
)

// DedupeSet finds rows of one import that repeat the email of an earlier
// row. The import asks it for every accepted row, before batching the row
// for the database: a batch must not hold one email twice (Postgres refuses
// an INSERT … ON CONFLICT DO UPDATE that touches a row twice), and the
// second row is handled like any duplicate, with MergeFields and the
// import's OnDuplicate mode, against the first.
//
// It stores a 64-bit keyed hash per address, about 20 bytes, so a
// million-row file costs about 20 MB rather than the addresses themselves.
// The price is a collision probability of about n²/2⁶⁵ (3·10⁻⁸ for a
// million rows), in which case a distinct row would be reported as a
// duplicate; the seed is random per set, so a file cannot be crafted to
// collide. A DedupeSet is not safe for concurrent use.
type DedupeSet struct {
	seed maphash.Seed
	rows map[uint64]int32
}

// NewDedupeSet returns an empty set.
func NewDedupeSet() *DedupeSet {
	return &DedupeSet{seed: maphash.MakeSeed(), rows: make(map[uint64]int32)}
}

// See records that row holds email (normalised, as Row.Fields.Email) and
// returns the row number that first held it, or 0 if this is the first
// time. Row numbers start at 1; rows beyond 2³¹ are recorded as 2³¹-1.
func (d *DedupeSet) See(email string, row int) (firstRow int) {
	h := maphash.String(d.seed, email)
	if first, ok := d.rows[h]; ok {
		return int(first)
	}
	d.rows[h] = int32(max(1, min(row, math.MaxInt32)))
	return 0
}

// Len returns the number of distinct emails seen.
func (d *DedupeSet) Len() int { return len(d.rows) }
