package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/casework"
	"advising/seeds"
)

// seedIfEmpty loads the demo office into an empty development database.
func (a *app) seedIfEmpty(ctx context.Context) error {
	empty, err := a.cw.OfficeIsEmpty(ctx)
	if err != nil || !empty {
		return err
	}
	err = a.seed(ctx)
	if errors.Is(err, errSeededElsewhere) {
		// Development instances started together on one empty database:
		// one loads the demo office, the others serve it.
		a.log.Info("demo office loaded by another instance")
		return nil
	}
	return err
}

// errSeededElsewhere is loadOffice's answer when another instance created
// the demo admin first, and so is loading the same office.
var errSeededElsewhere = errors.New("another instance is loading the demo office into this database")

// seed loads the demo office through the same use cases the API runs, so
// demo data obeys every rule real data does. It refuses a database that
// already has accounts and never runs in production.
func (a *app) seed(ctx context.Context) error {
	if a.cfg.Production() {
		return fmt.Errorf("the demo office is never loaded in production (ADVISING_ENV=production)")
	}
	empty, err := a.cw.OfficeIsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database already has accounts; seed only loads into an empty database")
	}
	o, err := seeds.Demo()
	if err != nil {
		return err
	}
	if err := loadOffice(ctx, a.cw, o); err != nil {
		return fmt.Errorf("load demo office: %w", err)
	}
	emails := []string{o.Admin.Email + " (admin)"}
	for _, p := range o.Advisors {
		emails = append(emails, p.Email+" (advisor)")
	}
	for _, p := range o.Applicants {
		emails = append(emails, p.Email+" (applicant)")
	}
	// The demo password is public fixture data from seeds/, not a secret.
	a.log.Info("demo office loaded", "logins", strings.Join(emails, ", "), "demo_password", o.Password)
	return nil
}

// loadOffice creates the demo accounts and their cases, with each
// applicant's evidence.
func loadOffice(ctx context.Context, cw *casework.Service, o seeds.Office) error {
	created, err := cw.BootstrapAdmin(ctx, o.Admin.Email, o.Password, o.Admin.FullName)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	if !created {
		return errSeededElsewhere
	}
	s, err := cw.Login(ctx, "", o.Admin.Email, o.Password)
	if err != nil {
		return fmt.Errorf("admin login: %w", err)
	}
	admin := advising.Actor{UserID: s.User.ID, Role: advising.RoleAdmin, FullName: s.User.FullName}
	advisors := map[string]advising.User{}
	for _, p := range o.Advisors {
		u, err := cw.CreateUser(ctx, admin, casework.NewStaff{Role: advising.RoleAdvisor,
			NewAccount: casework.NewAccount{Email: p.Email, Password: o.Password, FullName: p.FullName}})
		if err != nil {
			return fmt.Errorf("advisor %s: %w", p.Email, err)
		}
		advisors[p.Email] = u
	}
	for _, p := range o.Applicants {
		s, err := cw.Register(ctx, "", casework.NewAccount{Email: p.Email, Password: o.Password, FullName: p.FullName})
		if err != nil {
			return fmt.Errorf("applicant %s: %w", p.Email, err)
		}
		me := advising.Actor{UserID: s.User.ID, Role: advising.RoleApplicant, FullName: s.User.FullName}
		if err := loadEvidence(ctx, cw, me, admin, p, time.Now()); err != nil {
			return fmt.Errorf("applicant %s: %w", p.Email, err)
		}
	}
	return loadCasework(ctx, cw, o, admin, advisors)
}

