package classify

// This file holds the classifier's knowledge as data. The matching engine
// (match.go) and the decision rules (decide.go) know nothing about the domain
// beyond what is written here.
//
// Pattern syntax (all patterns are matched against normalised text: lower
// case, apostrophes removed, every other punctuation mark a word break):
//
//	word        the token must equal word
//	word*       the token must start with word (at least four letters)
//	a|b*|c      any of the alternatives
//	~N          the next element may come after up to N intervening tokens
//	!a|b        the following token must NOT be one of these (only as the
//	            last element; it does not consume a token)
//
// Hyphens in a pattern are word breaks, so "cost-schedule" and "cost schedule"
// are the same pattern. Patterns never match across sentence or clause
// boundaries.
//
// The IT department written as "IT" in mixed-case text is normalised to the
// token "itdept" so it is not confused with the pronoun "it".

// side says which programme an indicator is evidence for.
type side uint8

const (
	sideTM side = iota
	sideEM
	// sideContext indicators take the side of the risk indicators found
	// near them (used for a bare "risk register").
	sideContext
	// sideNone indicators describe individual technical work; they explain
	// an insufficient-evidence result but count for neither programme.
	sideNone
)

// kind says what an indicator shows about the author's work. Kinds map to
// the framework's rows: deliverables, the accountability they show, the
// stakeholders they worked with, the risks they watched, and topical
// vocabulary (the weakest evidence, because interest is not accountability).
type kind uint8

const (
	kindDeliverable kind = iota
	kindAccountability
	kindStakeholder
	kindRisk
	kindTopic
	kindIndividual
)

// Standard weights per kind. Deliverables and accountability carry most of
// the weight because the framework asks what the author was accountable
// for; topic words only tip balances.
const (
	wDeliverable    = 3.0
	wAccountability = 2.0
	wRisk           = 1.5
	wStakeholder    = 1.0
	wTopic          = 0.5
	wIndividual     = 1.0
)

// indicator is one row of the taxonomy.
type indicator struct {
	name     string // shown to users, e.g. "technology roadmap"
	side     side
	kind     kind
	weight   float64
	dtype    DeliverableType // only for kindDeliverable
	patterns []string
}

