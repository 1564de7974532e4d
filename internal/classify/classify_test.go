package classify

import (
	"strings"
	"sync"
	"testing"
	"unicode"
)

func TestLabels(t *testing.T) {
	want := []Label{TechnologyManagement, EngineeringManagement, Hybrid, InsufficientEvidence}
	got := Labels()
	if len(got) != len(want) {
		t.Fatalf("Labels() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Labels()[%d] = %q, want %q", i, got[i], want[i])
		}
		if !got[i].Valid() {
			t.Errorf("Label(%q).Valid() = false, want true", got[i])
		}
	}
	for _, l := range []Label{"", "TM", "Technology_Management", "other"} {
		if l.Valid() {
			t.Errorf("Label(%q).Valid() = true, want false", l)
		}
	}
}

func TestDeliverableTypes(t *testing.T) {
	want := "business_case technology_roadmap adoption_plan governance_model policy vendor_evaluation " +
		"capability_assessment knowledge_management analytics_use_case design_review project_execution_plan " +
		"production_plan test_documentation quality_plan risk_register cost_schedule_analysis handover_plan other"
	var got []string
	for _, d := range DeliverableTypes() {
		got = append(got, string(d))
		if !d.Valid() {
			t.Errorf("DeliverableType(%q).Valid() = false, want true", d)
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("DeliverableTypes() = %v, want %s", got, want)
	}
	if DeliverableType("roadmap").Valid() {
		t.Errorf(`DeliverableType("roadmap").Valid() = true, want false`)
	}
}

// TestTaxonomy checks the indicator table is well formed: it compiles,
// names are unique, and every deliverable type but "other" can be produced.
func TestTaxonomy(t *testing.T) {
	if _, err := buildMatcher(taxonomy, clauseCues); err != nil {
		t.Fatalf("buildMatcher(taxonomy, clauseCues) error = %v, want nil", err)
	}
	names := map[string]bool{}
	types := map[DeliverableType]bool{}
	for _, in := range taxonomy {
		if names[in.name] {
			t.Errorf("indicator name %q appears twice", in.name)
		}
		names[in.name] = true
		types[in.dtype] = true
	}
	for _, d := range DeliverableTypes() {
		if d != Other && !types[d] {
			t.Errorf("no indicator implies deliverable type %q", d)
		}
	}
	bad := []indicator{{name: "x", side: sideTM, kind: kindTopic, weight: 1, patterns: []string{"ab*"}}}
	if _, err := buildMatcher(bad, nil); err == nil {
		t.Errorf("buildMatcher(pattern %q) error = nil, want error for a short leading prefix", "ab*")
	}
	bad[0].patterns = []string{"Upper Case"}
	if _, err := buildMatcher(bad, nil); err == nil {
		t.Errorf("buildMatcher(pattern %q) error = nil, want error for unnormalised text", "Upper Case")
	}
}

func TestHardCases(t *testing.T) {
	long := strings.Repeat("I wrote the project execution plan for the substation upgrade, chaired the design reviews with the "+
		"transformer supplier, and owned the commissioning and handover plan with the operations team. ", 110)
	tests := []struct {
		name        string
		title, desc string
		want        Label
	}{
		{"hybrid owning both sides",
			"Hospital lab automation and LIMS replacement",
			"I ran our hospital laboratory modernisation. I wrote the business case, led the vendor evaluation for the new LIMS " +
				"and the adoption plan for lab staff, and chaired the data governance group. I also owned the installation of the " +
				"automated sample line: the project execution plan, the validation test documentation and the handover to lab operations.",
			Hybrid},
		{"platform rollout called a project",
			"CRM roll-out project – insurer",
			"I was project manager for rolling out a new CRM platform across our insurer's 40 branches. I wrote the implementation plan, " +
				"set up super users in every branch, agreed data-protection rules with compliance and tracked adoption monthly for the executive committee.",
			TechnologyManagement},
		{"developer writing code in a software company",
			"Payments service",
			"I am a software engineer at a fintech. I write Java code for the payments service, review pull requests and fix bugs reported by support.",
			InsufficientEvidence},
		{"generic management prose",
			"My management experience",
			"I manage a team and communicate with stakeholders. I am good at motivating people and solving problems under pressure.",
			InsufficientEvidence},
		{"clause opening with a deliverable named after an agent",
			"Packaging line upgrade – CV extract",
			"Vendor evaluation for the packaging line MES, four bidders. Technology roadmap and business case to the board. Line retrofit: project execution plan, " +
				"FAT/SAT with the machine builder, production ramp-up plan.",
			Hybrid},
		{"an executive's deliverables presented by the author",
			"Data platform",
			"Our CIO wrote the technology roadmap and the business case for the new data platform. I presented a summary of it to staff.",
			InsufficientEvidence},
		{"deliverables written and owned by the client",
			"Cloud advisory",
			"I advised a client on cloud adoption. The roadmap, the business case and the governance model were written and owned by the client's strategy team.",
			InsufficientEvidence},
		{"key user who only tested a system",
			"Warehouse system go-live",
			"I was a key user for the new warehouse management system. I took part in user acceptance testing, tested the picking screens and reported defects to the project team.",
			InsufficientEvidence},
		{"negated design review",
			"Records policy – city council",
			"I wrote the records retention policy for a city council and set up the quarterly compliance review with legal. This was not a design review and no construction was involved.",
			TechnologyManagement},
		{"negated vendor evaluation",
			"Chiller plant replacement",
			"No vendor evaluation was involved; the equipment was chosen by the client. I owned the project execution plan, the witness tests and the commissioning plan for the new chillers.",
			EngineeringManagement},
		{"systems as enterprise software",
			"Finance systems consolidation",
			"I wrote the business case to consolidate our finance and HR systems onto one cloud ERP and set up the governance board with the business units. Adoption is tracked each quarter.",
			TechnologyManagement},
		{"systems as physical integration",
			"Tram systems integration",
			"I am accountable for systems integration on a tram extension: power, signalling and control systems. I chair the interface design reviews with suppliers and wrote the hardware-software integration test plan.",
			EngineeringManagement},
		{"risk register for adoption and lock-in",
			"Risk register – HR platform",
			"I own the risk register for our HR platform migration: adoption risk among line managers, vendor lock-in, data-protection exposure and weak governance. I review it monthly with the CIO and compliance.",
			TechnologyManagement},
		{"risk register for technical delivery",
			"Risk register – water main renewal",
			"I own the risk register for a water main renewal: ground conditions, pipe delivery delays, traffic-management safety and cost overruns. I review it every two weeks with the contractor and update the contingency.",
			EngineeringManagement},
		{"title naming the other side: the body decides",
			"Engineering Manager – rail signalling",
			"My title is engineering manager, but my work this year was the technology side of the operator: I wrote the business case for a single " +
				"asset-information platform, ran the vendor evaluation with IT and procurement, and set up the data governance board with the business units.",
			TechnologyManagement},
		{"governance meaning stage-gate control of one delivery",
			"Project governance – hospital wing fit-out",
			"I ran the project governance for a new hospital wing fit-out: stage-gate reviews of the design with the architect and engineers, " +
				"the cost and schedule control report each month, and the commissioning and handover plan agreed with the maintenance team.",
			EngineeringManagement},
		{"managing a vendor's technical delivery against acceptance criteria",
			"Baggage handling system vendor",
			"I managed the vendor's technical delivery of the new baggage conveyor system: I held them to the acceptance criteria, witnessed the " +
				"factory and site acceptance tests, tracked defects to closure and signed off the handover to airport maintenance.",
			EngineeringManagement},
		{"platform in the engineering sense",
			"Offshore platform maintenance shutdown",
			"I planned and led the maintenance shutdown of an offshore gas platform: the work-pack schedule, the permit-to-work and safety plan " +
				"with the operations team, the contractor packages, and the recommissioning tests before restart.",
			EngineeringManagement},
		{"another person owned one side, the author the other",
			"Clinic scheduling system",
			"The installation of the kiosks and network was run by the facilities engineer under his own project plan. My part was the adoption: " +
				"I wrote the roll-out plan for the twelve clinics, trained the super users and reported adoption to the executive team each month.",
			TechnologyManagement},
		{"the author says what they do not run",
			"Data office",
			"I do not run any engineering or construction work. I own our data governance model and the data-sharing policy, and I chair the quarterly " +
				"data council with legal, compliance and the business units.",
			TechnologyManagement},
		{"empty", "", "", InsufficientEvidence},
		{"very short", "Sample", "See CV.", InsufficientEvidence},
		{"off topic", "Marathon", "I ran a marathon last year and raised money for charity.", InsufficientEvidence},
		{"individual circuit design", "Sensor board", "I designed a circuit for a vibration sensor board by myself and bench-tested it.", InsufficientEvidence},
		{"very long text", "Substation upgrade delivery", long, EngineeringManagement},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Classify(tc.title, tc.desc)
			if r.Label != tc.want {
				t.Errorf("Classify(%q, %.80q...).Label = %q, want %q; rationale: %s", tc.title, tc.desc, r.Label, tc.want, r.Rationale)
			}
			checkInvariants(t, tc.title, tc.desc, r)
		})
	}
}

