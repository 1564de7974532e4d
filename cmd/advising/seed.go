package main

import (
	"context"
	"fmt"
	"strings"

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
	return a.seed(ctx)
}

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

// loadOffice creates the demo accounts and their cases.
func loadOffice(ctx context.Context, cw *casework.Service, o seeds.Office) error {
	if _, err := cw.BootstrapAdmin(ctx, o.Admin.Email, o.Password, o.Admin.FullName); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	s, err := cw.Login(ctx, o.Admin.Email, o.Password)
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
		if _, err := cw.Register(ctx, casework.NewAccount{Email: p.Email, Password: o.Password, FullName: p.FullName}); err != nil {
			return fmt.Errorf("applicant %s: %w", p.Email, err)
		}
	}
	return nil
}
