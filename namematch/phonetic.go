package namematch

import (
	"regexp"
	"strings"
)

// spelling rewrites the transliteration choices that do not change how an
// Indian name sounds to one spelling. At each position the first pattern
// that matches wins, so longer patterns come first. C stands for the ch
// sound until the plain c has become k.
var spelling = strings.NewReplacer(
	"khsh", "x", "khs", "x", "ksh", "x", "ks", "x", "chh", "C", "ch", "C", "ck", "k", "qui", "ki", "q", "k", "c", "k",
	"ph", "f", "sh", "s", "th", "t", "dh", "d", "bh", "b", "kh", "k", "gh", "g", "jh", "j",
	"ee", "i", "oo", "u", "ou", "o", "au", "o", "ow", "o", "w", "v",
)

// aliasGroups are spellings of one name that the rules in key do not join:
// forms of Muhammad, and Bengali surnames in their anglicised and Sanskrit
// forms (Chatterjee is Chattopadhyay). The first spelling is the one the
// others become.
var aliasGroups = [][]string{
	{"muhammad", "md", "mohd", "mhd", "muhd", "mohmed", "mohmad", "mohamed", "mahammad"},
	{"ahmad", "ahmed", "ahamed", "ahamad"},
	{"syed", "sayed", "sayyed", "sayyad", "saiyed", "saiyad", "syyed", "sayeed"},
	{"shaikh", "sheikh", "shaik", "sheik", "shekh", "shiekh"},
	{"iyer", "aiyer", "aiyar", "ayyar", "iyar"},
	{"chatterjee", "chatterji", "chattopadhyay", "chattopadhyaya", "chatopadhyay"},
	{"banerjee", "banerji", "bandyopadhyay", "bandopadhyay", "bandyopadhyaya", "banarjee"},
	{"mukherjee", "mukherji", "mukhopadhyay", "mukhopadhyaya", "mukerjee"},
	{"ganguly", "ganguli", "gangopadhyay", "gangopadhyaya"},
	{"bhattacharya", "bhattacharyya", "bhattacharjee", "bhattacharji"},
}

// muhammad matches the keys of the many spellings of Muhammad that are
// not listed in aliasGroups (Mohammed, Muhamad, Mohamad, ...).
var muhammad = regexp.MustCompile(`^m[aou]h?[aeu]m[aeo]d$`)

// aliases maps the key of every spelling in aliasGroups to the key of its
// group's first spelling.
var aliases = buildAliases()

func buildAliases() map[string]string {
	m := make(map[string]string)
	for _, g := range aliasGroups {
		for _, s := range g {
			m[spell(s)] = spell(g[0])
		}
	}
	return m
}

// isAlias reports whether the folded word w is a listed spelling, such as
// the abbreviation md.
func isAlias(w string) bool {
	_, ok := aliases[spell(w)]
	return ok
}

// key returns the phonetic key of the folded word w: two spellings of the
// same sound get the same key (Lakshmi and Laxmi, Pooja and Puja).
func key(w string) string {
	k := spell(w)
	if a, ok := aliases[k]; ok {
		return a
	}
	if muhammad.MatchString(k) {
		return aliases["md"]
	}
	return k
}

// spell applies the spelling rules to the folded word w.
func spell(w string) string {
	switch {
	case strings.HasSuffix(w, "que"): // Rafique is Rafiq
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ore"): // Kishore is Kishor
		w = w[:len(w)-1]
	}
	k := []byte(strings.ToLower(spelling.Replace(consonantY(w))))
	k = ySound(endings(k))
	if len(k) > 1 && (k[0] == 'g' || k[0] == 'j') && k[1] == 'n' { // Gnanam, Jnanam, Gyanam
		k[0], k[1] = 'g', 'y'
	}
	return string(squeeze(k))
}

