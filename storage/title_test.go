package storage

import "testing"

// Titles that differ in case, accents, punctuation, spacing or lookalike
// letters share a key; different titles do not. The cases Letterboxd's
// own fold was tested with keep their keys.
func TestTitleKey(t *testing.T) {
	for in, want := range map[string]string{
		"Crouching Tiger, Hidden Dragon":       "crouching tiger hidden dragon",
		"  ANORA ":                             "anora",
		"Schindler’s List":                     "schindlers list",
		"Schindler's List":                     "schindlers list",
		"Mission: Impossible – Dead Reckoning": "mission impossible dead reckoning",
		"Amélie":                               "amelie",
		"Anоra":                                "anora", // a Cyrillic о
		"Ano\u200bra":                          "anora", // an invisible space
		"WALL·E":                               "wall e",
		"":                                     "",
	} {
		if got := TitleKey(in); got != want {
			t.Errorf("TitleKey(%q) = %q, want %q", in, got, want)
		}
		if got := string(AppendTitleKey([]byte("x"), in)); got != "x"+want {
			t.Errorf("AppendTitleKey(%q) = %q, want %q", in, got, "x"+want)
		}
	}
	if TitleKey("Anora") == TitleKey("Anora 2") || TitleKey("Her") == TitleKey("Hero") {
		t.Error("different titles share a key")
	}
}

// AppendTitleKey's ASCII path is TitleKey: every printable ASCII
// character, alone and between letters.
func TestAppendTitleKeyASCII(t *testing.T) {
	for c := byte(' '); c < 0x7f; c++ {
		for _, s := range []string{string(c), "A" + string(c) + "b", string(c) + " x" + string(c) + string(c)} {
			if got, want := string(AppendTitleKey(nil, s)), TitleKey(s); got != want {
				t.Errorf("AppendTitleKey(%q) = %q, TitleKey %q", s, got, want)
			}
		}
	}
}

func BenchmarkAppendTitleKey(b *testing.B) {
	var buf []byte
	for b.Loop() {
		buf = AppendTitleKey(buf[:0], "Mission: Impossible - Dead Reckoning Part One")
	}
}
