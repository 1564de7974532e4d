package advising

// Guidance is what an applicant is told about their evidence as a whole:
// which kind of accountability it shows and what is still missing for a
// confident reading (DOMAIN.md's method, steps 3 to 5). It is plain
// sentences from the effective labels and the applicant's own profile,
// never a score and never anything an advisor wrote.
type Guidance struct {
	Summary   string
	NextSteps []string
}

// The deliverables that count as evidence on each side, in the office's
// framework's words, for the sentences that ask for more.
const (
	tmExamples = "a technology roadmap, a business case, an adoption plan, a governance model or a vendor evaluation"
	emExamples = "a design review record, a project execution plan, a test plan, a quality report or an operational handover document"
)

// GuidanceFor reads the effective labels of all of an applicant's work
// samples, counted in e, together with their stated programme interest
// (nil, "undecided" or a programme). Each rule adds at most one step.
func GuidanceFor(e Evidence, programmeInterest *string) Guidance {
	tm, em, hy, weak := e.TechnologyManagement, e.EngineeringManagement, e.Hybrid, e.InsufficientEvidence
	owned := tm + em + hy
	pathway := e.SuggestedPathway()
	interest := Pathway("")
	if programmeInterest != nil {
		interest = Pathway(*programmeInterest)
	}
	var g Guidance
	step := func(s string) { g.NextSteps = append(g.NextSteps, s) }

	switch {
	case e.WorkSamples == 0:
		g.Summary = "You have not added any work samples yet, so there is no evidence to read. " +
			"The office reads two or three pieces of work you were accountable for before it suggests a programme."
	case owned == 0:
		g.Summary = "None of your samples shows yet what you were accountable for: each reads as too short, too general, " +
			"or individual technical work without management responsibility."
	case pathway == PathwayTechnologyManagement:
		g.Summary = "Your samples show technology management accountability: you were responsible for how an organisation " +
			"chooses, governs and adopts technology."
	case pathway == PathwayEngineeringManagement:
		g.Summary = "Your samples show engineering management accountability: you were responsible for controlled technical " +
			"delivery, from design and quality through to handover."
	case pathway == PathwayHybridSyllabusReview:
		g.Summary = "Your samples show accountability on both sides, technology management and engineering management, " +
			"so the framework alone cannot settle which programme fits; an advisor reads both syllabi against your work."
	default: // one owned sample: say which side it is on, and that it is not enough
		side := "on both sides"
		switch {
		case tm > 0:
			side = "on the technology management side"
		case em > 0:
			side = "on the engineering management side"
		}
		g.Summary = "So far one of your samples shows work you were accountable for, " + side + ". " +
			"That is a start, but not enough for a confident reading."
	}

	// Step 3 of the method: two or three samples of actual accountability.
	if owned < 2 {
		if e.WorkSamples == 0 {
			step("Add two or three work samples that show what you were accountable for; your last three substantial pieces of work are a good start.")
		} else {
			step("Add another work sample that shows something you were accountable for, not only took part in; " +
				"your last three substantial pieces of work are a good start.")
		}
	}
	if weak > 0 && e.WorkSamples > 0 {
		step("Some of your samples read as too short, too general or individual technical work. Say what you decided or delivered, " +
			"who relied on it and what you answered for, or replace them with work you owned.")
	}

	// Nothing owned on the side the applicant wants to study.
	switch {
	case interest == PathwayTechnologyManagement && tm+hy == 0 && e.WorkSamples > 0:
		step("You are interested in Technology Management, but none of your samples shows work you owned on that side, such as " +
			tmExamples + ". Add one if you have it.")
	case interest == PathwayEngineeringManagement && em+hy == 0 && e.WorkSamples > 0:
		step("You are interested in Engineering Management, but none of your samples shows work you owned on the engineering side, such as " +
			emExamples + ". Add one if you have it.")
	}

	// A hybrid reading needs each side shown on its own.
	if pathway == PathwayHybridSyllabusReview {
		if tm == 0 {
			step("For a hybrid reading, show the technology management side on its own too: a sample where you owned " + tmExamples + ".")
		}
		if em == 0 {
			step("For a hybrid reading, show the engineering side on its own too: a sample where you owned " + emExamples + ".")
		}
		step("Compare your samples with the module descriptions, assessment formats and capstone expectations of both programmes, " +
			"and note which of them strengthens the work you want to do next.")
	}

	// Interest and evidence pointing different ways (step 5).
	switch {
	case (interest == PathwayTechnologyManagement && pathway == PathwayEngineeringManagement) ||
		(interest == PathwayEngineeringManagement && pathway == PathwayTechnologyManagement):
		step("Your stated interest is " + programmeName(interest) + ", but your evidence so far points to " + programmeName(pathway) +
			". Ask whether the programme strengthens the work you want to do next, not only the work you do now, " +
			"and add samples of the work you are moving towards; your advisor will talk it through with you.")
	case (interest == "" || interest == "undecided") && (pathway == PathwayTechnologyManagement || pathway == PathwayEngineeringManagement):
		step("You have not chosen a programme yet, and your evidence so far points to " + programmeName(pathway) +
			". Check that it strengthens the work you want to do next, and record your interest in your profile once you know it.")
	case interest == pathway && interest != "":
		step("Your evidence and your stated interest point the same way. Compare your samples with " + programmeName(pathway) +
			"'s module descriptions, assessment formats and capstone expectations, and check that it strengthens the work you want to do next.")
	}
	if g.NextSteps == nil {
		g.NextSteps = []string{}
	}
	return g
}

// programmeName is a programme's name as applicants read it.
func programmeName(p Pathway) string {
	switch p {
	case PathwayTechnologyManagement:
		return "Technology Management"
	case PathwayEngineeringManagement:
		return "Engineering Management"
	}
	return string(p)
}