// seedProfile is the profile API's JSON shape, as seeds/ writes it.
type seedProfile struct {
	YearsExperience   *int     `json:"years_experience"`
	Sector            *string  `json:"sector"`
	Responsibilities  []string `json:"responsibilities"`
	TargetRole        *string  `json:"target_role"`
	ProgrammeInterest *string  `json:"programme_interest"`
	StudyMode         *string  `json:"study_mode"`
	TargetIntake      *string  `json:"target_intake"`
	SelfAssessment    *struct {
		StrategicThinking               *int `json:"strategic_thinking"`
		ProblemSolving                  *int `json:"problem_solving"`
		Communication                   *int `json:"communication"`
		TeamBuilding                    *int `json:"team_building"`
		Adaptability                    *int `json:"adaptability"`
		EthicalDataDrivenDecisionMaking *int `json:"ethical_data_driven_decision_making"`
	} `json:"self_assessment"`
}

// seedProfileOf reads a demo applicant's profile. intake_in_months, when
// set, replaces target_intake with the month that many months after now, so
// the demo's screening windows stay current. It reports false when the
// applicant has no profile to load.
func seedProfileOf(p seeds.Applicant, now time.Time) (advising.Profile, bool, error) {
	raw := bytes.TrimSpace(p.Profile)
	hasProfile := len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
	if !hasProfile && p.IntakeInMonths == nil {
		return advising.Profile{}, false, nil
	}
	var sp seedProfile
	if hasProfile {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields() // a misspelt field in the fixture should fail loudly
		if err := dec.Decode(&sp); err != nil {
			return advising.Profile{}, false, fmt.Errorf("read profile: %w", err)
		}
	}
	pr := advising.Profile{YearsExperience: sp.YearsExperience, Sector: sp.Sector, Responsibilities: sp.Responsibilities,
		TargetRole: sp.TargetRole, ProgrammeInterest: sp.ProgrammeInterest, StudyMode: sp.StudyMode, TargetIntake: sp.TargetIntake}
	if sa := sp.SelfAssessment; sa != nil {
		pr.SelfAssessment = &advising.SelfAssessment{StrategicThinking: sa.StrategicThinking, ProblemSolving: sa.ProblemSolving,
			Communication: sa.Communication, TeamBuilding: sa.TeamBuilding, Adaptability: sa.Adaptability,
			EthicalDataDrivenDecisionMaking: sa.EthicalDataDrivenDecisionMaking}
	}
	if n := p.IntakeInMonths; n != nil {
		// From the first of the month, so adding months never skips one.
		month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, *n, 0)
		intake := month.Format("2006-01")
		pr.TargetIntake = &intake
	}
	return pr, true, nil
}