// checkInvariants checks what must hold for every Result.
func checkInvariants(t *testing.T, title, desc string, r Result) {
	t.Helper()
	call := "Classify(" + shorten(title) + ", " + shorten(desc) + ")"
	if !r.Label.Valid() {
		t.Errorf("%s.Label = %q, want a valid label", call, r.Label)
	}
	if !r.DeliverableType.Valid() {
		t.Errorf("%s.DeliverableType = %q, want a valid type", call, r.DeliverableType)
	}
	if r.Label == InsufficientEvidence && r.DeliverableType != Other {
		t.Errorf("%s.DeliverableType = %q with label %q, want %q", call, r.DeliverableType, r.Label, Other)
	}
	if r.Indicators.TechnologyManagement == nil || r.Indicators.EngineeringManagement == nil {
		t.Errorf("%s.Indicators = %#v, want non-nil slices", call, r.Indicators)
	}
	if r.Version != Version {
		t.Errorf("%s.Version = %q, want %q", call, r.Version, Version)
	}
	if strings.IndexFunc(r.Rationale, unicode.IsDigit) >= 0 {
		t.Errorf("%s.Rationale = %q, want no numbers", call, r.Rationale)
	}
	if n := strings.Count(r.Rationale, ". ") + 1; r.Rationale == "" || n > 3 || !strings.HasSuffix(r.Rationale, ".") {
		t.Errorf("%s.Rationale = %q, want 1-3 sentences", call, r.Rationale)
	}
}

