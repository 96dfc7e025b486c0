package offline

// function is the job a product does for its buyer (payroll, hiring, sales…). It decides
// who buys, which pains are credible and what the email is about.
type function struct {
	name  string
	topic string // noun for subject lines and prose ("payroll")
	team  string // the in-house team that owns it ("payroll", "sales")
	// topics refine topic when a narrower keyword is present ("invoicing" in finance).
	topics      []topicRule
	match       matcher
	titles      []string // buyers in mid-sized and larger companies
	smallTitles []string // buyers in small businesses
	pains       []pain
	values      []string // generic value propositions, verb first, third person
	disqualify  []string
}

type topicRule struct {
	when  matcher
	topic string
}

// pain is a problem statement; when set, it is only used if the text mentions it.
type pain struct {
	text string
	when matcher
}

var functions = []function{
	{
		name: "payroll", team: "payroll", topic: "payroll",
		match: w(`payroll`, `pay ?runs?`, `paychecks?`, `payslips?`, `pay stubs?`, `wages?`, `salar(y|ies)`, `tips`, `tip pooling`, `tip-?outs?`,
			`timesheets?`, `time ?tracking`, `clock(ing)? in`, `overtime`, `lohn\w*`, `gehaltsabrechnung`, `paie`, `nominas?`),
		titles:      []string{"Payroll Manager", "HR Manager", "Head of People", "Finance Manager"},
		smallTitles: []string{"Owner", "Operations Manager", "Office Manager"},
		pains: []pain{
			{text: "Payroll takes hours every pay period because hours, overtime and tips are pulled together by hand"},
			{text: "Tip pooling and tip-out calculations are error-prone and cause disputes with staff", when: w(`tips?`, `tip pooling`, `tip-?outs?`, `restaurants?`, `bars`, `hospitality`)},
			{text: "Timesheets live in spreadsheets or on paper and rarely match the schedule", when: w(`timesheets?`, `spreadsheets?`, `time ?tracking`, `clock(ing)? in`, `paper`)},
			{text: "Keeping up with payroll tax filings and labour-law changes is stressful", when: w(`tax(es)?`, `compliance`, `filings?`, `labou?r laws?`)},
			{text: "Pay mistakes lead to unhappy staff and higher turnover"},
		},
		values: []string{
			"Runs payroll in minutes instead of hours",
			"Calculates overtime and tips automatically",
			"Files payroll taxes on time, every time",
		},
		disqualify: []string{
			"Businesses that outsource payroll to an accountant or PEO under a long contract",
		},
	},
	{
		name: "scheduling", team: "workforce-planning", topic: "shift scheduling",
		match: w(`shift (scheduling|planning|swaps?)`, `shifts`, `staff schedules`, `schedules`, `rotas?`, `rosters?`, `staff scheduling`, `schedul(e|es|ing) (staff|shifts|employees|crews?)`,
			`workforce management`, `dienstplan\w*`, `schichtplan\w*`, `planning des equipes`, `turnos`),
		titles:      []string{"Operations Manager", "Workforce Manager", "HR Manager"},
		smallTitles: []string{"Owner", "General Manager", "Store Manager"},
		pains: []pain{
			{text: "Building the weekly schedule takes hours of texts and spreadsheets"},
			{text: "Last-minute shift swaps and no-shows leave shifts uncovered"},
			{text: "Labour costs overshoot because schedules don't follow demand", when: w(`labou?r costs?`, `forecast\w*`, `demand`)},
		},
		values: []string{
			"Builds the weekly schedule in minutes",
			"Lets staff swap shifts with manager approval in one app",
			"Keeps labour cost in line with forecast demand",
		},
		disqualify: []string{"Businesses with a small, fixed team and no shift work"},
	},
	{
		name: "recruiting", team: "recruiting", topic: "hiring",
		match:       w(`recruit(ing|ment)?`, `hiring`, `hire`, `applicants?`, `candidates?`, `job (posts?|postings?|boards?|ads?)`, `ats`, `new hires?`, `talent acquisition`, `interviews?`),
		titles:      []string{"Head of Talent", "Recruiting Manager", "HR Director"},
		smallTitles: []string{"Founder", "Owner", "Office Manager"},
		pains: []pain{
			{text: "Job posts bring floods of unqualified applicants"},
			{text: "Good candidates drop out because the process is slow"},
			{text: "Screening and scheduling interviews eat up hiring managers' week", when: w(`interviews?`, `screen(ing)?`, `schedul\w*`)},
		},
		values: []string{
			"Screens applicants automatically so you only talk to qualified ones",
			"Cuts time-to-hire with automated interview scheduling",
			"Posts jobs to the major boards in one step",
		},
		disqualify: []string{"Companies under a hiring freeze", "Enterprises locked into an existing applicant-tracking contract"},
	},
	{
		name: "sales", team: "sales", topic: "pipeline",
		match: w(`sales (teams?|reps?|pipeline|process|leaders?)`, `crm`, `pipeline`, `leads`, `prospects?`, `prospecting`, `outbound`, `cold (e-?mail|calling|outreach)`,
			`quotas?`, `deals`, `sdrs?`, `bdrs?`, `account executives?`, `revenue teams?`, `revops`, `hubspot`, `salesforce`, `vertrieb\w*`, `ventes`, `ventas`),
		titles:      []string{"VP of Sales", "Head of Sales", "Sales Operations Manager", "Head of Revenue Operations"},
		smallTitles: []string{"Founder", "CEO", "Head of Sales"},
		pains: []pain{
			{text: "Reps spend more time on admin and data entry than on selling"},
			{text: "Leads go cold because follow-up is slow or inconsistent", when: w(`leads`, `follow[- ]?ups?`, `inbound`)},
			{text: "The pipeline is hard to forecast from month to month", when: w(`forecast\w*`, `pipeline`, `quotas?`)},
		},
		values: []string{
			"Gives reps more selling time by automating CRM updates",
			"Follows up with every lead automatically",
			"Makes the pipeline forecastable with clean, current data",
		},
		disqualify: []string{"Companies without a sales team (purely self-serve)"},
	},
	{
		name: "marketing", team: "marketing", topic: "marketing",
		match: w(`marketing`, `campaigns?`, `seo`, `content marketing`, `social media`, `advertising`, `ppc`, `ads`, `branding`, `email marketing`,
			`demand gen(eration)?`, `growth marketing`, `conversions?`, `landing pages?`, `influencers?`),
		titles:      []string{"CMO", "Head of Marketing", "Marketing Manager", "Growth Lead"},
		smallTitles: []string{"Founder", "Marketing Lead"},
		pains: []pain{
			{text: "It is hard to tell which channels actually bring customers"},
			{text: "Content takes too long to produce for the results it brings", when: w(`content`, `posts?`, `blog\w*`, `social media`)},
			{text: "Ad spend keeps rising while conversion rates stay flat", when: w(`ads`, `ad spend`, `advertising`, `ppc`, `conversions?`)},
		},
		values: []string{
			"Shows which channels bring revenue, not just clicks",
			"Cuts the time to produce campaigns from weeks to days",
			"Improves conversion rates on the traffic you already have",
		},
		disqualify: []string{"Companies with no marketing budget or team"},
	},
	{
		name: "finance", team: "finance", topic: "finance admin",
		topics: []topicRule{
			{when: w(`invoic\w*`, `accounts receivable`, `billing`), topic: "invoicing"},
			{when: w(`expenses?`, `expense reports?`, `receipts?`, `spend management`), topic: "expenses"},
			{when: w(`bookkeeping`, `reconciliation`, `month-end`, `close`), topic: "month-end close"},
		},
		match: w(`invoic(e|es|ing)`, `accounts (payable|receivable)`, `expenses?`, `expense reports?`, `bookkeeping`, `accounting`, `reconciliation`, `month-end`,
			`cash ?flow`, `budget(s|ing)?`, `spend management`, `receipts?`, `quickbooks`, `xero`, `billing`, `buchhaltung`, `rechnung\w*`, `factur\w*`, `comptabilite`, `contabilidad`),
		titles:      []string{"CFO", "Controller", "Finance Manager", "Head of Finance"},
		smallTitles: []string{"Founder", "Owner", "Office Manager"},
		pains: []pain{
			{text: "Chasing unpaid invoices eats time and hurts cash flow", when: w(`invoic\w*`, `receivables?`, `cash ?flow`, `late payments?`, `billing`)},
			{text: "Month-end close drags on because reconciliation is manual", when: w(`close`, `month-end`, `reconcil\w*`, `bookkeeping`, `accounting`)},
			{text: "Expense reports and receipts pile up and are checked by hand", when: w(`expenses?`, `receipts?`)},
			{text: "The finance team spends days copying data between systems"},
		},
		values: []string{
			"Gets invoices paid faster with automatic reminders",
			"Shortens month-end close with automatic reconciliation",
			"Turns receipts into approved expenses without manual entry",
		},
		disqualify: []string{"Companies whose finance is fully outsourced to an accounting firm"},
	},
	{
		name: "support", team: "support", topic: "customer support",
		match: w(`customer (support|service|success)`, `support (tickets?|teams?|agents?)`, `help ?desk`, `tickets`, `live chat`, `chatbots?`, `churn`, `nps`, `csat`,
			`customer experience`, `zendesk`, `intercom`, `kundenservice`, `service client`, `atencion al cliente`),
		titles:      []string{"Head of Customer Support", "VP of Customer Success", "Support Operations Manager"},
		smallTitles: []string{"Founder", "Customer Success Lead"},
		pains: []pain{
			{text: "Ticket volume grows faster than the support team"},
			{text: "Customers wait too long for a first response", when: w(`response times?`, `wait(ing)?`, `sla`, `first response`)},
			{text: "Agents answer the same questions by hand over and over"},
		},
		values: []string{
			"Answers repetitive questions automatically so agents focus on hard cases",
			"Cuts first-response time",
			"Spots unhappy customers before they churn",
		},
		disqualify: []string{"Companies with very low support volume"},
	},
	{
		name: "security", team: "security", topic: "security",
		topics: []topicRule{{when: w(`soc ?2`, `iso ?27001`, `audits?`, `compliance`), topic: "compliance"}},
		match: w(`security`, `cybersecurity`, `phishing`, `ransomware`, `soc ?2`, `iso ?27001`, `endpoints?`, `devices`, `passwords?`, `sso`, `mfa`, `2fa`,
			`access management`, `it (teams?|admins?|departments?|support|managers?)`, `mdm`, `backups?`, `vulnerabilit(y|ies)`),
		titles:      []string{"CISO", "IT Director", "Head of IT", "Head of Security"},
		smallTitles: []string{"CTO", "IT Manager", "Founder"},
		pains: []pain{
			{text: "Security audits and questionnaires take weeks of manual evidence collection", when: w(`soc ?2`, `iso ?27001`, `audits?`, `questionnaires?`, `compliance`)},
			{text: "Phishing and stolen passwords are the most likely way in", when: w(`phishing`, `passwords?`, `credentials?`, `mfa`, `sso`)},
			{text: "IT can't see every device and account people use"},
		},
		values: []string{
			"Collects audit evidence automatically",
			"Protects every account with single sign-on and MFA",
			"Gives IT one view of every device and account",
		},
		disqualify: []string{"Companies whose IT is fully outsourced to a managed service provider"},
	},
	{
		name: "engineering", team: "platform", topic: "engineering",
		match: w(`developers?`, `engineering`, `devops`, `deploy(s|ments?)?`, `ci/?cd`, `code reviews?`, `pull requests?`, `infrastructure`, `kubernetes`,
			`observability`, `monitoring`, `incidents?`, `on-?call`, `bugs?`, `apis?`, `microservices`, `cloud (costs?|spend|bills?)`),
		titles:      []string{"CTO", "VP of Engineering", "Head of Platform", "Engineering Manager"},
		smallTitles: []string{"CTO", "Founder", "Lead Engineer"},
		pains: []pain{
			{text: "Releases are slow and risky"},
			{text: "Engineers lose hours to incidents and flaky pipelines", when: w(`incidents?`, `on-?call`, `monitoring`, `observability`, `pipelines?`, `ci/?cd`)},
			{text: "Cloud bills grow faster than usage", when: w(`cloud (costs?|spend|bills?)`, `costs?`)},
		},
		values: []string{
			"Ships changes faster with safer deploys",
			"Finds the cause of incidents in minutes",
			"Cuts cloud spend without slowing teams down",
		},
		disqualify: []string{"Companies without an in-house engineering team"},
	},
	{
		name: "inventory", team: "supply-chain", topic: "inventory",
		match: w(`inventory`, `stock(outs?| levels?)`, `out of stock`, `warehous(e|es|ing)`, `supply chain`, `purchase orders?`, `suppliers?`, `procurement`,
			`reorder(ing)?`, `fulfil(l)?ment`, `lagerbestand\w*`, `stocks?`, `inventario`),
		titles:      []string{"Operations Manager", "Supply Chain Manager", "Inventory Manager", "Head of Operations"},
		smallTitles: []string{"Owner", "Operations Manager"},
		pains: []pain{
			{text: "Stockouts and overstock tie up cash"},
			{text: "Inventory counts live in spreadsheets and are never quite right", when: w(`spreadsheets?`, `counts?`, `manual\w*`)},
			{text: "Purchase orders are placed by gut feel", when: w(`purchase orders?`, `reorder\w*`, `suppliers?`, `procurement`)},
		},
		values: []string{
			"Keeps stock levels right with automatic reorder points",
			"Shows real-time inventory across locations",
			"Cuts the time spent on purchase orders",
		},
		disqualify: []string{"Businesses with no physical inventory"},
	},
	{
		name: "reporting", team: "data", topic: "reporting",
		match:       w(`dashboards?`, `analytics`, `reporting`, `reports`, `bi`, `business intelligence`, `data (warehouse|teams?|pipelines?)`, `kpis?`, `metrics`),
		titles:      []string{"Head of Data", "Analytics Manager", "COO"},
		smallTitles: []string{"Founder", "Operations Manager"},
		pains: []pain{
			{text: "Reports are stitched together by hand in spreadsheets"},
			{text: "Leaders wait days for numbers they need today"},
			{text: "Different teams quote different numbers for the same metric"},
		},
		values: []string{
			"Builds live dashboards from the tools you already use",
			"Answers data questions in minutes instead of days",
			"Gives every team one source of truth",
		},
		disqualify: []string{"Companies without the data volume to justify reporting tools"},
	},
	{
		name: "legal", team: "legal", topic: "contracts",
		topics:      []topicRule{{when: w(`compliance`, `gdpr`, `regulat\w*`, `kyc`, `aml`), topic: "compliance"}},
		match:       w(`contracts?`, `clauses?`, `ndas?`, `e-?signatures?`, `compliance`, `gdpr`, `regulat(ory|ions?)`, `legal (teams?|ops|operations)`, `kyc`, `aml`, `vertrag\w*`),
		titles:      []string{"General Counsel", "Head of Legal", "Legal Operations Manager", "Compliance Officer"},
		smallTitles: []string{"Founder", "COO"},
		pains: []pain{
			{text: "Contracts sit in email threads waiting for review and signature", when: w(`contracts?`, `ndas?`, `signatures?`, `clauses?`)},
			{text: "Keeping up with regulatory changes takes constant manual work", when: w(`compliance`, `regulat\w*`, `gdpr`, `kyc`, `aml`)},
			{text: "Audit preparation takes weeks"},
		},
		values: []string{
			"Turns contract review from days into hours",
			"Tracks obligations and renewals automatically",
			"Keeps an audit-ready record at all times",
		},
		disqualify: []string{"Companies with no recurring contract or compliance workload"},
	},
	{
		name: "bookings", team: "front-desk", topic: "bookings",
		match:       w(`bookings?`, `appointments?`, `reservations?`, `no-?shows`, `online booking`, `waitlists?`, `check-?ins?`, `termine`, `terminbuchung\w*`, `rendez-vous`, `citas`, `reservas`),
		titles:      []string{"Operations Manager", "Front Desk Manager", "Practice Manager"},
		smallTitles: []string{"Owner", "Studio Manager"},
		pains: []pain{
			{text: "No-shows and last-minute cancellations cost revenue"},
			{text: "Staff spend hours on the phone taking bookings"},
			{text: "Double bookings and gaps in the calendar"},
		},
		values: []string{
			"Cuts no-shows with automatic reminders",
			"Takes bookings online around the clock",
			"Fills cancellations from a waitlist automatically",
		},
		disqualify: []string{"Businesses that don't work by appointment"},
	},
}

