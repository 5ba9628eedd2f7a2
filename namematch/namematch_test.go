package namematch

import (
	"fmt"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		why           string
		claimed, held string
		wantMatch     bool
	}{
		// Case, honorifics, punctuation and order do not count.
		{"honorifics do not count", "Mr. Rajesh Kumar", "Rajesh Kumar", true},
		{"stacked honorifics do not count", "Dr. (Mrs.) Usha Nair", "Usha Nair", true},
		{"Late and Shri do not count", "Late Shri Mohan Lal", "Mohan Lal", true},
		{"Kumari leading a name is a title", "Kumari Pooja Verma", "Pooja Verma", true},
		{"Sri may be part of the name", "Sri Devi Kapoor", "Sridevi Kapoor", true},
		{"an honorific does not rescue another given name", "Mr. Rajesh Kumar", "Rakesh Kumar", false},
		{"case does not count", "RAJESH KUMAR", "rajesh kumar", true},
		{"a surname first with a comma is the same name", "KUMAR, Sunil", "Sunil Kumar", true},
		{"Telugu surname first is the same name", "Reddy Venkata Ramana", "Venkata Ramana Reddy", true},
		{"hyphens and dots separate words", "Sunil-Kumar.Sharma", "Sunil Kumar Sharma", true},
		{"apostrophes join a word", "D'Souza, Maria", "Maria Dsouza", true},
		{"Gujarati kin suffixes do not count", "Nileshbhai Patel", "Nilesh Patel", true},
		// Diacritics do not count.
		{"IAST diacritics do not count", "Śrīnivāsa Rāo", "Srinivasa Rao", true},
		{"vocalic r reads as ri", "Ānand Kṛṣṇan", "Anand Krishnan", true},
		{"combining marks do not count", "Jose\u0301 Fernandes", "José Fernandes", true},
		// Transliteration variants match.
		{"Mohammed and Mohammad are one name", "Mohammed Irfan", "Mohammad Irfan", true},
		{"Md and Mohd stand for Muhammad", "Md. Rafiq", "Mohd Rafique", true},
		{"ksh and x are one sound", "Lakshmi Devi", "Laxmi Devi", true},
		{"oo and u are one sound", "Pooja Sharma", "Puja Sharma", true},
		{"ee and i are one sound", "Sandeep Kaur", "Sandip Kaur", true},
		{"w and v are one sound", "Bhawna Mehta", "Bhavna Mehta", true},
		{"ph and f are one sound", "Prafulla Mohanty", "Praphulla Mohanty", true},
		{"th and t are one sound", "Nithin Gadkari", "Nitin Gadkari", true},
		{"sh and s are one sound", "Shashi Tharoor", "Sasi Tharoor", true},
		{"dh and d are one sound", "Sudhir Pandey", "Sudir Pandey", true},
		{"aa and a are one sound", "Aamir Khan", "Amir Khan", true},
		{"au and ou are one sound", "Gouri Shankar", "Gauri Shankar", true},
		{"doubled letters are single", "Anu Malik", "Anu Mallik", true},
		{"a final y is i", "Anil Reddy", "Anil Reddi", true},
		{"z and j may be one sound", "Zubair Ahmed", "Jubair Ahmad", true},
		{"Bengali b for v matches", "Biswajit Das", "Vishwajit Das", true},
		{"an inherent a may be written", "Srinivas Rao", "Srinivasa Rao", true},
		{"an inner a may be left out", "Jagdish Singh", "Jagadish Singh", true},
		{"a y between consonants is ai", "Vyshnavi Reddy", "Vaishnavi Reddy", true},
		{"the Telugu -raju is -raj", "Basavaraju Bommai", "Basavaraj Bommai", true},
		{"Chatterjee is Chattopadhyay", "Sourav Chatterjee", "Sourav Chattopadhyay", true},
		{"words written together match words written apart", "Lakshmi Narayanan", "Lakshminarayanan", true},
		{"an a after a man's name may be written", "Gopal Krishna", "Gopala Krishna", true},
		{"an a after Janardhan may be written", "Gali Janardhan Reddy", "Gali Janardhana Reddy", true},
		{"Shiv and Shiva are one name", "Shiv Kumar Batalvi", "Shiva Kumar Batalvi", true},
		{"ay, aye and ai are one sound", "Ayesha Siddiqui", "Aisha Siddiqi", true},
		{"jaya and jai are one sound", "Jayaprakash Narayan", "Jai Prakash Narayan", true},
		{"a and e before the last consonant are one sound", "Kishan Reddy", "Kishen Reddy", true},
		{"um and am at the end are one sound", "Rukhsana Begum", "Ruksana Begam", true},
		{"a long word may end in n or m", "Karthik Subramanian", "Karthick Subramaniam", true},
		// Typos.
		{"two letters swapped in a long word are a typo", "Sunil Agarwal", "Sunil Agrawal", true},
		{"a swap inside a long given name is a typo", "Venkatesh Prasad", "Venaktesh Prasad", true},
		// Initials.
		{"an initial stands for a word beside a full match", "S. Kumar", "Sunil Kumar", true},
		{"a final initial stands for a surname", "Sunil K", "Sunil Kumar", true},
		{"several initials stand for words beside a full match", "S. K. Sharma", "Sunil Kumar Sharma", true},
		{"run-together initials are initials", "SK Sharma", "Sunil Kumar Sharma", true},
		{"a Tamil initial may be left out", "R. Lakshmi Narayanan", "Lakshmi Narayanan", true},
		{"a name with initials matches itself", "A. R. Rahman", "A. R. Rahman", true},
		{"an initial may share a word's first letter", "K. Kavitha", "K Kavitha", true},
		{"run-together initials match spaced ones", "SK Sharma", "S. K. Sharma", true},
		{"initials alone never match", "S K", "Sunil Kumar", false},
		{"equal initials alone never match", "S K", "S K", false},
		{"an initial must be the word's first letter", "R Sharma", "Sunil Sharma", false},
		{"different Tamil initials are different fathers", "R. Lakshmi Narayanan", "S. Lakshmi Narayanan", false},
		// Near misses are different people.
		{"Anil is not Sunil", "Anil Kumar", "Sunil Kumar", false},
		{"Rajesh is not Rakesh", "Rajesh Kumar", "Rakesh Kumar", false},
		{"Priya is not Priyanka", "Priya Sharma", "Priyanka Sharma", false},
		{"Suresh is not Mahesh", "Suresh Patil", "Mahesh Patil", false},
		{"a shared surname is not enough", "Rahul Sharma", "Rohit Sharma", false},
		{"two shared words are not enough when a third differs", "Sunil Kumar Singh", "Anil Kumar Singh", false},
		{"Amit is not Amita", "Amit Verma", "Amita Verma", false},
		{"Manish is not Manisha", "Manish Rao", "Manisha Rao", false},
		{"Sharad is not Sharada", "Sharad Pawar", "Sharada Pawar", false},
		{"Parveen is not Praveen", "Parveen Sultana", "Praveen Sultana", false},
		{"Kamal is not Kamala", "Kamal Hassan", "Kamala Hassan", false},
		{"Farhan is not Farhana", "Farhan Ali", "Farhana Ali", false},
		{"a sounded a makes another name", "Rajesh Khanna", "Rajesh Khan", false},
		{"Kajal is not Kajol", "Kajal Agarwal", "Kajol Agarwal", false},
		{"Salim is not Salam", "Salim Khan", "Salam Khan", false},
		{"Shivam is not Shivan", "Shivam Iyer", "Shivan Iyer", false},
		{"Kumar is not Kumari", "Kiran Kumar", "Kiran Kumari", false},
		{"Singh is not Kaur", "Gurpreet Singh", "Gurpreet Kaur", false},
		{"a different father's name is another person", "Sachin Ramesh Tendulkar", "Sachin Suresh Tendulkar", false},
		// Words on one side only.
		{"a missing middle name matches", "Rajesh Kumar Singh", "Rajesh Singh", true},
		{"a missing father's name matches", "Sachin Ramesh Tendulkar", "Sachin Tendulkar", true},
		{"a given name alone does not match a full name", "Sunil", "Sunil Kumar", false},
		{"generic words alone do not match", "Kumar Singh", "Rajesh Kumar Singh", false},
		{"one name alone matches itself", "Ramaswamy", "Ramaswami", true},
		// Relatives' names.
		{"everything after S/O is cut", "Ramesh Kumar S/O Suresh Kumar", "Ramesh Kumar", true},
		{"everything after w/o is cut", "Sunita Devi w / o Rajesh Prasad", "Sunita Devi", true},
		{"everything after son of is cut", "Arjun Mehta son of Vikram Mehta", "Arjun Mehta", true},
		{"the father is not the son", "Rajesh Kumar S/O Rakesh Kumar", "Rakesh Kumar", false},
	}
	for _, tt := range tests {
		verb := "does not match"
		if tt.wantMatch {
			verb = "matches"
		}
		t.Run(fmt.Sprintf("%s: %s %s %s", tt.why, tt.claimed, verb, tt.held), func(t *testing.T) {
			s := Score(tt.claimed, tt.held)
			if got := Match(tt.claimed, tt.held, DefaultThreshold); got != tt.wantMatch {
				t.Errorf("Match(%q, %q) = %v (score %d), want %v", tt.claimed, tt.held, got, s, tt.wantMatch)
			}
		})
	}
}

