package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// The benchmark office's shape per case (issue 4); the number of cases and
// advisors are flags. The floors seed 10,000 cases and 5 advisors.
const (
	benchSamplesPerCase = 3
	benchNotesPerCase   = 2
	// benchChunk is how many cases go into the database per transaction, so
	// an office of any size is generated and inserted in bounded memory.
	benchChunk = 5000
	// benchRareName is the surname of one applicant in a thousand of the
	// measured advisor's: the search the benchmark measures matches a few
	// cases of a caseload of any size, and must look through all of it.
	benchRareName  = "Quennell"
	benchRareEvery = 1000
)

// benchOffice is the generated office's accounts and the records the load
// needs; its cases come in chunks from next.
type benchOffice struct {
	admin      advising.User
	advisors   []advising.User
	focus      advising.User // the first advisor, whose caseload is measured
	focusCases []string      // their case IDs

	r         *rand.Rand
	now       time.Time
	hash      string
	cases     int // cases to generate
	done      int // cases generated so far
	thisMonth time.Time
}

// Text fragments for work samples and notes: plausible office text, so
// rows have realistic sizes, not a real corpus.
var (
	benchFirstNames = []string{"Amara", "Wei", "Lucía", "Tomasz", "Priya", "Kwame", "Ingrid", "Hiroshi", "Fatima", "Mateo",
		"Chloé", "Oluwaseun", "Sven", "Mei", "Rahul", "Zainab", "Jonas", "Aiko", "Diego", "Nadia"}
	benchLastNames = []string{"Okafor", "Chen", "García", "Kowalski", "Sharma", "Mensah", "Larsen", "Tanaka", "Haddad", "Rossi",
		"Dubois", "Adeyemi", "Nilsson", "Wong", "Gupta", "Bello", "Schmidt", "Sato", "Fernández", "Petrova"}
	benchSampleText = map[advising.Label]struct {
		titles, sentences, deliverables, tm, em []string
		rationale                               string
	}{
		advising.LabelTechnologyManagement: {
			titles: []string{"Three-year cloud data roadmap", "Business case for a claims analytics platform",
				"Governance model for enterprise AI tools", "Vendor evaluation for a core banking upgrade"},
			sentences: []string{"I led the technology roadmap for moving policy administration onto a shared data platform.",
				"I ran workshops with finance, compliance and operations to rank the capabilities we needed.",
				"I wrote the business case that the executive committee approved, with a five-year cost model.",
				"I set up the quarterly governance review that tracks adoption in each business unit.",
				"I compared four vendors against weighted criteria and negotiated the pilot terms.",
				"I defined the data ownership policy and trained the stewards in each department."},
			deliverables: []string{"technology_roadmap", "business_case", "governance_model", "vendor_evaluation", "adoption_plan"},
			tm:           []string{"technology roadmap", "business case", "adoption governance"},
			rationale:    "The author owned organisational technology deliverables: a roadmap, a business case and adoption governance.",
		},
		advising.LabelEngineeringManagement: {
			titles: []string{"Design review records for a terminal extension", "Quality plan for a substation upgrade",
				"Cost-schedule analysis for a rail signalling package", "Commissioning handover for a water treatment works"},
			sentences: []string{"As engineering lead I chaired the design review cycle with the supplier and the fire engineer.",
				"I kept the design review records and chased every action to close-out before the 90% package.",
				"I wrote the quality plan, set the inspection and test points and ran the monthly audits.",
				"I rebuilt the cost-schedule baseline after the ground survey and reported variance each month.",
				"I managed the risk register for technical delivery and the weekly interface meetings.",
				"I signed off the operational handover documents with the client's maintenance team."},
			deliverables: []string{"design_review", "quality_plan", "cost_schedule_analysis", "risk_register", "handover_plan"},
			em:           []string{"design review records", "quality plan", "cost-schedule control"},
			rationale:    "The author was accountable for controlled technical delivery: design reviews, quality and schedule control.",
		},
		advising.LabelHybrid: {
			titles: []string{"Terminal operating system replacement and crane retrofit", "Smart metering rollout programme",
				"Hospital equipment tracking programme"},
			sentences: []string{"I was programme manager for replacing the operating system and, in the same programme, retrofitting the cranes.",
				"On the software side I owned the roadmap, the business case and the adoption plan for each site.",
				"On the physical side I chaired the design reviews and kept the commissioning plan and the risk register.",
				"I reported to both the IT steering group and the engineering board every month.",
				"I negotiated the vendor contracts and signed off the acceptance tests on site."},
			deliverables: []string{"project_execution_plan", "adoption_plan", "other"},
			tm:           []string{"business case", "adoption plan"},
			em:           []string{"design reviews", "commissioning plan"},
			rationale:    "The sample shows substantial evidence of both technology management and engineering management.",
		},
		advising.LabelInsufficientEvidence: {
			titles: []string{"Python scripts for report automation", "My work at the company", "Internship summary"},
			sentences: []string{"I wrote scripts that pull the weekly figures from the database and format the report.",
				"I worked on several projects and helped the team with many tasks.",
				"I learned a lot about the industry and improved my technical skills.",
				"I fixed bugs in the internal tools and answered questions from colleagues."},
			deliverables: []string{"other"},
			rationale:    "The sample describes individual technical work without management accountability.",
		},
	}
	benchNoteBodies = []string{
		"Called the applicant; transcripts arrive next week.",
		"Applicant asked about part-time study and the blended option; sent the programme comparison.",
		"Reviewed the three work samples. The roadmap sample is strong; asked for a design review example to check the hybrid reading.",
		"Reminder: the screening window opens soon for this intake. Follow up on the reference letters.",
		"Met on video. Clear interest in technology management, but the evidence so far leans towards delivery work.",
	}
)

