package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"tianmu/internal/training"
)

// The supervision part of the story (issue 13, SUP-4, SUP-6): three
// working days after the finished class ended the bureau inspects it on site and finds
// the attendance sheets incomplete; it orders rectification within five
// working days, the school answers with a PDF the next working day, the
// bureau accepts the answer and records a warning resting on the finding.
// At present the bureau evaluates the story's year (the finished class, its
// results, the finding), publishes it and decides the school's outcome, so
// /designated shows grades.

// DemoFindingNote is the note of the demo inspection's finding.
const DemoFindingNote = "结业班第二天的考勤表缺少学员签名"

// demoEvidence is a small valid PDF (the answer's evidence).
var demoEvidence = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func loadSupervision(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s := st.store
	bureau, school := actors["bureau"], actors["school"]
	var class int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM classes WHERE content = $1`, FinishedClassContent).Scan(&class); err != nil {
		return fmt.Errorf("demo: the finished class: %w", err)
	}
	day := st.after(st.end, 3) // after the public part's days (public.go)
	st.at(day, 10, 0)
	items, err := s.Checklist(ctx, bureau, true)
	if err != nil {
		return err
	}
	in := training.InspectionInput{InstitutionID: school.InstitutionID, ClassID: class, Mode: training.ModeOnSite,
		Date: day.Format("2006-01-02"), Inspectors: "王科长、赵科员", Summary: "结业后现场核查培训台账和考勤记录。",
		Results: map[int64]training.ItemResult{}, Notes: map[int64]string{}}
	var attendance int64
	for _, it := range items {
		in.Results[it.ID] = training.ItemOK
		if attendance == 0 && strings.Contains(it.Text, "考勤") {
			attendance = it.ID
		}
	}
	if attendance == 0 && len(items) > 0 {
		attendance = items[0].ID
	}
	in.Results[attendance], in.Notes[attendance] = training.ItemFail, DemoFindingNote
	insp, err := s.CreateInspection(ctx, bureau, in)
	if err != nil {
		return fmt.Errorf("demo: inspection: %w", err)
	}
	var finding int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM inspection_findings WHERE inspection_id = $1`, insp).Scan(&finding); err != nil {
		return err
	}
	st.at(day, 10, 30)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "补齐学员签名并报送整改后的考勤表。"})
	if err != nil {
		return fmt.Errorf("demo: order: %w", err)
	}
	st.at(st.after(day, 1), 15, 0)
	if err := s.AnswerOrder(ctx, school, order, 1, "已逐一联系学员补签，并改为每节课当场签到。", "整改报告.pdf", "application/pdf", demoEvidence); err != nil {
		return fmt.Errorf("demo: answer: %w", err)
	}
	decided := st.after(day, 2) // before the present even across the spring festival
	st.at(decided, 10, 0)
	if err := s.DecideOrder(ctx, bureau, order, 2, training.ActOrderAccept, "补签材料齐全。"); err != nil {
		return fmt.Errorf("demo: accept: %w", err)
	}
	st.at(decided, 10, 30)
	if _, err := s.RecordSanction(ctx, bureau, school.InstitutionID, training.SanctionInput{Kind: training.SanctionWarning,
		Ground: training.GroundContent, Reason: "考勤记录不完整，已整改；予以警告。", DecidedBy: "王科长",
		DecidedOn: decided.Format("2006-01-02"), FindingIDs: []int64{finding}}); err != nil {
		return fmt.Errorf("demo: warning: %w", err)
	}
	return nil
}

// loadEvaluation evaluates the story's year at present, publishes it and
// records the school's outcome (the suggestion, decided by a person).
func loadEvaluation(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s, bureau := st.store, actors["bureau"]
	year := st.end.Year()
	set := training.DefaultEvalSettings(year)
	i := strconv.Itoa
	if _, err := s.SaveEvaluationSettings(ctx, bureau, training.EvalSettingsInput{Year: i(year), WPass: i(set.WPass),
		WEmployment: i(set.WEmployment), WSatisfaction: i(set.WSatisfaction), DComplaint: i(set.DComplaint),
		DFinding: i(set.DFinding), DOverdue: i(set.DOverdue), DShortfall: i(set.DShortfall), DRecovered: i(set.DRecovered),
		Excellent: i(set.Excellent), Pass: i(set.Pass), Basic: i(set.Basic)}); err != nil {
		return fmt.Errorf("demo: evaluation settings: %w", err)
	}
	if _, err := s.RunEvaluation(ctx, year); err != nil {
		return fmt.Errorf("demo: evaluation run: %w", err)
	}
	if err := s.PublishEvaluation(ctx, bureau, year); err != nil {
		return fmt.Errorf("demo: evaluation publish: %w", err)
	}
	var sug string
	if err := s.Pool().QueryRow(ctx, `SELECT coalesce(suggestion, 'warn') FROM evaluation_scores WHERE year = $1 AND institution_id = $2`,
		year, actors["school"].InstitutionID).Scan(&sug); err != nil {
		return err
	}
	return s.RecordOutcome(ctx, bureau, year, actors["school"].InstitutionID, training.EvalOutcome(sug), "考评结果已书面告知机构。")
}
