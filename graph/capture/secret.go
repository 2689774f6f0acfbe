package capture

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/nexohq/nexo/graph"
)

// Sealer encrypts account passwords for storage with AES-256-GCM. The
// account's workspace and id are the additional data, so a sealed password
// copied onto another account does not open.
type Sealer struct {
	aead cipher.AEAD
}

// sealVersion prefixes every sealed value, so the scheme can change later.
const sealVersion = 1

// NewSealer returns a sealer for a key of any length of at least 32 bytes
// (a random key file, or NEXO_SECRET_KEY): the AES key is its SHA-256.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) < 32 {
		return nil, errors.New("the secret key must be at least 32 bytes")
	}
	k := sha256.Sum256(key)
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

func aad(a *graph.Account) []byte { return []byte(a.WorkspaceID + "\x00" + a.ID) }

// Seal encrypts a password for the account (whose ID must be set).
func (s *Sealer) Seal(a *graph.Account, password string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), 1+s.aead.NonceSize()+len(password)+s.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	out := append([]byte{sealVersion}, nonce...)
	return s.aead.Seal(out, nonce, []byte(password), aad(a))
}

// Open decrypts the account's password. It fails when the key changed
// since the password was sealed, or the value was tampered with.
func (s *Sealer) Open(a *graph.Account) (string, error) {
	b := a.Secret
	n := s.aead.NonceSize()
	if len(b) < 1+n+s.aead.Overhead() || b[0] != sealVersion {
		return "", errors.New("the stored password is not readable")
	}
	plain, err := s.aead.Open(nil, b[1:1+n], b[1+n:], aad(a))
	if err != nil {
		return "", fmt.Errorf("the stored password cannot be decrypted with this server's secret key (was NEXO_SECRET_KEY or the key file changed?)")
	}
	return string(plain), nil
}
