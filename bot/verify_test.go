package bot

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
)

// notAPoint is 32 bytes that decode to no point of the curve (y = 2 has
// no x), so no key and no signature.
var notAPoint = "02" + strings.Repeat("00", 31)

// sPlusL returns sig with S replaced by S + ℓ: the same scalar modulo the
// group's order, but not in its canonical form, which Ed25519 refuses.
func sPlusL(sig []byte) []byte {
	l, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	le := func(b []byte) []byte { // little- ↔ big-endian
		r := make([]byte, len(b))
		for i := range b {
			r[len(b)-1-i] = b[i]
		}
		return r
	}
	s := new(big.Int).SetBytes(le(sig[32:]))
	s.Add(s, l)
	out := append([]byte(nil), sig[:32]...)
	return append(out, le(s.FillBytes(make([]byte, 32)))...)
}

// The decoded key checks exactly what crypto/ed25519.Verify checks, for
// good signatures and for every kind of bad one: a bit flipped anywhere, a
// non-canonical S, another message, a key that is another point, no point
// or a point of small order.
func FuzzPublicKeyVerify(f *testing.F) {
	for mode := range uint8(8) {
		f.Add([]byte("filmbot"), "1700000000", []byte(commandBody), mode, uint16(mode)*37)
	}
	f.Add([]byte{}, "", []byte{}, uint8(1), uint16(511))
	f.Fuzz(func(t *testing.T, seed []byte, ts string, body []byte, mode uint8, at uint16) {
		s := sha256.Sum256(seed)
		priv := ed25519.NewKeyFromSeed(s[:])
		pub := priv.Public().(ed25519.PublicKey)
		msg := append([]byte(ts), body...)
		sig := ed25519.Sign(priv, msg)
		switch mode % 8 {
		case 1:
			sig[at/8%64] ^= 1 << (at % 8)
		case 2:
			sig = sPlusL(sig)
		case 3:
			sig[63] |= 0x20 << (at % 3)
		case 4: // signed something else
			if len(body) == 0 {
				body = []byte{byte(at)}
			} else {
				body[int(at)%len(body)] ^= 1 << (at % 8)
			}
		case 5: // another key: one bit of it flipped
			pub = append(ed25519.PublicKey(nil), pub...)
			pub[at/8%32] ^= 1 << (at % 8)
		case 6: // the identity, of small order: S = 0 and R = O verify under it
			pub, _ = hex.DecodeString("01" + strings.Repeat("00", 31))
			sig = append(append([]byte(nil), pub...), make([]byte, 32)...)
			sig[32] = byte(at % 2)
		case 7:
			pub, _ = hex.DecodeString(notAPoint)
		}
		want := ed25519.Verify(pub, append([]byte(ts), body...), sig)
		key, err := newPublicKey(pub)
		got := err == nil && key.verify((*[64]byte)(sig), ts, body)
		if got != want {
			t.Fatalf("mode %d at %d: publicKey.verify %v, crypto/ed25519 %v (key error %v)", mode%8, at, got, want, err)
		}
		if mode%8 == 0 && !got {
			t.Fatal("a good signature refused")
		}
	})
}

// The identity key with S = 0 is the one small-order case Go's cofactorless
// check accepts; the fuzz seeds above pin it, this pins that they do.
func TestPublicKeyVerifyEdges(t *testing.T) {
	id, _ := hex.DecodeString("01" + strings.Repeat("00", 31))
	key, err := newPublicKey(id)
	if err != nil {
		t.Fatal(err)
	}
	var sig [64]byte
	copy(sig[:], id)
	if !key.verify(&sig, "1", []byte("x")) || !ed25519.Verify(id, []byte("1x"), sig[:]) {
		t.Error("identity key, R = O, S = 0: both should accept")
	}
	bad, _ := hex.DecodeString(notAPoint)
	if _, err := newPublicKey(bad); err == nil {
		t.Error("y = 2 decoded as a key")
	}
	if _, err := newPublicKey(bad[:31]); err == nil {
		t.Error("31 bytes decoded as a key")
	}
}

// One signature check, a typical command's body, against crypto/ed25519
// given the timestamp and body joined, as discordgo calls it:
//
//	go test -run '^$' -bench PublicKeyVerify -benchmem ./bot
func BenchmarkPublicKeyVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	ts, body := "1700000000", []byte(commandBody)
	sig := ed25519.Sign(priv, append([]byte(ts), body...))
	b.Run("crypto/ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, append([]byte(ts), body...), sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("publicKey", func(b *testing.B) {
		key, _ := newPublicKey(pub)
		for b.Loop() {
			if !key.verify((*[64]byte)(sig), ts, body) {
				b.Fatal("refused")
			}
		}
	})
}