// newBenchOffice prepares an office of cases cases and advisors advisors
// for the instant now. Every user shares passwordHash (one bcrypt hash,
// computed once). The generator is seeded, so the same office comes out
// every time apart from IDs and times. Case i belongs to the focus advisor
// when i is a multiple of advisors (a fifth of the office with 5 advisors);
// of the others, one in ten is unassigned and the rest go to the other
// advisors in turn.
func newBenchOffice(now time.Time, passwordHash string, cases, advisors int) *benchOffice {
	now = now.UTC().Truncate(time.Microsecond)
	o := &benchOffice{r: rand.New(rand.NewPCG(4, 2026)), now: now, hash: passwordHash, cases: cases,
		thisMonth: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)}
	opened := now.Add(-720 * 24 * time.Hour)
	o.admin = o.user(advising.RoleAdmin, "admin@bench.example", "Office Admin", opened)
	o.advisors = make([]advising.User, advisors)
	for i := range o.advisors {
		name := fmt.Sprintf("%s %s", benchFirstNames[i%len(benchFirstNames)], benchLastNames[len(benchLastNames)-1-i%len(benchLastNames)])
		if i >= len(benchFirstNames) {
			name += fmt.Sprintf(" %d", i/len(benchFirstNames)+1)
		}
		o.advisors[i] = o.user(advising.RoleAdvisor, fmt.Sprintf("advisor%d@bench.example", i+1), name, opened)
	}
	o.focus = o.advisors[0]
	return o
}

func (o *benchOffice) user(role advising.Role, email, name string, created time.Time) advising.User {
	return advising.User{ID: store.NewID(), Email: email, FullName: name, Role: role,
		PasswordHash: o.hash, CreatedAt: created, UpdatedAt: created}
}

func (o *benchOffice) between(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(o.r.Int64N(int64(to.Sub(from))))).Truncate(time.Microsecond)
}

// next returns the next chunk of the office (the staff accounts come with
// the first), or false when every case has been generated.
func (o *benchOffice) next() (store.Office, bool) {
	if o.done >= o.cases {
		return store.Office{}, false
	}
	r, now, between := o.r, o.now, o.between
	day := 24 * time.Hour
	n := min(benchChunk, o.cases-o.done)
	var off store.Office
	if o.done == 0 {
		off.Users = append(off.Users, o.admin)
		off.Users = append(off.Users, o.advisors...)
	}
	off.Cases = make([]advising.Case, 0, n)
	off.WorkSamples = make([]advising.WorkSample, 0, n*benchSamplesPerCase)
	off.Notes = make([]advising.Note, 0, n*benchNotesPerCase)
	advisors, nAdv := o.advisors, len(o.advisors)
	for i := o.done; i < o.done+n; i++ {
		name := benchFirstNames[r.IntN(len(benchFirstNames))] + " " + benchLastNames[r.IntN(len(benchLastNames))]
		if i%(benchRareEvery*nAdv) == 0 { // one in a thousand of the measured caseload
			name = benchFirstNames[i/benchRareEvery%len(benchFirstNames)] + " " + benchRareName
		}
		created := between(now.Add(-400*day), now.Add(-5*day))
		app := o.user(advising.RoleApplicant, fmt.Sprintf("applicant%05d@bench.example", i+1), name, created)
		off.Users = append(off.Users, app)

		var advisor *advising.User
		switch {
		case i%nAdv == 0:
			advisor = &advisors[0]
		case (i/nAdv)%10 != 9:
			advisor = &advisors[i%nAdv]
		}
		status := advising.Statuses[(i/nAdv)%len(advising.Statuses)]
		if advisor == nil {
			status = advising.StatusNew // unassigned cases have not started
		}
		statusChanged := between(created, now)
		c := advising.Case{ID: store.NewID(), ApplicantID: app.ID, Status: status, StatusChangedAt: statusChanged,
			Version: 1 + r.IntN(6), CreatedAt: created, UpdatedAt: between(statusChanged, now),
			Applicant: advising.ApplicantRef{ID: app.ID, FullName: app.FullName, Email: app.Email},
			Profile:   benchProfile(r, o.thisMonth, created)}
		if advisor != nil {
			c.Advisor = &advising.UserRef{ID: advisor.ID, FullName: advisor.FullName}
			if status != advising.StatusClosed && r.IntN(10) < 6 {
				t := between(now.Add(-30*day), now.Add(45*day))
				c.NextFollowUpAt = &t
			}
		}

		for range benchSamplesPerCase {
			w := benchWorkSample(r, app.ID, c.ID, between(created, now))
			if advisor != nil && r.IntN(50) == 0 {
				w.Override = &advising.Override{Label: advising.LabelHybrid, By: advisor.ID,
					Reason: "Both sides are substantial once the attachments are read.", At: between(w.CreatedAt, now)}
			}
			off.WorkSamples = append(off.WorkSamples, w)
			c.Evidence.WorkSamples++
			switch w.EffectiveLabel() {
			case advising.LabelTechnologyManagement:
				c.Evidence.TechnologyManagement++
			case advising.LabelEngineeringManagement:
				c.Evidence.EngineeringManagement++
			case advising.LabelHybrid:
				c.Evidence.Hybrid++
			default:
				c.Evidence.InsufficientEvidence++
			}
		}
		if status == advising.StatusRecommended || (status == advising.StatusClosed && r.IntN(2) == 0) {
			p := c.Evidence.SuggestedPathway()
			if p == advising.PathwayInsufficientEvidence {
				p = advising.PathwayHybridSyllabusReview
			}
			c.Recommendation = &advising.Recommendation{Pathway: p, DecidedBy: advisor.ID, DecidedAt: statusChanged,
				Rationale: "The work samples and the interview support this pathway; see the notes for the details."}
		}

		author := o.admin
		if advisor != nil {
			author = *advisor
		}
		for j := range benchNotesPerCase {
			at := between(created, now)
			vis := advising.VisibilityPrivate
			if (i+j)%3 == 0 {
				vis = advising.VisibilityShared
			}
			off.Notes = append(off.Notes, advising.Note{ID: store.NewID(), CaseID: c.ID,
				Author: advising.UserRef{ID: author.ID, FullName: author.FullName},
				Body:   benchNoteBodies[r.IntN(len(benchNoteBodies))], Visibility: vis, CreatedAt: at, UpdatedAt: at})
		}
		if advisor == &advisors[0] {
			o.focusCases = append(o.focusCases, c.ID)
		}
		off.Cases = append(off.Cases, c)
	}
	o.done += n
	return off, true
}

