package record

import (
	"cmp"
	"slices"
	"strings"
)

// HighestIDFirst returns records sorted by id, highest first (records with
// one id by file), as the site and list show them: ids compare with their
// numbers as numbers (see CompareIDs). records itself is left in its
// order.
func HighestIDFirst(records []*Record) []*Record {
	type keyed struct {
		key idKey
		r   *Record
	}
	// Each id is split once: sorting 10,000 records compares ids some
	// 140,000 times.
	ks := make([]keyed, len(records))
	for i, r := range records {
		ks[i] = keyed{keyOf(r.ID), r}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(-compareKeys(a.key, b.key), strings.Compare(a.r.File, b.r.File))
	})
	out := make([]*Record, len(ks))
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

// CompareIDs orders ids with their numbers as numbers, so that CHG-10000
// comes after CHG-9999 (and CHG-0042 before both); ids of different
// prefixes compare as text.
func CompareIDs(a, b string) int { return compareKeys(keyOf(a), keyOf(b)) }

// idKey is an id split into its prefix and its number without zeros.
type idKey struct{ id, prefix, number string }

func keyOf(id string) idKey {
	prefix, number := splitNumber(id)
	return idKey{id, prefix, number}
}

func compareKeys(a, b idKey) int {
	if a.prefix != b.prefix {
		return strings.Compare(a.id, b.id)
	}
	return cmp.Or(cmp.Compare(len(a.number), len(b.number)), strings.Compare(a.number, b.number))
}

func splitNumber(id string) (prefix, number string) {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	number = strings.TrimLeft(id[i:], "0")
	return id[:i], number
}