func TestScore(t *testing.T) {
	tests := []struct {
		why           string
		claimed, held string
		want          int
	}{
		{"an empty claimed name scores 0", "", "Sunil Kumar", 0},
		{"an empty held name scores 0", "Sunil Kumar", "", 0},
		{"a name of punctuation only scores 0", "-- . --", "Sunil Kumar", 0},
		{"a claimed name of titles only scores 0", "Mr.", "Sunil Kumar", 0},
		{"a name cut entirely at S/O scores 0", "S/O Suresh Kumar", "Suresh Kumar", 0},
		{"an identical name scores 100", "Sunil Kumar", "Sunil Kumar", 100},
		{"a transliteration scores 100", "Pooja Sharma", "Puja Sharma", 100},
		{"an initial costs a little", "S. Kumar", "Sunil Kumar", 95},
		{"a name with initials scores 100 against itself", "S. K. Sharma", "S. K. Sharma", 100},
		{"a missing middle name costs 5", "Rajesh Kumar Singh", "Rajesh Singh", 95},
		{"a typo costs a little", "Sunil Agarwal", "Sunil Agrawal", 94},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			if got := Score(tt.claimed, tt.held); got != tt.want {
				t.Errorf("Score(%q, %q): got %d, want %d", tt.claimed, tt.held, got, tt.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		why  string
		a, b string
		want kind
	}{
		{"a final a after a man's name is a spelling", "gopal", "gopala", variant},
		{"Shiv is an i-stem that may take an a", "shiv", "shiva", variant},
		{"an a after an i-stem makes a woman's name", "amit", "amita", unrelated},
		{"a listed woman's name is not a spelling", "kamal", "kamala", unrelated},
		{"a sounded a is not a spelling", "khan", "khanna", unrelated},
		{"an a after a doubled t is a spelling", "dutt", "dutta", variant},
		{"aye and ai are one sound", "ayesha", "aisha", same},
		{"ay before a consonant is ai", "aysha", "aisha", same},
		{"aya before a consonant is ai", "jayaprakash", "jaiprakash", same},
		{"ay and aya before a consonant are one sound", "vijaykumar", "vijayakumar", same},
		{"khs and ks are one sound", "rukhsana", "ruksana", same},
		{"a and e before the last consonant vary", "kishan", "kishen", variant},
		{"a and o before the last consonant do not", "kajal", "kajol", unrelated},
		{"u and a before a last m vary", "begum", "begam", variant},
		{"i and a before a last m do not", "salim", "salam", unrelated},
		{"a long word may end in n or m", "subramanian", "subramaniam", variant},
		{"a short word may not", "shivam", "shivan", unrelated},
		{"a swap in a long word is a typo", "agarwal", "agrawal", typo},
		{"a swap in a short word is another name", "parveen", "praveen", unrelated},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			for _, p := range [][2]string{{tt.a, tt.b}, {tt.b, tt.a}} {
				if got := compare(newToken(p[0]), newToken(p[1])); got != tt.want {
					t.Errorf("compare(%q, %q): got %d, want %d", p[0], p[1], got, tt.want)
				}
			}
		})
	}
}