// audienceTitles maps people named in the text ("for restaurant owners", "HR teams") to
// titles. Titles the text names itself go first in the ICP.
var audienceTitles = []struct {
	match matcher
	title string
}{
	{w(`owners?`, `owner-operators?`, `proprietors?`, `inhaber\w*`, `proprietaires?`, `duenos?`), "Owner"},
	{w(`founders?`, `co-?founders?`, `grunder\w*`, `fondateurs?`, `fundadores?`), "Founder"},
	{w(`ceos?`, `chief executives?`), "CEO"},
	{w(`cfos?`, `finance (teams?|leaders?|directors?)`), "CFO"},
	{w(`ctos?`), "CTO"},
	{w(`coos?`), "COO"},
	{w(`operators`, `operations (teams?|managers?|leaders?|directors?)`, `ops (teams?|managers?|leaders?)`), "Operations Manager"},
	{w(`general managers?`, `gms`), "General Manager"},
	{w(`hr (teams?|managers?|leaders?|departments?)`, `people (teams?|ops|operations)`, `personalabteilung\w*`), "HR Manager"},
	{w(`payroll (teams?|managers?|administrators?)`), "Payroll Manager"},
	{w(`marketing (teams?|managers?|leaders?)`, `marketers`), "Head of Marketing"},
	{w(`sales (teams?|managers?|leaders?)`), "Head of Sales"},
	{w(`recruiters`, `talent (teams?|acquisition)`), "Recruiting Manager"},
	{w(`practice managers?`), "Practice Manager"},
	{w(`property managers?`), "Property Manager"},
	{w(`office managers?`), "Office Manager"},
	{w(`store managers?`, `shop managers?`), "Store Manager"},
	{w(`it (teams?|managers?|admins?|directors?)`), "IT Manager"},
}
