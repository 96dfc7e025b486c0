package offline

import (
	"regexp"
	"sync"

	"github.com/leadbitz/leadbitz/internal/ai/internal/replytext"
)

// w is word-bounded alternatives over folded text, compiled on first use:
// the tables of this package hold a hundred of them (Unicode word
// boundaries make each large), which compiled at start held megabytes in
// every process, including the many that never write an ICP or a draft.
func w(alts ...string) *words { return &words{alts: alts} }

// matcher is what the tables' patterns do: a *regexp.Regexp or words.
type matcher interface {
	MatchString(s string) bool
	FindString(s string) string
	FindStringIndex(s string) []int
	FindAllString(s string, n int) []string
	FindAllStringIndex(s string, n int) [][]int
	FindStringSubmatch(s string) []string
}

// words is a lazily compiled replytext.Words.
type words struct {
	once sync.Once
	alts []string
	re   *regexp.Regexp
}

func (x *words) get() *regexp.Regexp {
	x.once.Do(func() { x.re = replytext.Words(x.alts...); x.alts = nil })
	return x.re
}

func (x *words) MatchString(s string) bool                  { return x.get().MatchString(s) }
func (x *words) FindString(s string) string                 { return x.get().FindString(s) }
func (x *words) FindStringIndex(s string) []int             { return x.get().FindStringIndex(s) }
func (x *words) FindAllString(s string, n int) []string     { return x.get().FindAllString(s, n) }
func (x *words) FindAllStringIndex(s string, n int) [][]int { return x.get().FindAllStringIndex(s, n) }
func (x *words) FindStringSubmatch(s string) []string       { return x.get().FindStringSubmatch(s) }

// industry is a vertical the ICP can name, with the words that justify it.
type industry struct {
	name    string // shown in the ICP
	segment string // plural noun for prose ("restaurants and bars")
	match   matcher
	titles  []string // buyers typical for the vertical, whatever the product
	pains   []string // problems typical for the vertical
	// ownerLed verticals are mostly small businesses where the owner or general manager
	// buys everything; elsewhere the function's own titles come first.
	ownerLed bool
}

