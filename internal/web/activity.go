package web

import (
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/casework"
)

// activityShown is how many events the case page's timeline lists.
const activityShown = 50

// activityRow is one event of a case's timeline, in words.
type activityRow struct {
	At   time.Time
	Who  string
	What string
}

// activityRows turns a case's audit trail into sentences: who did what,
// with the statuses, labels and programmes changed in words. The trail
// holds no personal text, so neither does the timeline.
func activityRows(h casework.CaseHistory) []activityRow {
	out := make([]activityRow, 0, len(h.Events))
	for _, e := range h.Events {
		out = append(out, activityRow{At: e.At, Who: activityWho(e, h), What: activityWhat(e, h)})
	}
	return out
}

func activityWho(e advising.AuditEvent, h casework.CaseHistory) string {
	switch {
	case e.ActorID == nil:
		return "The system"
	case *e.ActorID == h.ApplicantID:
		return "The applicant"
	case h.Names[*e.ActorID] != "":
		return h.Names[*e.ActorID]
	case e.ActorRole != nil && *e.ActorRole == advising.RoleAdmin:
		return "An admin"
	}
	return "An advisor"
}

// activityWords are the events whose sentence needs no detail.
var activityWords = map[string]string{
	"user.registered":              "Registered and opened the case",
	"case.opened":                  "Case opened",
	"case.unassigned":              "Took the case off its advisor",
	"case.updated":                 "Changed the follow-up date",
	"case.backdated":               "Adjusted the case's dates",
	"profile.updated":              "Updated the profile",
	"work_sample.created":          "Added a work sample",
	"work_sample.updated":          "Edited a work sample",
	"work_sample.deleted":          "Deleted a work sample",
	"work_sample.override_removed": "Removed a label override",
	"note.created":                 "Added a note",
	"note.updated":                 "Edited a note",
	"note.deleted":                 "Deleted a note",
}

func activityWhat(e advising.AuditEvent, h casework.CaseHistory) string {
	ch := map[string]advising.FieldChange{}
	for _, c := range e.Changes {
		ch[c.Field] = c
	}
	val := func(field string, words func(string) string) (string, string) {
		c := ch[field]
		var o, n string
		if c.Old != nil {
			o = words(*c.Old)
		}
		if c.New != nil {
			n = words(*c.New)
		}
		return o, n
	}
	status := func(s string) string { return strings.ToLower(statusWords[advising.Status(s)]) }
	label := func(s string) string { return strings.ToLower(labelWords[advising.Label(s)]) }
	switch e.Action {
	case "case.assigned":
		if _, n := val("advisor_id", func(id string) string { return h.Names[id] }); n != "" {
			return "Assigned the case to " + n
		}
		return "Assigned the case to an advisor"
	case "case.status_changed":
		o, n := val("status", status)
		if o != "" && n != "" {
			return "Changed the status from " + o + " to " + n
		}
		return "Changed the status"
	case "case.recommended":
		_, p := val("pathway", func(s string) string { return pathwayWords[advising.Pathway(s)] })
		return "Recommended " + p
	case "work_sample.override_set":
		if o, n := val("effective_label", label); o != "" && n != "" {
			return "Overrode a label: " + o + " to " + n
		}
		return "Overrode a label"
	case "work_sample.reclassified":
		if o, n := val("label", label); o != "" && n != "" {
			return "Classified a work sample again: " + o + " to " + n
		}
		return "Classified a work sample again"
	}
	if w, ok := activityWords[e.Action]; ok {
		return w
	}
	return humanize(strings.ReplaceAll(e.Action, ".", " "))
}
