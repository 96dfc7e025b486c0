package csv

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

func TestDetectMappingKnownExports(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   Mapping
	}{
		{
			name: "Apollo",
			header: []string{"First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email",
				"Email Status", "Person Linkedin Url", "Website", "Mobile Phone", "Corporate Phone", "Country",
				"City", "Industry", "# Employees", "Company Linkedin Url", "Email Sent"},
			want: Mapping{
				"First Name": "firstName", "Last Name": "lastName", "Title": "title",
				"Company": "custom.company", "Company Name for Emails": "company", "Email": "email",
				"Email Status": "custom.email_status", "Person Linkedin Url": "linkedinUrl",
				"Website": "website", "Mobile Phone": "phone", "Corporate Phone": "custom.corporate_phone",
				"Country": "country", "City": "custom.city", "Industry": "custom.industry",
				"# Employees": "custom.employees", "Company Linkedin Url": "custom.company_linkedin_url",
				"Email Sent": "custom.email_sent",
			},
		},
		{
			name:   "Sales Navigator",
			header: []string{"firstName", "lastName", "companyName", "title", "profileUrl", "email", "headline"},
			want: Mapping{
				"firstName": "firstName", "lastName": "lastName", "companyName": "company", "title": "title",
				"profileUrl": "linkedinUrl", "email": "email", "headline": "custom.headline",
			},
		},
		{
			name: "HubSpot",
			header: []string{"First Name", "Last Name", "Email", "Company Name", "Job Title", "Phone Number",
				"Website URL", "Country/Region", "Time Zone", "Lifecycle Stage"},
			want: Mapping{
				"First Name": "firstName", "Last Name": "lastName", "Email": "email", "Company Name": "company",
				"Job Title": "title", "Phone Number": "phone", "Website URL": "website",
				"Country/Region": "country", "Time Zone": "timezone", "Lifecycle Stage": "custom.lifecycle_stage",
			},
		},
		{
			name:   "Instantly",
			header: []string{"email", "first_name", "last_name", "company_name", "website", "personalization", "phone"},
			want: Mapping{
				"email": "email", "first_name": "firstName", "last_name": "lastName", "company_name": "company",
				"website": "website", "personalization": "custom.personalization", "phone": "phone",
			},
		},
		{
			name:   "lemlist",
			header: []string{"email", "firstName", "lastName", "companyName", "linkedinUrl", "icebreaker", "phone", "picture"},
			want: Mapping{
				"email": "email", "firstName": "firstName", "lastName": "lastName", "companyName": "company",
				"linkedinUrl": "linkedinUrl", "icebreaker": "custom.icebreaker", "phone": "phone",
				"picture": "custom.picture",
			},
		},
		{
			name:   "French",
			header: []string{"Prénom", "Nom", "Société", "Adresse e-mail", "Téléphone", "Pays", "Poste", "Site web", "Fuseau horaire"},
			want: Mapping{
				"Prénom": "firstName", "Nom": "lastName", "Société": "company", "Adresse e-mail": "email",
				"Téléphone": "phone", "Pays": "country", "Poste": "title", "Site web": "website",
				"Fuseau horaire": "timezone",
			},
		},
		{
			name:   "German",
			header: []string{"Vorname", "Nachname", "Firma", "E-Mail-Adresse", "Telefon", "Land", "Position"},
			want: Mapping{
				"Vorname": "firstName", "Nachname": "lastName", "Firma": "company", "E-Mail-Adresse": "email",
				"Telefon": "phone", "Land": "country", "Position": "title",
			},
		},
		{
			name:   "Spanish",
			header: []string{"Nombre", "Apellidos", "Empresa", "Correo electrónico", "Teléfono", "País", "Cargo"},
			want: Mapping{
				"Nombre": "firstName", "Apellidos": "lastName", "Empresa": "company", "Correo electrónico": "email",
				"Teléfono": "phone", "País": "country", "Cargo": "title",
			},
		},
		{
			name:   "German Vorname/Name pair",
			header: []string{"Vorname", "Name", "E-Mail"},
			want:   Mapping{"Vorname": "firstName", "Name": "lastName", "E-Mail": "email"},
		},
		{
			name:   "one name column",
			header: []string{"Name", "Mail"},
			want:   Mapping{"Name": "fullName", "Mail": "email"},
		},
		{
			name:   "casing, spacing and underscores",
			header: []string{"EMAIL ADDRESS", " first_name ", "LAST-NAME", "company  name", "JobTitle"},
			want: Mapping{
				"EMAIL ADDRESS": "email", "first_name": "firstName", "LAST-NAME": "lastName",
				"company  name": "company", "JobTitle": "title",
			},
		},
		{
			name:   "work email beats personal email",
			header: []string{"Personal Email", "Work Email", "Email Status"},
			want:   Mapping{"Personal Email": "custom.personal_email", "Work Email": "email", "Email Status": "custom.email_status"},
		},
		{
			name:   "unknown header mentioning mail",
			header: []string{"Email Verified", "Email Address (Work)", "Full Name"},
			want:   Mapping{"Email Verified": "custom.email_verified", "Email Address (Work)": "email", "Full Name": "fullName"},
		},
		{
			name:   "our own export",
			header: []string{"email", "firstName", "custom.icebreaker", "custom.Company Size", "custom.email"},
			want: Mapping{
				"email": "email", "firstName": "firstName", "custom.icebreaker": "custom.icebreaker",
				"custom.Company Size": "custom.company_size", "custom.email": "custom.email",
			},
		},
		{
			name:   "empty and duplicate headers",
			header: []string{"Email", "", "Notes", "Notes", "#", "notes"},
			want:   Mapping{"Email": "email", "col_2": "custom.col_2", "Notes": "custom.notes", "#": "custom.col_5", "notes": "custom.notes_2"},
		},
		{
			name:   "no email column",
			header: []string{"Name", "Company"},
			want:   Mapping{"Name": "fullName", "Company": "company"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectMapping(tt.header)
			if !maps.Equal(got, tt.want) {
				for k, v := range tt.want {
					if got[k] != v {
						t.Errorf("%q → %q, want %q", k, got[k], v)
					}
				}
				for k, v := range got {
					if _, ok := tt.want[k]; !ok {
						t.Errorf("unexpected %q → %q", k, v)
					}
				}
			}
		})
	}
}