func shorten(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "\"" + s + "\""
}

func TestInvariantsOnAllSamples(t *testing.T) {
	files := []string{"testdata/extra_samples.jsonl", "testdata/probe_samples.jsonl"}
	for _, f := range files {
		for _, s := range loadSamples(t, f) {
			checkInvariants(t, s.Title, s.Description, Classify(s.Title, s.Description))
		}
	}
}

// TestNoiseInvariance: case, curly quotes, dashes and extra whitespace must
// not change the label or the indicators.
func TestNoiseInvariance(t *testing.T) {
	samples := loadSamples(t, "testdata/extra_samples.jsonl")
	noisy := []struct {
		name string
		f    func(string) string
	}{
		{"upper case", strings.ToUpper},
		{"curly quotes and dashes", func(s string) string {
			return strings.NewReplacer("'", "\u2019", " - ", " \u2014 ", "-", "\u2013", "\"", "\u201c").Replace(s)
		}},
		{"extra whitespace", func(s string) string {
			return "  \t" + strings.ReplaceAll(s, " ", "   ") + " \n\n "
		}},
	}
	for _, n := range noisy {
		t.Run(n.name, func(t *testing.T) {
			for _, s := range samples {
				base := Classify(s.Title, s.Description)
				got := Classify(n.f(s.Title), n.f(s.Description))
				if got.Label != base.Label {
					t.Errorf("Classify(%s(%s)).Label = %q, want %q as for the clean text", n.name, s.ID, got.Label, base.Label)
				}
			}
		})
	}
}

