package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// An uploaded sample's original file is kept byte for byte, and deleting
// the sample deletes its file in the same statement (ON DELETE CASCADE), so
// erasing samples never leaves a file behind.
func TestWorkSampleFileFollowsItsSample(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	content := []byte("%PDF-1.5\n\x00\xff binary bytes survive\n")
	var sampleID string
	err := st.Tx(ctx, func(tx *store.Store) error {
		u, err := tx.CreateUser(ctx, advising.User{Email: "a@example.org", FullName: "A", Role: advising.RoleApplicant,
			PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		caseID, err := tx.OpenCase(ctx, u.ID, now)
		if err != nil {
			return err
		}
		name := "plan.pdf"
		w, err := tx.CreateWorkSample(ctx, advising.WorkSample{ApplicantID: u.ID, CaseID: caseID, Title: "Plan", Description: "Text",
			Source: "upload", Filename: &name, Classification: advising.Classification{Label: advising.LabelHybrid, DeliverableType: "other"},
			CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		sampleID = w.ID
		return tx.CreateWorkSampleFile(ctx, advising.WorkSampleFile{WorkSampleID: w.ID, ContentType: "application/pdf", Content: content, CreatedAt: now})
	})
	if err != nil {
		t.Fatalf("create sample with file: %v", err)
	}
	f, err := st.WorkSampleFile(ctx, sampleID)
	if err != nil || !bytes.Equal(f.Content, content) || f.ContentType != "application/pdf" {
		t.Fatalf("WorkSampleFile(%s) = %q %q, %v; want the bytes stored", sampleID, f.ContentType, f.Content, err)
	}
	if err := st.Tx(ctx, func(tx *store.Store) error { return tx.DeleteWorkSample(ctx, sampleID) }); err != nil {
		t.Fatalf("DeleteWorkSample: %v", err)
	}
	if _, err := st.WorkSampleFile(ctx, sampleID); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("WorkSampleFile after deleting the sample = %v; want not-found", err)
	}
}
