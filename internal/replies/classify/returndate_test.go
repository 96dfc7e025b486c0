package classify

import (
	"testing"
	"time"
)

func TestReturnDate(t *testing.T) {
	nov20 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	nov24 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	dec20 := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
	may1 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	jan10 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		text string
		ref  time.Time
		want string // "" = nil
	}{
		{"english day month", "I will be back on 3 December.", nov20, "2026-12-03"},
		{"english month day ordinal", "Back on Thursday, December 3rd, 2026.", nov20, "2026-12-03"},
		{"weekday before date", "returning Monday 7 Dec 2026", nov20, "2026-12-07"},
		{"german dotted", "Ich bin zurück am 03.12.2026.", nov20, "2026-12-03"},
		{"german return beats until", "Ich bin bis 02.12.2026 nicht im Büro, ab dem 03.12.2026 wieder da.", nov20, "2026-12-03"},
		{"german dotted without year", "Ab dem 3.12. bin ich wieder erreichbar.", nov20, "2026-12-03"},
		{"german month name", "Ich bin bis zum 3. Dezember im Urlaub.", nov20, "2026-12-03"},
		{"french", "Je serai de retour le 3 décembre.", nov20, "2026-12-03"},
		{"french premier", "De retour le 1er décembre.", nov20, "2026-12-01"},
		{"spanish", "Estoy fuera hasta el 3 de diciembre de 2026.", nov20, "2026-12-03"},
		{"dutch", "Ik ben afwezig tot en met 2 december. Vanaf donderdag 3 december weer op kantoor.", nov20, "2026-12-03"},
		{"italian", "Sono fuori sede fino al 3 dicembre.", nov20, "2026-12-03"},
		{"portuguese", "Estou ausente até 3 de dezembro.", nov20, "2026-12-03"},
		{"iso", "Back on 2026-12-03.", nov20, "2026-12-03"},
		{"us numeric, only mm/dd is ahead", "until 12/03/2026", nov24, "2026-12-03"},
		{"european numeric, only dd/mm is ahead", "until 03/12/2026", nov24, "2026-12-03"},
		{"ambiguous, both ahead", "back on 05/06", may1, ""},
		{"ambiguous, neither within 90 days", "back on 05/06/2026", jan10, ""},
		{"year rolls over", "Back on 3 January.", dec20, "2027-01-03"},
		{"weekday only", "Back Monday.", wed, "2026-11-30"},
		{"tomorrow", "I'm back tomorrow.", wed, "2026-11-26"},
		{"range without keyword takes the end", "Out of office 25.11.2026 - 03.12.2026", nov20, "2026-12-03"},
		{"no year and no message date", "back on 3 December", time.Time{}, ""},
		{"year given, no message date", "back on 3 December 2026", time.Time{}, "2026-12-03"},
		{"numeric range is not a date", "I'll be off for 3-4 days.", nov20, ""},
		{"24/7 is not a date", "Our 24/7 line is open; back soon.", nov20, ""},
		{"impossible date", "back on 31 June", nov20, ""},
		{"past date only", "I was away since 1 November.", nov20, ""},
		{"decided is not december", "I decided to take leave, back on 4 Dec.", nov20, "2026-12-04"},
		{"no date", "I am out of the office with limited access to email.", nov20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := returnDate(fold(tt.text), tt.ref)
			gotS := ""
			if got != nil {
				gotS = got.Format("2006-01-02")
				if got.Location() != time.UTC || got.Hour() != 0 {
					t.Errorf("return date %v is not midnight UTC", got)
				}
			}
			if gotS != tt.want {
				t.Errorf("returnDate(%q) = %q, want %q", tt.text, gotS, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Réponse AUTOMATIQUE": "reponse automatique",
		"Grüße aus Köln":      "grusse aus koln",
		"lunedì, Mañana, até": "lunedi, manana, ate",
		"don’t":               "don't",
		"plain ascii":         "plain ascii",
		"Ünïcödé\u00a0spaces": "unicode spaces",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
