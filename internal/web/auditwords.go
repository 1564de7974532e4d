package web

import (
	"strings"

	"advising/internal/advising"
	"advising/internal/casework"
)

// The audit trail in words: what each action means, and each recorded
// change as "Field: old → new" with statuses, labels and people named as
// the pages name them. No record ID is shown to a person.

// auditActions are the actions the audit filter offers, in the order a
// person looks for them, with their words.
var auditActions = []struct{ Action, Words string }{
	{"case.assigned", "Case assigned"},
	{"case.unassigned", "Case unassigned"},
	{"case.status_changed", "Status changed"},
	{"case.updated", "Follow-up date changed"},
	{"case.recommended", "Case recommended"},
	{"note.created", "Note created"},
	{"note.updated", "Note edited"},
	{"note.deleted", "Note deleted"},
	{"work_sample.created", "Work sample added"},
	{"work_sample.updated", "Work sample revised"},
	{"work_sample.deleted", "Work sample deleted"},
	{"work_sample.override_set", "Label overridden"},
	{"work_sample.override_removed", "Override removed"},
	{"work_sample.reclassified", "Work sample reclassified"},
	{"work_samples.reclassified", "Classifier run over every sample"},
	{"profile.updated", "Profile updated"},
	{"user.registered", "Applicant registered"},
	{"case.opened", "Case opened"},
	{"case.backdated", "Status date backdated"},
	{"user.created", "Account created"},
	{"user.updated", "Account changed"},
	{"user.password_changed", "Password changed"},
	{"user.bootstrapped", "First admin created"},
	{"applicant.erased", "Applicant erased"},
	{"audit.exported", "Audit trail exported"},
	{"audit.purged", "Old audit events purged"},
	{"insights.overrides_exported", "Overridden samples exported"},
}

var actionWords = func() map[string]string {
	m := make(map[string]string, len(auditActions))
	for _, a := range auditActions {
		m[a.Action] = a.Words
	}
	return m
}()

// actionText is an action in words; one the list does not know yet is its
// code made readable.
func actionText(action string) string {
	if w, ok := actionWords[action]; ok {
		return w
	}
	return humanize(strings.NewReplacer(".", " ", "_", " ").Replace(action))
}

// entityWords name the kind of record an event is about.
var entityWords = map[string]string{
	"case": "Case", "note": "Note", "work_sample": "Work sample", "profile": "Profile", "user": "Account",
	"classifier": "Classifier", "audit_trail": "Audit trail", "insights": "Insights",
}

// changeFields name the fields an event records.
var changeFields = map[string]string{
	"status":          "Status",
	"advisor_id":      "Advisor",
	"label":           "Automatic label",
	"effective_label": "Label",
	"borderline":      "Close to another label",
	"pathway":         "Pathway",
	"visibility":      "Visibility",
	"filter_case_id":  "Filtered by case",
	"filter_actor_id": "Filtered by person",
	"filter_action":   "Filtered by action",
}

// changeText is one recorded change in words, e.g. "Status: New →
// Collecting evidence" or "Advisor: none → Dana Reyes".
func changeText(ch advising.FieldChange, names casework.AuditNames) string {
	field, ok := changeFields[ch.Field]
	if !ok {
		field = humanize(ch.Field)
	}
	if ch.Old == nil {
		return field + ": " + changeValue(ch.Field, ch.New, names)
	}
	return field + ": " + changeValue(ch.Field, ch.Old, names) + " → " + changeValue(ch.Field, ch.New, names)
}

// changeValue is one side of a change in words.
func changeValue(field string, v *string, names casework.AuditNames) string {
	if v == nil || *v == "" {
		return "none"
	}
	s := *v
	switch field {
	case "status":
		if w, ok := statusWords[advising.Status(s)]; ok {
			return w
		}
	case "label", "effective_label":
		if w, ok := labelWords[advising.Label(s)]; ok {
			return w
		}
	case "pathway":
		if w, ok := pathwayWords[advising.Pathway(s)]; ok {
			return w
		}
	case "borderline":
		return map[string]string{"true": "yes", "false": "no"}[s]
	case "visibility":
		return map[string]string{"private": "Private (office only)", "shared": "Shared with the applicant"}[s]
	case "advisor_id", "filter_actor_id":
		if n, ok := names.People[s]; ok {
			return n
		}
		return "a removed account"
	case "filter_case_id":
		if ref, ok := names.Cases[s]; ok {
			return "the case of " + ref.FullName
		}
		return "an erased case"
	case "filter_action":
		return actionText(s)
	}
	return humanize(s)
}