// taxonomy is the indicator table. Changing it requires a Version bump.
var taxonomy = []indicator{
	// ---------------- Technology management: deliverables ----------------
	{"technology roadmap", sideTM, kindDeliverable, wDeliverable, TechnologyRoadmap, []string{
		"roadmap*", "road map*",
	}},
	{"technology strategy", sideTM, kindDeliverable, wDeliverable, TechnologyRoadmap, []string{
		"platform|technology|digital|data|cloud|itdept|tooling|api|apis|information|analytics|automation ~1 strateg*",
		"digital transformation", "migration path", "build or|versus|vs buy", "target architecture",
		"investment plan", "technology investment*", "enterprise architecture", "architecture roadmap",
		"target operating model*", "data literacy",
		"plan|plans|strateg* ~1 for ~4 digital|technology|ict|itdept|information|applications",
	}},
	{"technology portfolio", sideTM, kindDeliverable, wDeliverable, TechnologyRoadmap, []string{
		"technology|application|applications|itdept|digital|innovation ~1 portfolio*",
		"portfolio ~1 review*|management|rationalisation|rationalization",
		"emerging technolog*", "innovation pipeline*",
		"retire ~3 keep|replace|retain|invest*", "retire|decommission* ~3 applications|legacy",
	}},
	{"business case", sideTM, kindDeliverable, wDeliverable, BusinessCase, []string{
		"business case*", "board paper*", "investment case*", "cost benefit", "benefits case*", "funding case*",
		"benefits realisation|realization", "total cost of ownership", "tco", "options appraisal", "investment appraisal",
		"case ~3 for ~2 funding|investment|investing|invest",
	}},
	{"technology commercialisation", sideTM, kindDeliverable, wDeliverable, BusinessCase, []string{
		"commerciali*", "licensing ~1 strateg*|model*|deal*|negotiation*", "licensee*", "royalt*",
		"go to market", "technology transfer office",
	}},
	{"vendor evaluation", sideTM, kindDeliverable, wDeliverable, VendorEvaluation, []string{
		"vendor|vendors ~1 evaluation*|eval|evals|selection|assessment*|comparison|shortlist*|scoring|due",
		"rfp", "rfps", "request for proposal*", "proof of concept", "proofs of concept", "poc",
		"scripted demo*", "reference calls", "shortlist*", "bidders", "scoring ~1 criteria|model|matrix", "evaluation panel*",
		"market scan*", "request for information",
		"compar* ~3 providers|platforms|solutions|vendors",
	}},
	{"platform selection", sideTM, kindDeliverable, wDeliverable, VendorEvaluation, []string{
		"select*|chose|chosen|choos*|choice|procur*|tender*|replac*|introduc* ~6 platform*|system|systems|software|suite|tool|tools|vendor|vendors|solution|application*|erp|crm|lms|wms|mes|oss|bss|cloud|saas",
	}},
	{"adoption plan", sideTM, kindDeliverable, wDeliverable, AdoptionPlan, []string{
		"adoption ~3 plan|plans|programme*|program|programs|campaign*|roadmap|strategy|approach",
		"implementation ~1 plan|plans", "migration plan*", "rollout|roll ~1 plan", "change management",
		"training ~1 programme*|program|plan|plans|campaign*|schedule*", "staff|user|users ~1 training",
		"business|organisational|organizational|user|change ~1 readiness", "digital adoption", "user adoption",
		"company|organisation|organization|enterprise|group ~1 wide ~1 adoption|rollout|roll",
		"how ~4 staff|users|teams|operators|supervisors|employees|colleagues|analysts|nurses|clinicians|teachers|people ~3 would|will|should ~2 move|switch|transition|migrate",
		"off paper", "paperless",
	}},
	{"governance model", sideTM, kindDeliverable, wDeliverable, GovernanceModel, []string{
		"governance ~1 model*|framework*|board*|group*|council*|committee*|forum*|rules|structure*|process*|review*",
		"steering ~1 committee*|group*|board*", "architecture review board*", "data council*", "raci",
		"centre|center of excellence", "operating model*",
	}},
	{"data governance", sideTM, kindDeliverable, wDeliverable, GovernanceModel, []string{
		"data ~1 governance|steward*|owner*|ownership|standards", "information governance",
		"data quality owner*", "owner for each|every", "named owner*", "data catalog*", "steward*",
		"master data", "ownership rules", "data domain*",
		"who ~4 owns|own ~2 which|what", "owns|own ~1 which|what ~1 records|data|information",
	}},
	{"policy", sideTM, kindDeliverable, wDeliverable, Policy, []string{
		"polic* !administration|admin|holder*|number*|wording|renewal*|sales|pricing|premium*|issuance|lapse*",
	}},
	{"capability assessment", sideTM, kindDeliverable, wDeliverable, CapabilityAssessment, []string{
		"capabilit* ~2 assessment*|review*|map|mapping|gap*|model*|baseline",
		"assess* ~3 capabilit*|maturity", "maturity ~1 assessment*|model*|review*|benchmark*|level*",
		"benchmark* ~3 maturity", "current state assessment*", "fit gap*",
		"how ready", "where each ~3 stood|stands",
	}},
	{"knowledge management", sideTM, kindDeliverable, wDeliverable, KnowledgeManagement, []string{
		"knowledge ~1 management|base|bases|process*|transfer|sharing|reuse|capture|owner*|repositor*|hub|portal",
		"lessons learned|learnt", "lessons ~1 learned|learnt", "records management", "records and knowledge",
		"classification scheme*", "taxonomy", "communit* of practice",
	}},
	{"analytics use cases", sideTM, kindDeliverable, wDeliverable, AnalyticsUseCase, []string{
		"analytics ~1 use case*", "use case ~1 portfolio*|pipeline*|backlog*", "data products",
		"ways ~3 use ~2 data",
	}},

	{"adoption and governance risk register", sideTM, kindDeliverable, wDeliverable, RiskRegister, []string{
		"adoption|governance|technology|cyber|data|vendor|digital|information|privacy|ai|platform|migration ~1 risk ~1 register*|log|logs",
	}},

	// ------------- Technology management: accountability -----------------
	{"adoption governance", sideTM, kindAccountability, wAccountability, "", []string{
		"track*|measur*|monitor*|report*|review* ~3 adoption|usage|uptake|use|usage",
		"adoption ~2 progress|rate*|metric*|target*|by|across|against|monthly|quarterly",
		"how many ~3 use|used|uses|using|log|logs|logged|active", "active use", "actually ~1 use|used|uses|using|adopted|act", "adopted by",
	}},
	{"organisational roll-out", sideTM, kindAccountability, wAccountability, "", []string{
		"rolled|roll|rolling|rolls ~3 out", "rollout*", "champion*", "onboarding", "training path*", "super users",
		"change network*",
		"across ~2 business units|departments|offices|branches|brands|agencies|schools|staff|plants|depots|clinics|wards|hospitals|stores|campuses",
	}},
	{"technology governance", sideTM, kindAccountability, wAccountability, "", []string{
		"govern*", "quarterly ~3 review|audit*|compliance", "audit* ~2 every|each quarter",
		"review* ~2 every|each quarter", "compliance review*",
	}},
	{"standards and approval rules", sideTM, kindAccountability, wAccountability, "", []string{
		"data|bim|tagging|architecture|security|technology|coding|tooling|api|interoperability ~1 standard*",
		"standards for", "approval ~1 route*|step*|process*|rules", "request* ~1 approval",
		"approved ~1 services|tools|list|software", "approve* ~2 exceptions|new",
		"licen* ~2 allowed|rules|compliance|use",
	}},
	{"data-sharing and consent rules", sideTM, kindAccountability, wAccountability, "", []string{
		"data ~1 sharing", "consent ~1 rules|management|model|framework", "retention ~1 rules|policy|schedule*",
		"usage rules", "access rules", "rules ~1 on|for|about ~3 data|records|information|what|who|which",
		"data|privacy ~1 protection ~1 rules|policy|policies|terms|agreement*|impact assessment*", "how ~3 data ~3 kept|stored|held|shared|retained",
		"who ~1 can|may|could|should ~2 access|see|view|edit|export|share|download|change|delete", "which ~3 data|apis|tools ~3 may|can|get",
	}},
	{"use-case prioritisation", sideTM, kindAccountability, 1.5, "", []string{
		"use case*", "prioriti* ~3 use|ideas|initiatives|investments|projects|pilots",
		"what gets scaled", "decide* ~3 what|which ~3 adopted|built|scaled|funded|enters",
	}},
	{"knowledge reuse", sideTM, kindAccountability, 1.5, "", []string{
		"reuse*", "re use*", "reused", "knowledge owner*",
	}},

	// ------------- Technology management: stakeholders -------------------
	{"executive stakeholders", sideTM, kindStakeholder, wStakeholder, "", []string{
		"executive*", "the board", "trust|group|company|main|supervisory ~1 board", "board ~1 approved|funding|paper*|level|members|adopted", "board of directors",
		"cio", "cto", "cfo", "cdo", "ceo", "chief ~2 officer", "c suite", "leadership team", "provost",
		"studio heads", "director general",
	}},
	{"business units and users", sideTM, kindStakeholder, wStakeholder, "", []string{
		"business ~1 unit*|users|owners|teams|stakeholders|lines", "departments", "end users", "users",
		"faculty", "marketing", "merchandising", "underwriting", "call centre*|center*", "front line",
		"caseworkers", "branch ~1 staff|network", "teachers", "clinicians", "principals",
	}},
	{"IT, compliance and legal", sideTM, kindStakeholder, wStakeholder, "", []string{
		"itdept", "it security", "compliance", "legal", "procurement", "risk committee*", "regulatory liaison",
		"data protection officer*", "information security", "accessibility office",
	}},
	{"vendors and partners", sideTM, kindStakeholder, wStakeholder, "", []string{
		"vendor*", "licensees", "fintechs", "technology partner*",
	}},

	// ------------- Technology management: risks watched ------------------
	{"platform lock-in", sideTM, kindRisk, wRisk, "", []string{
		"lock* in", "lockin", "vendor lock*", "exit ~1 terms|clauses|clause|strategy|plan|costs",
		"proprietary", "interoperab*", "portability",
	}},
	{"adoption risk", sideTM, kindRisk, wRisk, "", []string{
		"adoption ~1 risk*|failure*|barrier*", "resistance", "sceptical", "skeptical", "low adoption",
		"change fatigue",
	}},
	{"data misuse and privacy", sideTM, kindRisk, wRisk, "", []string{
		"data ~1 misuse|protection|privacy|breach*|leak*|integrity|quality", "privacy", "consent",
		"gdpr", "pdpa", "prohibited", "cyber*", "security risk*",
	}},
	{"weak governance and misalignment", sideTM, kindRisk, wRisk, "", []string{
		"shadow itdept|it", "weak governance", "governance gap*", "overlapping ~1 applications|systems|tools",
		"strategic ~1 alignment|misalignment|fit|priorities", "misalign*",
	}},

	// ------------- Technology management: topic vocabulary ---------------
	{"organisational platform", sideTM, kindTopic, wTopic, "", []string{
		"platform* !screen|edge|door*|doors|extension*|level|staff|structure|crane*|topside*",
	}},
	{"enterprise information systems", sideTM, kindTopic, 1.0, "", []string{
		"information ~1 system*|management|flows", "enterprise ~2 system*|software|platform*|architecture|applications",
		"back office", "erp", "sap", "4hana", "crm", "hris", "lms", "wms", "lims", "eln", "saas", "legacy ~1 system*|applications|platforms",
		"itdept systems", "business systems", "it systems", "application portfolio",
		"manufacturing execution system*",
	}},
	{"data and analytics", sideTM, kindTopic, wTopic, "", []string{
		"analytics", "data platform*", "dashboards", "business intelligence", "ai", "artificial intelligence",
		"generative", "digital*", "cloud", "portal", "api", "apis", "rpa", "robotic process automation",
	}},
	{"technology adoption", sideTM, kindTopic, 1.0, "", []string{
		"adopt*", "capabilit*", "patent*", "innovation",
	}},

	// ---------------- Engineering management: deliverables ---------------
	{"project execution plan", sideEM, kindDeliverable, wDeliverable, ProjectExecutionPlan, []string{
		"execution plan*", "project ~1 plan|plans|schedule*", "delivery ~1 plan|plans|programme|program|schedule",
		"milestone ~1 plan*|schedule*", "phasing ~1 plan*", "sequencing ~1 plan*", "construction ~1 programme|sequencing|schedule*",
		"master schedule", "shutdown schedule", "installation ~1 programme|plan|schedule", "work breakdown",
		"build programme", "outage ~1 windows|plan*", "night work schedule*", "turnaround schedule",
		"look ahead", "possession plan*",
		"plan|planned|planning|scheduled|scheduling ~3 install|installs|installation|installations|fitting|fit out", "move plan*|schedule*", "resource ~1 plan*|allocation", "long lead",
		"gantt", "primavera",
	}},
	{"work packages", sideEM, kindDeliverable, wDeliverable, ProjectExecutionPlan, []string{
		"work|works ~1 package*", "civil works package*", "contractor|contract ~1 package*", "hook up", "scope ~3 packages",
	}},
	{"design reviews", sideEM, kindDeliverable, wDeliverable, DesignReview, []string{
		"design ~2 review*", "interface ~1 review*|register", "review log", "design package*", "design freeze",
		"clash ~1 resolution|detection", "hazop*", "design history file", "design sign off", "submittal*",
		"design ~1 submission*|verification|calculations|change*|coordination", "engineering change*", "value engineering",
		"gate review*", "new product introduction", "npi",
	}},
	{"test documentation", sideEM, kindDeliverable, wDeliverable, TestDocumentation, []string{
		"test ~2 plan*|documentation|strateg*|report*|results|protocol*|programme|regime|gates|evidence|procedure*",
		"iq oq", "oq pq", "fat ~1 sat", "factory ~1 acceptance|test*", "site ~1 acceptance|test*",
		"integration|system|systems|end ~2 testing", "integrated|systems ~2 test|tests", "site integration", "acceptance ~1 test*|regime|certificate*|checks",
		"witness*", "validation ~2 plan*|protocol*|test*|master|documentation", "qualification", "requalif*",
		"certification ~1 test*", "verification ~1 test*|plan*",
		"sea trial*", "commissioning ~1 test*", "failover ~1 test*", "evt", "dvt", "pvt", "itp", "itps",
		"split lot", "reliability|load|performance|throughput|stress|soak|pressure|burn ~1 test|tests|trial|trials",
	}},
	{"quality plan", sideEM, kindDeliverable, wDeliverable, QualityPlan, []string{
		"quality ~1 plan*|report*|audit*|inspection*|metrics|regime|assurance", "quality ~1 management|control|test|risk ~1 plan*|regime|assessment*",
		"inspection ~2 test ~1 plan*", "inspection ~1 regime|standard*|plan*|procedure*", "quality control", "spc", "six sigma",
		"investigat* ~4 defect*|failure*|fault*|excursion*|deviation*|nonconformance*|rejects", "hold point*", "non conformance*", "nonconformance*", "ncr", "ncrs",
		"corrective ~1 action*", "8d", "capa", "supplier ~1 audit*", "deviation ~1 log*|review*|report*", "control plan*",
		"first article", "calibration ~1 record*|certificate*|plan*|schedule*|regime",
		"inspect* ~3 work|works|installation*", "test coverage", "quality bar",
		"track*|monitor* ~3 defect*|downtime|faults|failures|scrap|yield|reject*",
	}},
	{"reliability and maintenance programme", sideEM, kindDeliverable, wDeliverable, QualityPlan, []string{
		"reliability ~2 plan*|programme*|program*|improvement*|review*", "maintenance ~2 plan*|programme*|program|strateg*|interval*|regime*",
		"pm intervals", "preventive maintenance", "failure mode*", "fmea", "dfmea", "pfmea", "root cause*", "mean time between",
		"mttr", "oee", "post mortem*", "slo", "slos",
		"mtbf", "field failure*", "post incident ~1 review*", "incident ~1 review*|postmortem*", "failure data",
	}},
	{"technical risk register", sideEM, kindDeliverable, wDeliverable, RiskRegister, []string{
		"technical|delivery|project|construction|safety|engineering|programme|schedule|installation ~1 risk ~1 register*|log*",
	}},
	// A bare "risk register" takes the side of the risks named with it
	// (see resolveContext in decide.go).
	{"risk register", sideContext, kindDeliverable, wDeliverable, RiskRegister, []string{
		"risk ~1 register*|log|logs",
	}},
	{"cost-schedule analysis", sideEM, kindDeliverable, wDeliverable, CostScheduleAnalysis, []string{
		"cost ~1 schedule", "cost and schedule", "earned value", "forecast at completion",
		"cost ~1 report*|plan|control|baseline|forecast*|tracking|analysis|per",
		"schedule ~1 analysis|control|baseline", "critical path", "recovery ~1 schedule|plan|programme",
		"change control*", "budget and programme|schedule", "contingency ~1 drawdown|allowance", "estimate at completion",
		"variation*|change ~1 orders", "s curve*", "cost to complete", "capex ~1 budget|plan",
		"schedule ~1 and ~1 budget",
	}},
	{"production plan", sideEM, kindDeliverable, wDeliverable, ProductionPlan, []string{
		"production ~1 plan*|ramp*|schedule*|release|readiness|capacity|planning",
		"capacity ~1 plan*", "work centre*|center*", "kitting", "changeover*", "commercial batch*", "engineering batch*",
		"ramp up", "takt", "line balancing", "turnaround ~1 time*|target*",
	}},
	{"handover plan", sideEM, kindDeliverable, wDeliverable, HandoverPlan, []string{
		"handover*", "hand|handed|handing|hands ~4 over", "commissioning", "operational readiness",
		"cutover|cut ~1 plan*", "hypercare",
		"readiness ~1 review*|checklist*|meeting*", "o m manuals", "as built*", "practical completion",
		"transfer to ~1 operations|production|manufactur*", "restart readiness",
	}},

	// ------------- Engineering management: accountability ----------------
	{"release and change control", sideEM, kindAccountability, wAccountability, "", []string{
		"release ~1 plan*|process*|gate*|management|train|control|review*", "go no go", "change windows",
		"build review*", "cutover", "rollback*", "on call", "bug triage", "certification", "defect thresholds",
		"release ~1 date|dates|schedule*|slippage|cadence", "staged ~1 release*", "releases",
	}},
	{"delivery control", sideEM, kindAccountability, wAccountability, "", []string{
		"milestone*", "signed|sign|signing|signs ~2 off", "sign offs", "close out", "closed out", "hold points",
		"interface ~1 meeting*|management", "progress meeting*", "technical delivery", "engineering delivery",
		"delivery manager", "physical delivery", "punch list*", "snag*", "held ~3 to", "re sequenc*", "resequenc*",
		"coordinat* ~3 contractor*|subcontractor*|supplier*|trades|vendors", "progress ~1 report*|review*",
		"progress ~3 meeting*",
	}},
	{"testing and acceptance", sideEM, kindAccountability, 1.5, "", []string{
		"testing",
	}},
	{"schedule control", sideEM, kindAccountability, 1.5, "", []string{
		"schedule", "schedules", "scheduling", "programme ~1 control|float",
	}},
	{"technical delivery role", sideEM, kindAccountability, 1.5, "", []string{
		"site|construction|commissioning|installation|works|engineering|production|plant|maintenance|project ~1 manager|lead|engineer|supervisor|director",
		"led|lead|leads|manage|manages|managed|managing ~4 development|engineering|test|testing ~1 team*",
		"lead|leads|led|manage|manages|managed ~2 developers|testers",
	}},
	{"safety control", sideEM, kindAccountability, wAccountability, "", []string{
		"safety ~1 case|plan*|assessment*|management|review*", "safety risk assessment*", "health and safety",
		"permit|permits to work", "method statement*", "lifting plan*", "lift plan*",
	}},

	// ------------- Engineering management: stakeholders ------------------
	{"contractors and suppliers", sideEM, kindStakeholder, wStakeholder, "", []string{
		"contractor*", "subcontract*", "supplier*", "oem", "oems", "manufacturer*", "shipyard", "yard",
		"fabricator*", "cmo", "odm", "machine builder*", "the factory", "integrator*", "trades",
	}},
	{"engineers and designers", sideEM, kindStakeholder, wTopic, "", []string{
		"engineers", "design ~1 consultant*|team*", "fire engineer*", "class society", "metrology",
	}},
	{"operations and maintenance teams", sideEM, kindStakeholder, wStakeholder, "", []string{
		"operations ~1 team*|manager*|staff|crew*", "operator", "operators", "maintenance ~1 team*|crew*|contractor*|staff",
		"facilities team", "production ~1 team*|manager*|staff", "asset engineering", "harbour master",
		"plant operator*", "building operator*",
	}},
	{"sponsor and project leadership", sideEM, kindStakeholder, wStakeholder, "", []string{
		"sponsor", "project ~1 director*|board", "client side", "the client",
	}},
	{"safety and quality leads", sideEM, kindStakeholder, wStakeholder, "", []string{
		"safety ~1 lead*|manager*|engineer*|officer*", "quality ~1 lead*|manager*", "qa", "hse",
		"independent lab*", "inspector*", "class society",
	}},

	// ------------- Engineering management: risks watched -----------------
	{"technical defects", sideEM, kindRisk, wRisk, "", []string{
		"defect*", "bugs", "faults", "sev 1", "sev1", "warranty", "returns",
	}},
	{"cost escalation", sideEM, kindRisk, wRisk, "", []string{
		"cost ~1 overrun*|escalation|impact|increase*", "overrun*", "over budget", "within ~4 budget",
		"contingency",
	}},
	{"schedule slippage", sideEM, kindRisk, wRisk, "", []string{
		"slip*", "delay*", "late delivery", "float", "on time", "planned date", "schedule risk*",
	}},
	{"safety", sideEM, kindRisk, wRisk, "", []string{
		"safety", "injur*", "lost time", "incidents", "hazard*", "fire mode", "high voltage", "confined space",
	}},
	{"reliability gaps", sideEM, kindRisk, wRisk, "", []string{
		"reliab*", "availability", "downtime", "outage*", "failover", "uptime", "breakdown*",
	}},
	{"quality failures", sideEM, kindRisk, wRisk, "", []string{
		"quality ~1 failure*|issue*|escape*", "yield*", "scrap", "rework", "tolerance*", "dimensional", "reject*",
	}},

	// ------------- Engineering management: topic vocabulary --------------
	{"physical infrastructure", sideEM, kindTopic, wTopic, "", []string{
		"infrastructure", "civil*", "construction", "substation*", "tunnel*", "bridge*", "pipework", "cabling",
		"physical", "installation", "fit out", "plant", "site", "sites", "works",
	}},
	{"hardware and equipment", sideEM, kindTopic, wTopic, "", []string{
		"hardware", "equipment", "machine*", "sensor*", "robot*", "crane*", "conveyor*", "tool|tools ~1 installation",
	}},
	{"manufacturing and production", sideEM, kindTopic, wTopic, "", []string{
		"manufactur*", "production", "factory", "assembly", "fab", "lots", "batches", "prototyp*",
		"production|packaging|assembly ~1 line*",
	}},
	{"hardware-software integration", sideEM, kindTopic, 1.5, "", []string{
		"hardware ~1 software", "physical systems", "control ~1 system|systems", "controls integration", "embedded",
		"scada", "plc", "plcs", "signalling", "systems integration",
	}},
	{"engineering work", sideEM, kindTopic, wTopic, "", []string{
		"engineering",
	}},

	// ------------- Individual technical work (counts for neither side) ---
	{"writing a script", sideNone, kindIndividual, wIndividual, "", []string{
		"script", "scripts", "playbook*", "python", "sql", "macro", "macros", "vba",
	}},
	{"writing code", sideNone, kindIndividual, wIndividual, "", []string{
		"code", "coded", "coding", "pull request*", "unit tests", "microservice*", "fix|fixed|fixes|fixing ~2 bugs",
		"implemented ~3 feature*", "programming", "webhook*", "rest api", "endpoint*", "refactor*",
		"debug*", "wrote ~3 tests", "plc|ladder ~1 program|programs|programming|logic|code", "structured text", "programmed", "configured ~3 switches|firewalls|servers|routers",
	}},
	{"running simulations", sideNone, kindIndividual, wIndividual, "", []string{
		"simulat*", "finite element", "fea", "cfd", "optimis*|optimiz* ~3 geometry",
	}},
	{"designing a circuit", sideNone, kindIndividual, wIndividual, "", []string{
		"circuit*", "pcb", "pcbs", "firmware", "schematic*", "bench ~1 test*",
	}},
	{"building a model", sideNone, kindIndividual, wIndividual, "", []string{
		"machine learning", "ml model*", "feature engineering", "gradient boosting", "neural",
		"trained ~3 model*", "predictive model*",
	}},
	{"building a dashboard or spreadsheet", sideNone, kindIndividual, wIndividual, "", []string{
		"built|created|developed|made ~3 dashboard*|model|report", "spreadsheet*", "excel", "power bi", "tableau",
	}},
	{"drafting drawings and models", sideNone, kindIndividual, wIndividual, "", []string{
		"cad", "autocad", "solidworks", "catia", "revit", "3d model*", "detail|detailed|shop|fabrication ~1 drawings",
	}},
	{"testing as a user", sideNone, kindIndividual, wIndividual, "", []string{
		"user acceptance ~1 test*", "uat", "key user*", "tested ~3 module*|feature*|screen*",
		"test cases", "executed ~3 test*", "retest*",
	}},
}