// consonantY spells a y between two consonants as ai, as Telugu and
// Malayalam spellings write it (Vyshnavi is Vaishnavi, Mythili is
// Maithili).
func consonantY(w string) string {
	if !strings.Contains(w, "y") {
		return w
	}
	var b strings.Builder
	for i := range len(w) {
		if w[i] == 'y' && i > 0 && i+1 < len(w) && isConsonant(w[i-1]) && isConsonant(w[i+1]) {
			b.WriteString("ai")
		} else {
			b.WriteByte(w[i])
		}
	}
	return b.String()
}

func isConsonant(c byte) bool {
	return c >= 'a' && c <= 'z' && !isVowel(c) && c != 'y'
}

// ySound spells a y after a, e or o and before a consonant as i, and so
// an a or e written after that y too, when a letter follows the consonant:
// the vowel is written many ways (Aysha, Ayesha, Aisha; Jayprakash,
// Jayaprakash, Jaiprakash; Joydeep, Jaydeep). A y before a word's last
// consonant stays (Narayan, Jayesh, Sayed).
func ySound(k []byte) []byte {
	out := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		if j := yVowelEnd(k, i); j > i {
			out = append(out, 'i')
			i = j - 1
			continue
		}
		out = append(out, k[i])
	}
	return out
}

// yVowelEnd returns where the y at i and the a or e after it end, when
// ySound spells them as i, or i when it does not.
func yVowelEnd(k []byte, i int) int {
	if k[i] != 'y' || i == 0 || strings.IndexByte("aeo", k[i-1]) < 0 {
		return i
	}
	j := i + 1
	if j < len(k) && (k[j] == 'a' || k[j] == 'e') {
		j++
	}
	if j+1 < len(k) && isConsonant(k[j]) {
		return j
	}
	return i
}

// endings rewrites a y before a vowel after i (Saniya is Sania), a final
// ey or y (Pandey is Pande, Reddy is Reddi) and a final h after a vowel
// (Abdullah is Abdulla).
func endings(k []byte) []byte {
	out := k[:0]
	for i, c := range k {
		if c == 'y' && i > 0 && k[i-1] == 'i' && i+1 < len(k) && isVowel(k[i+1]) {
			continue
		}
		out = append(out, c)
	}
	n := len(out)
	switch {
	case n > 2 && out[n-2] == 'e' && out[n-1] == 'y':
		out = out[:n-1]
	case n > 1 && out[n-1] == 'y':
		out[n-1] = 'i'
	case n > 2 && out[n-1] == 'h' && isVowel(out[n-2]):
		out = out[:n-1]
	}
	return out
}

// squeeze writes every run of one letter once (Chatterjee, Mallik).
func squeeze(k []byte) []byte {
	out := k[:0]
	for i, c := range k {
		if i == 0 || c != k[i-1] {
			out = append(out, c)
		}
	}
	return out
}

func isVowel(c byte) bool {
	return strings.IndexByte("aeiou", c) >= 0
}

// looseKey returns k with the letters that rarely tell two names apart,
// but sometimes do, replaced: b for v (Bengali Bikash, Vikas) and j for z
// (Zubair, Jubair). Words that agree only on it are variants.
func looseKey(k string) string {
	return looseLetters.Replace(k)
}

var looseLetters = strings.NewReplacer("v", "b", "z", "j")

// dropsSchwa reports whether short is long without some of the a's that
// long has between two consonants (Jagdish in Jagadish, Ramchandra in
// Ramachandra): an inherent vowel written in one spelling only.
func dropsSchwa(long, short string) bool {
	if len(long) <= len(short) {
		return false
	}
	j := 0
	for i := 0; i < len(long); i++ {
		switch {
		case j < len(short) && long[i] == short[j]:
			j++
		case long[i] != 'a' || i == 0 || i+1 == len(long) || isVowel(long[i-1]) || isVowel(long[i+1]):
			return false
		}
	}
	return j == len(short)
}

