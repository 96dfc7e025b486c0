package csv

import "github.com/leadbitz/leadbitz/internal/lead/field"

// alias is what a header name, folded by foldKey, says about its column.
// rank orders columns that claim the same field: the lowest rank wins
// ("Company Name for Emails", Apollo's cleaned name, beats "Company"; a
// mobile phone beats a switchboard number), the others become custom
// fields so no data is lost.
type alias struct {
	field field.Field
	rank  int
}

// headerAliases lists the column names of common exports, folded
// (lower-case, accents removed, only letters and digits kept), so "First
// Name", "first_name", "firstName" and "FIRST-NAME" are one entry.
// Within a field, earlier groups rank first. Sources: Apollo, LinkedIn Sales Navigator exports (via Phantombuster,
// Evaboot and similar), HubSpot, Salesforce, Instantly, lemlist, plain
// spreadsheets, and French, German and Spanish headers.
var headerAliases = buildAliases(map[string][][]string{
	field.Email: {
		{"email", "emailaddress", "emailadresse", "adresseemail", "adressemail", "adressecourriel",
			"courriel", "correoelectronico", "direcciondecorreo", "direcciondecorreoelectronico", "emailaddresse"},
		{"workemail", "businessemail", "professionalemail", "companyemail", "corporateemail",
			"primaryemail", "email1", "emails", "contactemail", "personemail", "leademail", "emailid",
			"correo", "emailpro", "emailprofessionnel", "geschaftlicheemail"},
		{"mail", "mailaddress", "emailaddress1"},
		{"personalemail", "privateemail", "emailpersonnel", "privatemail"},
	},
	field.FirstName: {
		{"firstname", "givenname", "prenom", "vorname", "nombre", "contactfirstname", "leadfirstname",
			"personfirstname"},
		{"first", "fname", "forename", "nombrepila"},
	},
	field.LastName: {
		{"lastname", "surname", "familyname", "nom", "nomdefamille", "nachname", "familienname",
			"apellido", "apellidos", "contactlastname", "leadlastname", "personlastname"},
		{"last", "lname"},
	},
	field.FullName: {
		{"fullname", "nomcomplet", "nombrecompleto", "vollstandigername", "contactname", "personname",
			"leadname", "prospectname", "contactfullname"},
	},
	field.Company: {
		{"companynameforemails"},
		{"company", "companyname", "societe", "entreprise", "nomdelentreprise", "nomdelasociete",
			"firma", "firmenname", "unternehmen", "empresa", "compania", "nombredelaempresa",
			"currentcompany", "organizationname", "organisationname", "accountname"},
		{"organization", "organisation", "organizacion", "account", "employer", "business"},
	},
	field.Title: {
		{"jobtitle", "jobtitel", "currenttitle", "currentjobtitle"},
		{"title", "poste", "intituledeposte", "titre", "titel", "berufsbezeichnung", "cargo", "puesto",
			"position", "jobposition"},
		{"role", "jobrole", "fonction", "funktion", "designation"},
		{"job"},
	},
	field.Website: {
		{"website", "websiteurl", "companywebsite", "companywebsiteurl"},
		{"siteweb", "siteinternet", "webseite", "sitioweb", "paginaweb", "homepage", "companyurl",
			"webaddress", "web"},
		{"domain", "companydomain", "domainname", "site"},
		{"url"},
	},
	field.LinkedinURL: {
		{"linkedinurl", "personlinkedinurl", "linkedinprofileurl", "linkedinprofile", "linkedin",
			"profillinkedin", "urllinkedin", "linkedinlink", "linkedinpublicurl", "linkedinprofilelink"},
		{"profileurl", "publicprofileurl", "defaultprofileurl", "personlinkedin", "linkedinurlperson"},
	},
	field.Phone: {
		{"phone", "phonenumber", "telephone", "telefon", "telefonnummer", "telefono", "numerodetelephone",
			"numerodetelefono"},
		{"mobilephone", "mobile", "mobilenumber", "mobilephonenumber", "portable", "handy", "mobil",
			"movil", "celular", "firstphone", "phone1", "tel"},
		{"directphone", "workdirectphone", "directdial", "cell", "cellphone"},
		{"workphone", "corporatephone", "officephone", "businessphone"},
		{"companyphone", "homephone", "otherphone"},
	},
	field.Timezone: {
		{"timezone", "zonehoraire", "fuseauhoraire", "zeitzone", "zonahoraria"},
		{"tz"},
	},
	field.Country: {
		{"country", "countryregion", "pays", "land", "pais", "contactcountry", "personcountry"},
		{"countryname", "countrycode"},
	},
})

// buildAliases indexes the table; a group's rank is its position.
func buildAliases(byField map[string][][]string) map[string]alias {
	m := make(map[string]alias)
	for name, groups := range byField {
		f := mustField(name)
		for rank, names := range groups {
			for _, n := range names {
				if _, dup := m[n]; dup {
					panic("csv: header alias " + n + " listed twice")
				}
				m[n] = alias{field: f, rank: rank}
			}
		}
	}
	return m
}

// emailHeaderWords are words in a header that mention email without
// holding the address itself (Apollo's "Email Status", "Email Sent"…); the
// fallback that takes any header containing "mail" skips them.
var emailHeaderWords = []string{
	"status", "verif", "confidence", "score", "source", "opt", "bounce", "date", "type", "domain",
	"catchall", "valid", "unsub", "sent", "open", "click", "repl", "count", "quality", "result",
	"consent", "campaign", "template", "subject", "body", "message", "provider", "format",
}