// Clause cues: grammatical signals about who did the work. They are not
// evidence for either programme; they decide how much the evidence in a
// clause counts.
type cue uint8

const (
	// cueAccountable marks an accountability verb or phrase (led, owned,
	// wrote, chaired, signed off, was accountable for ...).
	cueAccountable cue = iota + 1
	// cueParticipant marks a participation verb (took part, helped,
	// attended, supported ...): involvement without accountability.
	cueParticipant
	// cueNegation negates indicators that follow within negationWindow tokens.
	cueNegation
	// cueClauseNegation negates the whole clause ("were not mine", "out of scope").
	cueClauseNegation
	// cueOthers attributes the whole clause to someone else ("was delivered by
	// the engineering division", "before I joined").
	cueOthers
	// cueOthersPossessive discounts indicators right after "their", "his", "her".
	cueOthersPossessive
	// cueIntent marks a clause about what the author wants or hopes to do
	// ("I want to move into ...", "I would like to lead ..."): the framework
	// treats interest as different from evidence, so it counts for nothing.
	cueIntent
)

type cueRow struct {
	cue      cue
	patterns []string
}

var clauseCues = []cueRow{
	{cueAccountable, []string{
		"led", "lead", "leads", "leading", "own", "owned", "owns", "owner", "wrote", "write", "writes", "written",
		"rewrote", "chair*", "signed", "sign", "ran", "run", "runs", "set up", "set the", "manag*", "prepar*",
		"accountab*", "responsib*", "draft*", "creat*", "produced", "produce", "built", "establish*", "defin*",
		"negotiat*", "coordinat*", "present*", "select*", "chose", "choos*", "decid*", "held", "kept", "planned",
		"direct*", "oversaw", "oversee*", "supervis*", "control*", "introduc*", "delivered", "designed",
		"report", "reported", "reports", "reporting", "rolled", "execut*", "track*", "assess*", "carried out",
		"implement*", "facilitat*", "headed", "steer*", "prioriti*", "approv*", "initiat*", "launched",
		"organis*", "organiz*", "in charge", "my job", "my role", "chased", "refused", "stopped", "maintain*",
		"secured", "scoped", "agreed", "broke", "built", "commissioned", "authored", "devised", "instituted",
	}},
	{cueParticipant, []string{
		"participat*", "took part", "take part", "involved", "helped", "helping", "assisted", "assisting",
		"supported", "supporting", "attended", "attending", "contributed", "contributing", "member", "members",
		"key user*", "part of", "shadowed", "observed", "interested", "like", "enjoy*",
	}},
	{cueNegation, []string{
		"not !only|just|merely", "no", "never", "nothing", "none", "neither", "nor", "without", "dont", "didnt",
		"doesnt", "wasnt", "werent", "isnt", "arent", "hasnt", "havent", "hadnt", "cannot", "cant", "wont",
	}},
	{cueClauseNegation, []string{
		"not|never|wasnt|werent|isnt|arent ~1 mine|ours|theirs|part|involved|included|required|needed|responsible|accountable|owned|led|run",
		"not|wasnt|werent|isnt|arent ~1 my|our responsibility|job|remit|scope|deliverable*|work",
		"out of scope", "outside ~2 scope|remit", "not ~1 in|within scope",
	}},
	{cueOthers, []string{
		"was|were|been|is|are|being|be ~2 made|done|run|owned|led|handled|delivered|built|managed|prepared|produced|chosen|selected|written|designed|performed|conducted|installed|tested|developed|implemented|configured|coded|drafted|created|decided|taken|out|up ~3 by !me|myself|us|my|end|deadline|january|february|march|april|may|june|july|august|september|october|november|december",
		"before i|we joined", "someone|somebody else", "another ~1 team|department|division|company|contractor",
		"other teams", "by others", "their own",
		// Work done as someone else's assignment: the accountability is theirs.
		"as ~1 assigned|instructed|directed|allocated ~1 by", "assigned to me by", "under the supervision",
	}},
	{cueIntent, []string{
		"want|wants|hope|hoping|wish|keen|aspire|aspiring ~1 to", "would ~1 like|love ~1 to",
		// Future work is a plan, not evidence: "next year I will lead ...",
		// and a pasted advert's "the successful candidate will own ...".
		// Not "we will", which owned accounts use for what a system will do.
		"i ~1 will|shall", "will|shall ~1 lead|own|oversee|chair|drive|manage|run|deliver|head",
		"interested in", "passionate about", "my ~1 goal|ambition|aspiration|dream",
		// Courses taken are interest and learning, not work evidence.
		"course|courses|certificate|diploma ~1 in|on", "belt ~1 course*", "read ~1 widely|about",
	}},
	{cueOthersPossessive, []string{
		"their", "his", "her",
	}},
}