var industries = []industry{
	{
		name: "Restaurants & hospitality", ownerLed: true, segment: "restaurants and hospitality businesses",
		match: w(`restaurants?`, `cafes?`, `coffee shops?`, `bars`, `pubs?`, `bistros?`, `hotels?`, `hospitality`, `catering`, `caterers?`,
			`food ?service`, `kitchens?`, `chefs?`, `qsr`, `quick[- ]service`, `diners?`, `bakery`, `bakeries`, `breweries`, `brewpubs?`,
			`front of house`, `back of house`, `waitstaff`, `servers and cooks`, `tip pooling`, `tip-?outs?`, `restaurant menus?`, `gastronomie`, `gastro`, `restauration`, `restaurantes?`),
		titles: []string{"Owner", "General Manager", "Director of Operations", "Restaurant Manager"},
		pains: []string{
			"High staff turnover means constant onboarding and schedule changes",
			"Thin margins leave little time or budget for admin work",
		},
	},
	{
		name: "Healthcare practices", ownerLed: true, segment: "clinics and healthcare practices",
		match: w(`clinics?`, `hospitals?`, `patients?`, `healthcare`, `health care`, `medical`, `physicians?`, `doctors?`, `dental`, `dentists?`,
			`hipaa`, `pharmac(y|ies)`, `therapists?`, `physiotherap\w*`, `nursing`, `care homes?`, `ehr`, `emr`, `veterinar\w*`, `vets`, `(dental|medical|healthcare|vet|veterinary|therapy|physiotherapy|chiropractic) practices?`),
		titles: []string{"Practice Manager", "Clinic Director", "Medical Director", "Operations Manager"},
		pains: []string{
			"Front-desk staff lose hours to admin instead of patients",
			"Compliance and record-keeping requirements add overhead to every process",
		},
	},
	{
		name: "Retail & e-commerce", ownerLed: true, segment: "online stores and retailers",
		match: w(`e-?commerce`, `online (stores?|shops?)`, `shopify`, `woocommerce`, `retail(ers?)?`, `merchants?`, `dtc`, `d2c`, `direct-to-consumer`,
			`storefronts?`, `brick-and-mortar`, `checkout`, `shopping carts?`, `skus?`, `boutiques?`, `marketplace sellers?`, `amazon sellers?`),
		titles: []string{"Founder", "Head of E-commerce", "E-commerce Manager", "Store Owner"},
		pains: []string{
			"Cart abandonment and low repeat-purchase rates cap revenue",
			"Running the store means juggling many apps and spreadsheets",
		},
	},
	{
		name: "Software & SaaS", segment: "software and SaaS companies",
		match: w(`saas`, `software (companies|vendors|startups|teams|businesses)`, `b2b software`, `tech (companies|startups)`, `developer tools?`,
			`engineering teams?`, `product teams?`, `app developers?`, `cloud-native`),
		titles: []string{"CTO", "VP of Engineering", "Head of Product", "Founder"},
		pains: []string{
			"Small teams are stretched between shipping product and running the business",
		},
	},
	{
		name: "Financial services", segment: "banks, lenders and financial firms",
		match: w(`banks?`, `banking`, `fintech`, `lenders?`, `lending`, `credit unions?`, `wealth management`, `asset managers?`, `investment firms?`,
			`financial (advisors?|advisers?|institutions?|services)`, `broker-dealers?`, `mortgage`),
		titles: []string{"COO", "Head of Operations", "Chief Compliance Officer", "CFO"},
		pains: []string{
			"Regulatory requirements make every process slower and more manual",
		},
	},
	{
		name: "Insurance", ownerLed: true, segment: "insurance agencies and brokers",
		match:  w(`insurance`, `insurers?`, `insurance (agencies|agents?|brokers?)`, `insurance claims`, `claims (processing|handling|adjusters?)`, `underwriting`, `underwriters?`, `policyholders?`),
		titles: []string{"Agency Principal", "Operations Manager", "Head of Claims"},
		pains: []string{
			"Quoting and claims paperwork slows down every customer interaction",
		},
	},
	{
		name: "Accounting & bookkeeping firms", ownerLed: true, segment: "accounting and bookkeeping firms",
		match:  w(`accounting firms?`, `accountants`, `cpas?`, `cpa firms?`, `bookkeepers?`, `bookkeeping firms?`, `tax (advisors?|preparers?|firms?)`, `steuerberater\w*`),
		titles: []string{"Managing Partner", "Practice Manager", "Firm Owner"},
		pains: []string{
			"Chasing clients for documents eats billable hours, especially in tax season",
		},
	},
	{
		name: "Legal services", ownerLed: true, segment: "law firms and legal teams",
		match:  w(`law firms?`, `lawyers?`, `attorneys?`, `paralegals?`, `litigation`, `solicitors?`, `legal practices?`, `kanzlei\w*`, `avocats?`, `abogados?`),
		titles: []string{"Managing Partner", "Legal Operations Manager", "Office Manager"},
		pains: []string{
			"Time spent on non-billable admin cuts into every lawyer's week",
		},
	},
	{
		name: "Real estate & property management", ownerLed: true, segment: "real-estate and property-management firms",
		match: w(`real estate`, `realtors?`, `brokerages?`, `property (managers?|management)`, `landlords?`, `tenants?`, `rental properties`, `rentals`,
			`leasing`, `hoas?`, `homeowners associations?`, `estate agents?`, `immobilien\w*`, `immobilier`, `inmobiliari\w*`),
		titles: []string{"Broker/Owner", "Property Manager", "Director of Property Management"},
		pains: []string{
			"Tenant requests, leases and payments are tracked across email and spreadsheets",
		},
	},
	{
		name: "Construction & trades", ownerLed: true, segment: "contractors and trade businesses",
		match: w(`construction`, `contractors?`, `subcontractors?`, `builders?`, `job ?sites?`, `trades(people|men)?`, `plumb(ers?|ing)`, `electricians?`,
			`hvac`, `roof(ers?|ing)`, `remodel(ing|ers?)`, `field service`, `field technicians?`, `landscap(ers?|ing)`, `handwerk\w*`, `baufirm\w*`, `btp`),
		titles: []string{"Owner", "Operations Manager", "Project Manager", "Office Manager"},
		pains: []string{
			"Office and field teams work from different information, so jobs slip",
		},
	},
	{
		name: "Manufacturing", segment: "manufacturers",
		match:  w(`manufactur(ers?|ing)`, `factor(y|ies)`, `(manufacturing|production|processing|chemical) plants?`, `plant managers?`, `production lines?`, `shop floor`, `oems?`, `machining`, `fabrication`, `industrial`, `assembly lines?`),
		titles: []string{"Plant Manager", "VP of Operations", "Production Manager"},
		pains: []string{
			"Unplanned downtime and paper-based processes on the shop floor cost output",
		},
	},
	{
		name: "Logistics & transportation", segment: "logistics and transport companies",
		match: w(`logistics`, `freight`, `carriers?`, `fleets?`, `trucking`, `truckers?`, `dispatch(ers)?`, `3pls?`, `last[- ]mile`, `couriers?`,
			`delivery (companies|businesses|fleets)`, `haulage`, `spedition\w*`, `transporte?s?`),
		titles: []string{"Operations Manager", "Fleet Manager", "Logistics Director", "Dispatch Manager"},
		pains: []string{
			"Dispatch and tracking run on phone calls and spreadsheets",
		},
	},
	{
		name: "Education", segment: "schools and education providers",
		match: w(`schools?`, `universit(y|ies)`, `colleges?`, `education(al)?`, `students?`, `teachers?`, `edtech`, `k-12`, `campus(es)?`, `tutoring`,
			`tutors?`, `training providers?`, `course creators?`, `academies`, `academy`),
		titles: []string{"Principal", "IT Director", "Dean", "Head of Operations"},
		pains: []string{
			"Staff time goes into administration instead of teaching",
		},
	},
	{
		name: "Marketing & creative agencies", ownerLed: true, segment: "marketing and creative agencies",
		match:  w(`agenc(y|ies)`, `marketing agenc(y|ies)`, `creative agenc(y|ies)`, `digital agenc(y|ies)`, `design studios?`, `ad agenc(y|ies)`, `pr firms?`, `their clients`),
		titles: []string{"Agency Owner", "Managing Director", "Head of Client Services"},
		pains: []string{
			"Client work crowds out the agency's own operations and new business",
		},
	},
	{
		name: "Professional services & consulting", ownerLed: true, segment: "consultancies and professional-services firms",
		match:  w(`consult(ing|ants|ancy|ancies)`, `professional services`, `advisory firms?`, `services firms?`, `freelancers?`),
		titles: []string{"Managing Partner", "Principal", "Operations Director"},
		pains: []string{
			"Utilisation suffers when admin and reporting eat into billable time",
		},
	},
	{
		name: "Nonprofits", ownerLed: true, segment: "nonprofits and charities",
		match:  w(`non-?profits?`, `charit(y|ies)`, `ngos?`, `donors?`, `fundrais(ing|ers?)`, `volunteers?`, `gemeinnutzig\w*`, `associations? (loi|caritatives?)`),
		titles: []string{"Executive Director", "Development Director", "Operations Manager"},
		pains: []string{
			"Small teams and tight budgets mean every hour of admin comes out of the mission",
		},
	},
	{
		name: "Fitness, beauty & wellness", ownerLed: true, segment: "gyms, studios and salons",
		match: w(`gyms?`, `fitness (studios?|clubs?|centers?|centres?)`, `studios`, `yoga`, `pilates`, `salons?`, `spas?`, `barbers?`, `barbershops?`,
			`wellness (centers?|centres?|businesses|studios|clinics)`, `personal trainers?`, `beauty`, `massage`),
		titles: []string{"Studio Owner", "General Manager", "Front Desk Manager"},
		pains: []string{
			"Members and clients churn quietly when the experience slips",
		},
	},
	{
		name: "Automotive", ownerLed: true, segment: "dealerships and auto-service businesses",
		match:  w(`car dealers?`, `dealerships?`, `auto (repair|shops?|service)`, `garages?`, `body shops?`, `automotive`, `mechanics?`, `autohaus\w*`),
		titles: []string{"Dealer Principal", "Service Manager", "General Manager"},
		pains: []string{
			"Service bays sit idle when scheduling and follow-up are manual",
		},
	},
	{
		name: "Recruiting & staffing agencies", ownerLed: true, segment: "recruiting and staffing agencies",
		match:  w(`staffing (agencies|firms|companies)`, `recruit(ing|ment) (agencies|firms)`, `recruiters`, `headhunters?`, `temp agenc(y|ies)`, `personaldienstleister\w*`),
		titles: []string{"Agency Owner", "Head of Recruitment", "Operations Director"},
		pains: []string{
			"Recruiters spend more time on admin than on candidates and clients",
		},
	},
	{
		name: "Energy & utilities", segment: "energy and utility companies",
		match:  w(`energy (companies|providers|suppliers|sector|utilities)`, `solar`, `utilit(y|ies)`, `renewables?`, `oil and gas`, `wind farms?`, `ev charging`, `heat pumps?`),
		titles: []string{"Operations Director", "Project Manager", "Head of Field Operations"},
		pains: []string{
			"Projects and field crews are coordinated by phone and spreadsheet",
		},
	},
	{
		name: "Travel & tourism", ownerLed: true, segment: "travel and tourism businesses",
		match:  w(`travel agenc(y|ies)`, `tour operators?`, `tourism`, `vacation rentals?`, `holiday lets?`, `airbnb hosts?`, `hostels?`, `campsites?`),
		titles: []string{"Owner", "Operations Manager", "Head of Sales"},
		pains: []string{
			"Seasonal demand makes staffing and cash flow hard to plan",
		},
	},
	{
		name: "Media & publishing", segment: "publishers and media companies",
		match:  w(`publishers?`, `publishing`, `media companies`, `newsrooms?`, `magazines?`, `podcast(s|ers)?`, `content creators?`, `newsletters? (writers|creators)`),
		titles: []string{"Publisher", "Head of Audience", "Managing Editor"},
		pains: []string{
			"Audience attention is harder to win and to monetise every year",
		},
	},
	{
		name: "Public sector", segment: "public-sector organisations",
		match:  w(`government`, `municipalit(y|ies)`, `public sector`, `city councils?`, `local authorit(y|ies)`, `federal agencies`, `state agencies`, `kommunen`, `collectivites`),
		titles: []string{"IT Director", "Procurement Officer", "Head of Digital Services"},
		pains: []string{
			"Procurement rules and legacy systems slow every change down",
		},
	},
	{
		name: "Agriculture", ownerLed: true, segment: "farms and agricultural businesses",
		match:  w(`farms?`, `farmers?`, `agricultur(e|al)`, `growers?`, `agtech`, `ranch(es)?`, `vineyards?`, `wineries`, `winery`),
		titles: []string{"Farm Owner", "Operations Manager", "Farm Manager"},
		pains: []string{
			"Records for crops, labour and compliance are kept on paper",
		},
	},
	{
		name: "IT services & MSPs", ownerLed: true, segment: "IT service providers and MSPs",
		match:  w(`msps?`, `managed service providers?`, `it services`, `it service providers?`, `resellers?`, `system integrators?`, `systemhaus\w*`),
		titles: []string{"Owner", "Service Delivery Manager", "Technical Director"},
		pains: []string{
			"Technicians lose billable time to tickets that could be automated",
		},
	},
}