func TestMatchComparesWithTheThreshold(t *testing.T) {
	claimed, held := "S. K. Sharma", "Sunil Kumar Sharma"
	s := Score(claimed, held)
	if got := Match(claimed, held, s); !got {
		t.Errorf("Match at threshold %d (the score): got %v, want true", s, got)
	}
	if got := Match(claimed, held, s+1); got {
		t.Errorf("Match at threshold %d (above the score): got %v, want false", s+1, got)
	}
}

func FuzzScore(f *testing.F) {
	for _, seed := range [][2]string{
		{"Mr. Rajesh Kumar", "Rajesh Kumar"},
		{"S K", "Sunil Kumar"},
		{"Ānand Kṛṣṇan", "Anand Krishnan"},
		{"Ramesh S/O Suresh", "s/o"},
		{"", ""},
		{"a b c d e f g h i j k l m n", "n m l k j i h g f e d c b a"},
		{"राजेश कुमार", "राजेश कुमार"},
		{"\xff\xfe", "mohd md"},
		{"Vyshnavi Nileshbhai yyy", "bybyb Jagadish"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, claimed, held string) {
		s := Score(claimed, held)
		if s < 0 || s > 100 {
			t.Fatalf("Score(%q, %q): got %d, want 0..100", claimed, held, s)
		}
		if again := Score(claimed, held); again != s {
			t.Fatalf("Score(%q, %q) twice: got %d then %d, want equal", claimed, held, s, again)
		}
	})
}

func BenchmarkScore(b *testing.B) {
	for b.Loop() {
		Score("Dr. S. K. Venkata Ramana Reddy S/O Ramaiah", "Reddy Sunil Kumar Venkataramana")
	}
}
