package namematch

import (
	"strings"
	"unicode"
)

// latinFold spells Latin letters with diacritics (after lower-casing) in
// plain ASCII. IAST and ISO 15919 letters get their usual English
// spelling, so Kṛṣṇa reads as krishna and Śrī as shri.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "ch", 'ĉ': "c", 'ċ': "c",
	'ď': "d", 'đ': "d", 'ḍ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ĝ': "g", 'ġ': "g", 'ģ': "g", 'ḥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĵ': "j", 'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ł': "l", 'ḷ': "li", 'ḻ': "zh",
	'ṁ': "m", 'ṃ': "m",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n", 'ṅ': "n", 'ṇ': "n", 'ṉ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ṛ': "ri", 'ṝ': "ri", 'ṟ': "r",
	'ś': "sh", 'ṣ': "sh", 'š': "sh", 'ş': "s", 'ŝ': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'ṭ': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ŷ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// fold lower-cases s, spells Latin diacritics in ASCII, drops combining
// marks and apostrophes (D'Souza is dsouza) and keeps every other rune.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), strings.ContainsRune("'’‘`ʼ", r):
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// relationPhrases introduce a relative's name, which is not part of the
// person's own name.
var relationPhrases = []string{"son of", "daughter of", "wife of", "husband of", "care of"}

// cutRelation returns the folded name f up to its first relation marker:
// S/O, D/O, W/O, H/O, C/O (any spacing around the slash) or one of
// relationPhrases.
func cutRelation(f string) string {
	end := len(f)
	for i := 0; i < len(f); i++ {
		if strings.IndexByte("sdwhc", f[i]) >= 0 && !letterAt(f, i-1) && slashO(f, i+1) {
			end = i
			break
		}
	}
	for _, p := range relationPhrases {
		if i := indexWord(f, p); i >= 0 && i < end {
			end = i
		}
	}
	return f[:end]
}

// slashO reports whether f continues at i with "/o" (spaces allowed
// around the slash) and then a non-letter.
func slashO(f string, i int) bool {
	i = skipSpaces(f, i)
	if i >= len(f) || f[i] != '/' {
		return false
	}
	i = skipSpaces(f, i+1)
	return i < len(f) && f[i] == 'o' && !letterAt(f, i+1)
}

func skipSpaces(f string, i int) int {
	for i < len(f) && f[i] == ' ' {
		i++
	}
	return i
}

// letterAt reports whether the byte at i is part of a letter. Bytes of
// multi-byte runes count as letters so a marker is never cut out of one.
func letterAt(f string, i int) bool {
	if i < 0 || i >= len(f) {
		return false
	}
	c := f[i]
	return c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// indexWord returns the index of the first occurrence of p in f that
// neither starts nor ends inside a word, or -1.
func indexWord(f, p string) int {
	for from := 0; from < len(f); {
		i := strings.Index(f[from:], p)
		if i < 0 {
			return -1
		}
		i += from
		if !letterAt(f, i-1) && !letterAt(f, i+len(p)) {
			return i
		}
		from = i + 1
	}
	return -1
}

// maxNameBytes bounds the part of a name that is read, so that a
// malformed cell costs no more than a long real name.
const maxNameBytes = 512

// words folds name, cuts any relative's name off it and splits the rest
// into words at every rune that is not a letter.
func words(name string) []string {
	if len(name) > maxNameBytes {
		name = name[:maxNameBytes] // a rune cut in two is not a letter
	}
	f := cutRelation(fold(name))
	return strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
}

// honorifics are the titles that may lead a name. The value is true when
// the word is also a common part of names (Sri Devi, Kumari Selja), so a
// reading that keeps it is tried too.
var honorifics = map[string]bool{
	"mr": false, "mrs": false, "ms": false, "miss": false, "mx": false, "dr": false,
	"prof": false, "smt": false, "shrimati": false, "srimati": false, "shriman": false,
	"late": false, "lt": false, "km": false, "kum": false, "ku": false, "sushri": false,
	"master": false, "mast": false, "tmt": false, "thirumathi": false, "thirumati": false,
	"sh": false, "janab": false, "sardarni": false, "sau": false, "adv": false, "capt": false,
	"col": false, "maj": false, "er": false, "pt": false,
	"shri": true, "shree": true, "sri": true, "sree": true, "kumari": true, "selvi": true,
	"thiru": true, "sardar": true, "pandit": true,
}

// stripHonorifics returns the readings of ws without its leading titles:
// without all of them and, when an ambiguous one was among them, without
// only those before the first ambiguous one.
func stripHonorifics(ws []string) [][]string {
	all, firstAmbiguous := 0, -1
	for all < len(ws) {
		ambiguous, ok := honorifics[ws[all]]
		if !ok {
			break
		}
		if ambiguous && firstAmbiguous < 0 {
			firstAmbiguous = all
		}
		all++
	}
	if firstAmbiguous < 0 {
		return [][]string{ws[all:]}
	}
	return [][]string{ws[all:], ws[firstAmbiguous:]}
}

// kinSuffixes are the Gujarati suffixes (brother, sister) that a name
// may carry or not: Nileshbhai is Nilesh, Hetalben is Hetal.
var kinSuffixes = []string{"bhai", "bhau", "behn", "ben"}

// stripKinSuffixes removes a kinSuffix from each word that keeps at least
// three letters before it.
func stripKinSuffixes(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w
		for _, s := range kinSuffixes {
			if len(w) >= len(s)+3 && strings.HasSuffix(w, s) {
				out[i] = w[:len(w)-len(s)]
				break
			}
		}
	}
	return out
}

// digraphInitials are two-letter abbreviations that stand for one word
// (Ch. for Chandra or Chowdary).
var digraphInitials = map[string]bool{"ch": true, "sh": true, "th": true, "kh": true, "bh": true, "dh": true, "gh": true, "ph": true}

// splitInitials spells run-together initials (SK, RK, VVS) as one word per
// letter: a word of two or three letters without a vowel stands for
// initials, unless it is a known abbreviation (Md) or a digraph (Ch).
func splitInitials(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		switch {
		case digraphInitials[w]:
			out = append(out, w[:1])
		case len(w) < 2 || len(w) > 3 || strings.ContainsAny(w, "aeiouy") || isAlias(w) || !isASCII(w):
			out = append(out, w)
		default:
			for i := range len(w) {
				out = append(out, w[i:i+1])
			}
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
