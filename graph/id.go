package graph

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new random identifier: 26 lower-case characters holding 128
// random bits, safe in URLs.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return FormatID(b)
}

// FormatID encodes 128 bits as an id; generators that must be deterministic
// (the demo workspace) draw the bits from a seeded source.
func FormatID(b [16]byte) string {
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s has the shape NewID produces. Ids arriving from
// clients are checked with it so malformed ones get EINVALID or ENOTFOUND, never a
// query.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefghjkmnpqrstvwxyz", r) {
			return false
		}
	}
	return true
}