// ownPronouns are subject pronouns for the author. firstPersonPossessives
// count as the author too unless followed by an otherAgents noun ("my
// manager presented ..." is someone else's work).
var ownPronouns = []string{"i", "im", "ive", "id", "me", "myself", "we", "weve"}

var firstPersonPossessives = []string{"my", "our"}

// otherAgents are nouns that, at the start of a clause without the author
// as subject, make it someone else's work ("the business units do", "our
// engineers did the integrations").
var otherAgents = []string{
	"manager", "managers", "engineers", "engineering", "units", "division", "department", "departments",
	"contractor", "contractors", "vendor", "vendors", "supplier", "suppliers", "client", "clients",
	"colleague", "colleagues", "consultant", "consultants", "they", "he", "she", "others", "someone",
	"studios", "boss", "supervisor", "director", "itdept", "procurement",
	"ceo", "cto", "cio", "cfo", "coo", "cdo", "ciso",
}

// determiners are skipped when looking for the subject of a clause.
var determiners = []string{"the", "a", "an", "my", "our", "their", "his", "her", "its", "this", "that",
	"these", "those", "all", "both", "each", "every", "and", "then", "so"}

// clauseBreakWords start a new clause: contrast often switches who did the work.
var clauseBreakWords = []string{"but", "however", "whereas"}
