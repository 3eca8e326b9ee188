package integration

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sealer seals secret values at rest and opens them at send time. The Service passes, as
// additional data, a value that binds the ciphertext to the integration's team and ID, so a
// sealed value copied into another integration (of any team) does not open. A host replaces the default [AESGCM] with its
// KMS by implementing Sealer.
//
// Implementations must be safe for concurrent use by multiple goroutines and must not retain the
// slices passed to them. Open returns an error wrapping ErrSealed for a value it cannot open.
type Sealer interface {
	// Seal encrypts and authenticates plaintext together with aad and returns a printable
	// string (stored as Header.Sealed or Secret.Sealed).
	Seal(ctx context.Context, plaintext, aad []byte) (string, error)
	// Open reverses Seal given the same aad.
	Open(ctx context.Context, sealed string, aad []byte) ([]byte, error)
}

// Key is one AES-256 key of an [AESGCM] sealer.
type Key struct {
	// ID names the key inside sealed values so that old values open after a rotation. It is
	// non-empty and contains no '.'.
	ID string
	// Secret is 32 bytes of key material.
	Secret []byte
}

// AESGCM is the default Sealer: AES-256-GCM with a random 96-bit nonce. A sealed value reads
// "v1.<key id>.<base64url(nonce || ciphertext || tag)>". The first key seals; any key opens the
// values sealed with it, so a host rotates by putting the new key first and keeping the old ones
// until every integration has been saved again (Service.Update seals kept values again with the
// first key). An AESGCM is safe for concurrent use. The zero value has no key: it seals and
// opens nothing; use NewAESGCM.
type AESGCM struct {
	keys  []aesKey // keys[0] seals
	index map[string]cipher.AEAD
}

type aesKey struct {
	id   string
	aead cipher.AEAD
}

// NewAESGCM returns a sealer over keys, the first of which seals. It copies the key material.
func NewAESGCM(keys ...Key) (*AESGCM, error) {
	if len(keys) == 0 {
		return nil, errors.New("integration: sealer needs at least one key")
	}
	s := &AESGCM{index: make(map[string]cipher.AEAD, len(keys))}
	for i, k := range keys {
		if k.ID == "" || strings.Contains(k.ID, ".") {
			return nil, fmt.Errorf("integration: sealer key %d: id must be non-empty without '.'", i)
		}
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("integration: sealer key %q: need 32 bytes, have %d", k.ID, len(k.Secret))
		}
		if _, dup := s.index[k.ID]; dup {
			return nil, fmt.Errorf("integration: sealer key %q given twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret) // copies the key schedule
		if err != nil {
			return nil, fmt.Errorf("integration: sealer key %q: %v", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("integration: sealer key %q: %v", k.ID, err)
		}
		s.keys = append(s.keys, aesKey{k.ID, aead})
		s.index[k.ID] = aead
	}
	return s, nil
}

const sealPrefix = "v1."

var errNoKeys = errors.New("integration: AESGCM without keys (use NewAESGCM)")

// Seal implements Sealer with the first key.
func (s *AESGCM) Seal(_ context.Context, plaintext, aad []byte) (string, error) {
	if len(s.keys) == 0 {
		return "", errNoKeys
	}
	k := s.keys[0]
	buf := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("integration: seal: %v", err)
	}
	buf = k.aead.Seal(buf, buf, plaintext, aad)
	return sealPrefix + k.id + "." + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open implements Sealer with the key named in sealed.
func (s *AESGCM) Open(_ context.Context, sealed string, aad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: unknown format", ErrSealed)
	}
	id, enc, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, fmt.Errorf("%w: unknown format", ErrSealed)
	}
	aead, ok := s.index[id]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key %q", ErrSealed, id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: malformed", ErrSealed)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrSealed)
	}
	return plain, nil
}

// sealAAD is the additional data binding a sealed value to its integration: the team and the
// ID, length-prefixed so that no two pairs share an encoding. The team is included because a
// host's store may key integrations by (team, ID), where two teams can hold the same ID.
func sealAAD(teamID, integrationID string) []byte {
	b := make([]byte, 0, 32+len(teamID)+len(integrationID))
	b = append(b, "inboxkit/integration/v1\x00"...)
	b = strconv.AppendInt(b, int64(len(teamID)), 10)
	b = append(b, ':')
	b = append(b, teamID...)
	return append(b, integrationID...)
}