// schwaKey returns the key of the folded word w without a final vowel that
// one spelling may write and another not: an inherent a (Srinivas,
// Srinivasa; Gopal, Gopala; Janardhan, Janardhana) or the Telugu u of
// -raju (Basavaraju, Basavaraj). It returns "" when the a may instead make
// a man's name a woman's: after a stem whose last vowel is i (Amit, Amita;
// Manish, Manisha; Samir, Samira), except in menWithA, and in the names of
// womenWithA (Kamal, Kamala; Ranjan, Ranjana; Sharad, Sharada). Nor is an
// a that is sounded optional.
func schwaKey(w string) string {
	n := len(w)
	switch {
	case n >= 6 && strings.HasSuffix(w, "raju"):
		return key(w[:n-1])
	case n < 5 || w[n-1] != 'a' || isVowel(w[n-2]) || womenWithA[key(w)] || sounded(w):
		return ""
	}
	base := w[:n-1]
	if iStem(base) && !menWithA[key(w)] {
		return ""
	}
	return key(base)
}

// sounded reports whether the final a of w follows a doubled n, m, l, r
// or d, which a spelling doubles because the a is said (Khanna is not Khan).
func sounded(w string) bool {
	n := len(w)
	return w[n-2] == w[n-3] && strings.IndexByte("nmlrd", w[n-2]) >= 0
}

// iStem reports whether the last vowel of base is i or ee, as in the
// men's names that become women's names with an a (Amit, Vineet).
func iStem(base string) bool {
	last := strings.LastIndexAny(base, "aeiou")
	return last < 0 || base[last] == 'i' || base[last] == 'e' && last > 0 && base[last-1] == 'e'
}

// womenWithA are women's names that are a man's name and an a, so the a
// tells two people apart.
var womenWithA = keySet(
	"kamala", "nirmala", "vimala", "mangala", "komala", "utpala", "vishala", "shyamala",
	"ujjwala", "amala", "vatsala", "sarala", "chanchala",
	"ranjana", "mohana", "sohana", "chandana", "vandana", "darshana", "sudarshana", "anjana",
	"chetana", "nandana", "sumana", "aruna", "karuna", "taruna", "suguna", "sadhana", "bhuvana",
	"pavana", "kanchana", "jeevana", "sajana", "gagana", "nayana", "roshana", "lochana",
	"farhana", "imrana", "rehana", "rizwana", "sultana", "amana",
	"prema", "anupama", "shyama", "shama", "uttama",
	"madhura", "mayura", "anwara",
	"sharada", "pramoda", "vinoda",
)

// menWithA are men's names with an a after an i-stem that is only a
// spelling (Shiv, Shiva).
var menWithA = keySet("shiva")

// endingVariant reports whether keys a and b differ only where spellings of
// one name's last syllable do: a or e before the last consonant (Kishan,
// Kishen; Akhtar, Akhter), u or a before a last m (Begum, Begam; Khanum,
// Khanam) and, in a long word, a last m or n after a (Subramanian,
// Subramaniam). Other vowels there make other names (Kajal, Kajol; Salim,
// Salam).
func endingVariant(a, b string) bool {
	n := len(a)
	if n != len(b) || n < 5 || a[:n-2] != b[:n-2] || a == b {
		return false
	}
	x, y, last := a[n-2], b[n-2], a[n-1]
	switch {
	case last == b[n-1] && isConsonant(last):
		return either(x, y, 'a', 'e') || last == 'm' && either(x, y, 'a', 'u')
	case x == 'a' && y == 'a' && n >= minNasalLen:
		return either(last, b[n-1], 'm', 'n')
	}
	return false
}

// minNasalLen is the shortest key whose last n may be spelt m: shorter
// words so spelt are other names (Shivam, Shivan).
const minNasalLen = 8

// either reports whether x and y are p and q in either order.
func either(x, y, p, q byte) bool {
	return x == p && y == q || x == q && y == p
}

// vowelVariant reports whether keys a and b differ only in one vowel that
// is neither their first nor their last letter, and are long enough for
// that to be a spelling choice (Rahman, Rehman; Fatima, Fatema;
// Rajinikant, Rajnikant) rather than another name.
func vowelVariant(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a) < 6 || len(a)-len(b) > 1 || a[0] != b[0] || a[len(a)-1] != b[len(b)-1] {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i >= len(a)-1 || !isVowel(a[i]) {
		return false
	}
	if len(a) == len(b) {
		return isVowel(b[i]) && a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}
