package bot

import (
	"crypto/ed25519"
	"crypto/sha512"
	"errors"

	"filippo.io/edwards25519"
)

// publicKey is the application's Ed25519 public key, decoded once.
//
// crypto/ed25519.Verify takes the key as bytes and decodes its point on
// every call (a square root in the field; BenchmarkPublicKeyVerify
// measures what that costs), then hashes a message that, for Discord, is the timestamp and
// the body copied into one buffer. Every interaction over HTTP is checked
// with the same key, so it is decoded here once and the message is hashed
// in its two parts. The check itself is crypto/ed25519's, on the same
// group arithmetic (filippo.io/edwards25519 is the standard library's
// internal package published as a module): FuzzPublicKeyVerify holds it
// to crypto/ed25519.Verify, accepted and refused alike.
type publicKey struct {
	bytes  [ed25519.PublicKeySize]byte
	minusA edwards25519.Point // −A: R = [S]B − [k]A is what is checked
}

var errBadKey = errors.New("not an Ed25519 public key: its 32 bytes are no point on the curve")

func newPublicKey(k ed25519.PublicKey) (*publicKey, error) {
	if len(k) != ed25519.PublicKeySize {
		return nil, errBadKey
	}
	p := new(publicKey)
	a, err := new(edwards25519.Point).SetBytes(k)
	if err != nil {
		return nil, errBadKey
	}
	p.minusA.Negate(a)
	copy(p.bytes[:], k)
	return p, nil
}

// verify reports whether sig is the key's signature of ts followed by body,
// exactly as crypto/ed25519.Verify(key, ts+body, sig) would (RFC 8032
// §5.1.7 as Go checks it: S must be canonical, R is compared as encoded,
// no cofactor).
func (p *publicKey) verify(sig *[ed25519.SignatureSize]byte, ts string, body []byte) bool {
	if sig[63]&0xe0 != 0 { // S ≥ 2^253: never canonical
		return false
	}
	S, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(p.bytes[:])
	h.Write([]byte(ts))
	h.Write(body)
	var digest [sha512.Size]byte
	k, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(digest[:0]))
	if err != nil {
		return false // cannot happen: the digest is 64 bytes
	}
	var R edwards25519.Point
	R.VarTimeDoubleScalarBaseMult(k, &p.minusA, S)
	return [32]byte(R.Bytes()) == [32]byte(sig[:32])
}