// loadEvidence loads a demo applicant's profile, work samples and label
// overrides through the same use cases the API runs. Overrides are made by
// the admin, who may override on any case (assignment is loaded elsewhere).
func loadEvidence(ctx context.Context, cw *casework.Service, me, admin advising.Actor, p seeds.Applicant, now time.Time) error {
	pr, ok, err := seedProfileOf(p, now)
	if err != nil {
		return err
	}
	if ok {
		if _, err := cw.ReplaceProfile(ctx, me, me.UserID, pr); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	ids := make([]string, len(p.WorkSamples))
	for i, ws := range p.WorkSamples {
		w, err := cw.SubmitWorkSample(ctx, me, me.UserID, casework.NewWorkSample{Title: ws.Title, Description: ws.Description})
		if err != nil {
			return fmt.Errorf("work sample %d: %w", i, err)
		}
		ids[i] = w.ID
	}
	for _, o := range p.Overrides {
		if o.Sample < 0 || o.Sample >= len(ids) {
			return fmt.Errorf("override of work sample %d: the applicant has %d work samples", o.Sample, len(ids))
		}
		if _, err := cw.OverrideLabel(ctx, admin, ids[o.Sample], advising.Label(o.Label), o.Reason); err != nil {
			return fmt.Errorf("override of work sample %d: %w", o.Sample, err)
		}
	}
	return nil
}

// loadCasework gives each demo case its advisor, walks it along legal
// transitions to its status (recording its recommendation on the way from
// under_review), dates the status, and adds its follow-up and notes.
func loadCasework(ctx context.Context, cw *casework.Service, o seeds.Office, admin advising.Actor, advisors map[string]advising.User) error {
	now := time.Now().UTC()
	for _, p := range o.Applicants {
		if err := loadCase(ctx, cw, p, admin, advisors, now); err != nil {
			return fmt.Errorf("case of %s: %w", p.Email, err)
		}
	}
	return nil
}

func loadCase(ctx context.Context, cw *casework.Service, p seeds.Applicant, admin advising.Actor, advisors map[string]advising.User, now time.Time) error {
	page, err := cw.ListCases(ctx, admin, casework.CaseQuery{Q: p.Email, Limit: casework.MaxLimit})
	if err != nil {
		return err
	}
	caseID := ""
	for _, c := range page.Items {
		if c.Applicant.Email == advising.NormalizeEmail(p.Email) {
			caseID = c.ID
		}
	}
	if caseID == "" {
		return fmt.Errorf("no case found")
	}
	actor := admin
	if p.Advisor != "" {
		adv, ok := advisors[p.Advisor]
		if !ok {
			return fmt.Errorf("advisor %s is not in the demo office", p.Advisor)
		}
		if _, err := cw.AssignCase(ctx, admin, caseID, &adv.ID); err != nil {
			return fmt.Errorf("assign: %w", err)
		}
		actor = advising.Actor{UserID: adv.ID, Role: advising.RoleAdvisor, FullName: adv.FullName}
	}
	steps, err := statusPath(advising.Status(p.Status), p.Recommendation != nil)
	if err != nil {
		return err
	}
	for _, to := range steps {
		if to == advising.StatusRecommended {
			_, err = cw.Recommend(ctx, actor, caseID, advising.Pathway(p.Recommendation.Pathway), p.Recommendation.Rationale)
		} else {
			_, err = cw.UpdateCase(ctx, actor, caseID, casework.CaseUpdate{Status: &to}, nil)
		}
		if err != nil {
			return fmt.Errorf("move to %s: %w", to, err)
		}
	}
	if p.StatusDaysAgo > 0 {
		if err := cw.BackdateCaseStatus(ctx, admin, caseID, now.AddDate(0, 0, -p.StatusDaysAgo)); err != nil {
			return fmt.Errorf("date status: %w", err)
		}
	}
	if p.FollowUpInDays != nil {
		at := now.AddDate(0, 0, *p.FollowUpInDays)
		if *p.FollowUpInDays < 0 { // an overdue follow-up: the demo's past, which casework refuses to schedule
			err = cw.BackdateFollowUp(ctx, admin, caseID, at)
		} else {
			_, err = cw.UpdateCase(ctx, actor, caseID, casework.CaseUpdate{SetFollowUp: true, NextFollowUpAt: &at}, nil)
		}
		if err != nil {
			return fmt.Errorf("follow-up: %w", err)
		}
	}
	for _, n := range p.Notes {
		if _, err := cw.AddNote(ctx, actor, caseID, casework.NewNote{Body: n.Body, Visibility: advising.Visibility(n.Visibility)}); err != nil {
			return fmt.Errorf("note: %w", err)
		}
	}
	return nil
}

// statusPath lists the legal moves from new to status. A recommended case,
// and a closed one with a recommendation, pass through under_review and
// the recommendation.
func statusPath(status advising.Status, recommended bool) ([]advising.Status, error) {
	ec, ur, rec, closed := advising.StatusEvidenceCollection, advising.StatusUnderReview, advising.StatusRecommended, advising.StatusClosed
	switch {
	case status == "" || status == advising.StatusNew:
		return nil, nil
	case status == ec:
		return []advising.Status{ec}, nil
	case status == ur:
		return []advising.Status{ec, ur}, nil
	case status == rec && recommended:
		return []advising.Status{ec, ur, rec}, nil
	case status == rec:
		return nil, fmt.Errorf("status recommended needs a recommendation")
	case status == closed && recommended:
		return []advising.Status{ec, ur, rec, closed}, nil
	case status == closed:
		return []advising.Status{closed}, nil
	}
	return nil, fmt.Errorf("unknown status %q", status)
}