// benchProfile returns a filled-in profile whose experience, interest and
// target intake vary, so that every flag occurs.
func benchProfile(r *rand.Rand, thisMonth, updated time.Time) advising.Profile {
	pick := func(xs []string) *string {
		if r.IntN(10) == 0 {
			return nil // left blank
		}
		v := xs[r.IntN(len(xs))]
		return &v
	}
	var p advising.Profile
	if r.IntN(10) != 0 {
		y := r.IntN(21)
		p.YearsExperience = &y
	}
	p.Sector = pick(advising.Sectors)
	p.ProgrammeInterest = pick(advising.ProgrammeInterests)
	p.StudyMode = pick(advising.StudyModes)
	p.Responsibilities = []string{"budget", "team_leadership", "vendor_management"}[:r.IntN(4)]
	role := "Head of digital delivery"
	p.TargetRole = &role
	if r.IntN(10) != 0 {
		intake := thisMonth.AddDate(0, r.IntN(22)-3, 0).Format("2006-01")
		p.TargetIntake = &intake
	}
	if r.IntN(2) == 0 {
		score := func() *int { v := 1 + r.IntN(5); return &v }
		p.SelfAssessment = &advising.SelfAssessment{StrategicThinking: score(), ProblemSolving: score(),
			Communication: score(), TeamBuilding: score(), Adaptability: score(), EthicalDataDrivenDecisionMaking: score()}
	}
	p.UpdatedAt = updated
	return p
}

// benchWorkSample returns a classified text sample of 300 to 800 characters.
// The classification is a fixed one per label (classifier version "bench"):
// the benchmark measures the API, not the classifier.
func benchWorkSample(r *rand.Rand, applicantID, caseID string, at time.Time) advising.WorkSample {
	labels := []advising.Label{advising.LabelTechnologyManagement, advising.LabelTechnologyManagement,
		advising.LabelEngineeringManagement, advising.LabelEngineeringManagement, advising.LabelHybrid,
		advising.LabelInsufficientEvidence}
	label := labels[r.IntN(len(labels))]
	t := benchSampleText[label]
	var b strings.Builder
	want := 300 + r.IntN(501)
	for b.Len() < want {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.sentences[r.IntN(len(t.sentences))])
	}
	desc := b.String()
	if len(desc) > 800 {
		desc = strings.TrimSpace(desc[:strings.LastIndexByte(desc[:800], ' ')])
	}
	return advising.WorkSample{ID: store.NewID(), ApplicantID: applicantID, CaseID: caseID,
		Title: t.titles[r.IntN(len(t.titles))], Description: desc, Source: "text",
		Classification: advising.Classification{Label: label, DeliverableType: t.deliverables[r.IntN(len(t.deliverables))],
			TechnologyManagement: t.tm, EngineeringManagement: t.em, Rationale: t.rationale, Version: "bench"},
		CreatedAt: at, UpdatedAt: at}
}