func TestSnakeKey(t *testing.T) {
	tests := map[string]string{
		"Company Name for Emails":   "company_name_for_emails",
		"firstLine":                 "first_line",
		"first_line":                "first_line",
		"URLPath":                   "url_path",
		"# Employees":               "employees",
		"Années d'expérience":       "annees_d_experience",
		"Straße":                    "strasse",
		"会社名":                       "会社名",
		"Email2":                    "email2",
		"---":                       "",
		strings.Repeat("word ", 30): strings.TrimSuffix(strings.Repeat("word_", 12), "_") + "_word",
		strings.Repeat("x", field.MaxCustomKeyLen+9): strings.Repeat("x", field.MaxCustomKeyLen),
	}
	for in, want := range tests {
		got := snakeKey(in)
		if got != want {
			t.Errorf("snakeKey(%q) = %q, want %q", in, got, want)
		}
		if got != "" {
			if _, err := field.ByName(field.CustomPrefix + got); err != nil {
				t.Errorf("snakeKey(%q) = %q, not a valid key: %v", in, got, err)
			}
			if again := snakeKey(got); again != got {
				t.Errorf("snakeKey is not stable: %q → %q", got, again)
			}
		}
	}
}

func TestResolveExplicitMapping(t *testing.T) {
	header := []string{"Mail Pro", "Email", "Prénom", "Notes", "Mobile", "Office"}
	tests := []struct {
		name    string
		mapping Mapping
		want    Mapping
		wantErr error
	}{
		{
			name:    "explicit entries win, the rest is detected",
			mapping: Mapping{"Mail Pro": "email", "Notes": "custom.Icebreaker"},
			want: Mapping{"Mail Pro": "email", "Email": "custom.email", "Prénom": "firstName",
				"Notes": "custom.Icebreaker", "Mobile": "phone", "Office": "custom.office"},
		},
		{
			name:    "ignore and fall back between columns",
			mapping: Mapping{"Prénom": "", "Office": "phone", " Notes ": "firstName"},
			want: Mapping{"Mail Pro": "custom.mail_pro", "Email": "email", "Prénom": "", "Notes": "firstName",
				"Mobile": "custom.mobile", "Office": "phone"},
		},
		{name: "unknown column", mapping: Mapping{"E-mail": "email"}, wantErr: ErrBadMapping},
		{name: "unknown field", mapping: Mapping{"Email": "mail"}, wantErr: field.ErrUnknown},
		{name: "bad custom key", mapping: Mapping{"Notes": "custom.my notes"}, wantErr: ErrBadMapping},
		{name: "email ignored", mapping: Mapping{"Email": "", "Mail Pro": ""}, wantErr: ErrNoEmailColumn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := resolve(headerNames(header), tt.mapping, true)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("resolve = %v, %v\nwant %v", got, err, tt.want)
			}
		})
	}
}

func TestResolveTooManyColumns(t *testing.T) {
	header := []string{"email"}
	for i := range field.MaxCustomFields + 1 {
		header = append(header, "extra "+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if _, _, err := resolve(headerNames(header), nil, true); !errors.Is(err, ErrTooManyColumns) {
		t.Fatalf("err = %v, want ErrTooManyColumns", err)
	}
	// Ignoring one column brings it under the limit.
	if _, _, err := resolve(headerNames(header), Mapping{header[1]: ""}, true); err != nil {
		t.Fatalf("with one column ignored: %v", err)
	}
}
