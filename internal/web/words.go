package web

import (
	"regexp"
	"strings"

	"advising/internal/advising"
)

// The domain's codes in words. Pages never show a raw code to a person.

var statusWords = map[advising.Status]string{
	advising.StatusNew:                "New",
	advising.StatusEvidenceCollection: "Collecting evidence",
	advising.StatusUnderReview:        "Under review",
	advising.StatusRecommended:        "Recommended",
	advising.StatusClosed:             "Closed",
}

// flagNames are short names for filters and badges.
var flagNames = map[advising.Flag]string{
	advising.FlagInsufficientEvidence:       "Insufficient evidence",
	advising.FlagInterestEvidenceMismatch:   "Interest and evidence disagree",
	advising.FlagHybridEvidence:             "Hybrid evidence",
	advising.FlagLimitedTrackRecord:         "Limited track record",
	advising.FlagScreeningWindowOpen:        "Screening window open",
	advising.FlagScreeningWindowApproaching: "Screening window approaching",
	advising.FlagStalledEvidenceCollection:  "Stalled",
	advising.FlagFollowUpOverdue:            "Follow-up overdue",
	advising.FlagUnassigned:                 "Unassigned",
	advising.FlagClassificationReview:       "Label needs a reading",
}

// flagSentences explain each flag the way the office's guidance puts it.
var flagSentences = map[advising.Flag]string{
	advising.FlagInsufficientEvidence:       "Fewer than two work samples show management accountability yet.",
	advising.FlagInterestEvidenceMismatch:   "The programme the applicant wants is not the one their evidence points to.",
	advising.FlagHybridEvidence:             "The evidence draws on both programmes; it needs a syllabus-level reading.",
	advising.FlagLimitedTrackRecord:         "Under three years of experience; career transitions usually need three to five.",
	advising.FlagScreeningWindowOpen:        "Screening for the target intake may already be open (it opens nine months before).",
	advising.FlagScreeningWindowApproaching: "Screening for the target intake opens within 30 days.",
	advising.FlagStalledEvidenceCollection:  "Still collecting evidence after six weeks.",
	advising.FlagFollowUpOverdue:            "The follow-up date has passed.",
	advising.FlagUnassigned:                 "No advisor is assigned yet.",
	advising.FlagClassificationReview:       "Another label was close for a work sample; read it and confirm or override the label.",
}

var labelWords = map[advising.Label]string{
	advising.LabelTechnologyManagement:  "Technology management",
	advising.LabelEngineeringManagement: "Engineering management",
	advising.LabelHybrid:                "Hybrid",
	advising.LabelInsufficientEvidence:  "Insufficient evidence",
}

var allLabels = []advising.Label{advising.LabelTechnologyManagement, advising.LabelEngineeringManagement,
	advising.LabelHybrid, advising.LabelInsufficientEvidence}

var pathwayWords = map[advising.Pathway]string{
	advising.PathwayTechnologyManagement:  "Technology Management",
	advising.PathwayEngineeringManagement: "Engineering Management",
	advising.PathwayHybridSyllabusReview:  "Hybrid: syllabus-level review",
	advising.PathwayInsufficientEvidence:  "Not enough evidence yet",
}

// recommendPathways are the pathways an advisor may recommend.
var recommendPathways = []advising.Pathway{advising.PathwayTechnologyManagement,
	advising.PathwayEngineeringManagement, advising.PathwayHybridSyllabusReview}

// notices are the messages a page shows after a form succeeded, chosen by
// the ?done= value of the redirect. Only these fixed sentences are shown.
var notices = map[string]string{
	"signed-out":       "You have signed out.",
	"registered":       "Welcome. Your account is ready and your case is open.",
	"profile":          "Your profile has been saved.",
	"sample":           "Your work sample has been added and classified.",
	"sample-deleted":   "The work sample has been deleted.",
	"sample-updated":   "Your work sample has been changed and classified again.",
	"note":             "The note has been added.",
	"note-deleted":     "The note has been deleted.",
	"note-updated":     "The note has been saved.",
	"status":           "The case status has been changed.",
	"follow-up":        "The follow-up date has been saved.",
	"recommended":      "The recommendation has been recorded.",
	"override":         "The label has been overridden.",
	"override-gone":    "The override has been removed; the automatic label applies again.",
	"assigned":         "The case has been assigned.",
	"view-saved":       "The view has been saved; it is listed above the filters.",
	"view-deleted":     "The saved view has been deleted.",
	"advisor":          "The advisor account has been created.",
	"disabled":         "The account has been disabled; its sessions have ended.",
	"enabled":          "The account has been enabled.",
	"erased":           "Your account and everything the office held about you have been erased.",
	"applicant-erased": "The applicant and everything the office held about them have been erased.",
}

// codeToken finds snake_case words in a sentence: the form every code of
// the domain takes (technology_management, under_review, part_time).
var codeToken = regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`)

// codeWords are the words for every multi-word code a message can name.
// Pathways and programmes are proper names; the rest read mid-sentence.
var codeWords = func() map[string]string {
	m := map[string]string{}
	for _, s := range advising.Sectors {
		m[s] = strings.ToLower(humanize(s))
	}
	for _, s := range advising.StudyModes {
		m[s] = strings.ToLower(humanize(s))
	}
	for f, w := range flagNames {
		m[string(f)] = strings.ToLower(w)
	}
	for st, w := range statusWords {
		m[string(st)] = strings.ToLower(w)
	}
	for l, w := range labelWords {
		m[string(l)] = strings.ToLower(w)
	}
	for p, w := range pathwayWords { // last: the programmes' names win
		m[string(p)] = w
	}
	m["hybrid_syllabus_review"] = "Hybrid (syllabus-level review)"
	return m
}()

// plainWords replaces the domain's codes in a message with words:
// "must be one of: technology_management, engineering_management" reads
// "must be one of: Technology Management, Engineering Management". Only
// known codes change, so nothing else in the message is touched.
func plainWords(msg string) string {
	return codeToken.ReplaceAllStringFunc(msg, func(tok string) string {
		if w, ok := codeWords[tok]; ok {
			return w
		}
		return tok
	})
}