// TestITDepartment: "IT" in mixed case is the IT function, "it" a pronoun.
func TestITDepartment(t *testing.T) {
	r := Classify("", "I wrote the cloud policy with IT and legal and set up the governance group.")
	if !containsString(r.Indicators.TechnologyManagement, "IT, compliance and legal") {
		t.Errorf("Classify(IT ...).Indicators.TechnologyManagement = %v, want it to include %q", r.Indicators.TechnologyManagement, "IT, compliance and legal")
	}
}

func containsString(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func TestDeterministicAndConcurrent(t *testing.T) {
	samples := loadSamples(t, "testdata/extra_samples.jsonl")
	want := make([]Result, len(samples))
	for i, s := range samples {
		want[i] = Classify(s.Title, s.Description)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(samples)*4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, s := range samples {
				got := Classify(s.Title, s.Description)
				if got.Label != want[i].Label || got.Rationale != want[i].Rationale || got.DeliverableType != want[i].DeliverableType ||
					strings.Join(got.Indicators.TechnologyManagement, "|") != strings.Join(want[i].Indicators.TechnologyManagement, "|") {
					errs <- s.ID
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for id := range errs {
		t.Errorf("Classify(%s) gave a different Result on a repeated concurrent call, want identical results", id)
	}
}

func TestRationaleExamples(t *testing.T) {
	r := Classify("Shipment clean-up script", "I wrote a Python script that cleans our daily shipment CSV files and loads them into a dashboard.")
	if r.Label != InsufficientEvidence || !strings.Contains(r.Rationale, "individual technical work (writing a script") {
		t.Errorf("Classify(script).Rationale = %q (label %q), want insufficient evidence naming individual technical work (writing a script)", r.Rationale, r.Label)
	}
	r = Classify("A-CDM adoption", "I led the adoption programme and wrote the business case for the board. "+
		"The gate screens were delivered by the airport's engineering division under their own project execution plan; "+
		"the installation, testing and handover were not mine.")
	if r.Label != TechnologyManagement || !strings.Contains(r.Rationale, "negated or attributed to others") {
		t.Errorf("Classify(attributed EM work).Rationale = %q (label %q), want technology management noting work negated or attributed to others", r.Rationale, r.Label)
	}
}

// TestLongText classifies the longest description the product accepts
// (20,000 characters); BenchmarkClassifyLong measures its cost.
func TestLongText(t *testing.T) {
	desc := longDescription()
	r := Classify("Long sample", desc)
	if r.Label != TechnologyManagement {
		t.Errorf("Classify(20,000 chars).Label = %q, want %q", r.Label, TechnologyManagement)
	}
}

// benchDescription is about 2 KB of realistic mixed evidence.
func benchDescription() (string, string) {
	d := "I ran a smart-metering programme for a water utility. I wrote the business case and the data platform strategy for how " +
		"meter reads would feed billing and leak analytics, and I chaired the data governance board with finance, IT and compliance. " +
		"I was also accountable for the field installation of 40,000 meters: the installation contractor's work packages, the quality " +
		"inspection regime, and the risk register covering installation defects and safety incidents. We did not run a separate " +
		"vendor evaluation for the meters; procurement had already chosen the supplier before I joined. Every month I reported " +
		"adoption by each business unit and the installation schedule to the executive committee, and I set up the quarterly " +
		"governance review that checks how analytics use cases are approved. "
	for len(d) < 2048 {
		d += d
	}
	return "Smart metering programme – water utility", d[:2048]
}

func longDescription() string {
	return strings.Repeat("I led the vendor evaluation and wrote the adoption plan; the engineers ran the design reviews. ", 220)[:20000]
}

// BenchmarkClassifyLong guards against super-linear behaviour on the
// longest descriptions.
func BenchmarkClassifyLong(b *testing.B) {
	desc := longDescription()
	b.SetBytes(int64(len(desc)))
	for b.Loop() {
		Classify("Long sample", desc)
	}
}

func BenchmarkClassify(b *testing.B) {
	title, desc := benchDescription()
	b.SetBytes(int64(len(title) + len(desc)))
	b.ReportAllocs()
	for b.Loop() {
		Classify(title, desc)
	}
}
