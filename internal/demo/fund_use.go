package demo

import (
	"context"
	"fmt"

	"tianmu/internal/training"
)

// loadFundUse reports the school's spending on its finished class (and
// one year-wide venue entry, one entry voided as a duplicate) and one
// entry of the academy, so the fund-use pages and the bureau's report
// have rows (SUB-4, 第十三条). Reported today, dated when spent.
func loadFundUse(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s, school := st.store, actors["school"]
	var class int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM classes WHERE institution_id = $1 AND content = $2`,
		school.InstitutionID, FinishedClassContent).Scan(&class); err != nil {
		return fmt.Errorf("demo: fund use: finished class: %w", err)
	}
	day := func(d interface{ Format(string) string }) string { return d.Format("2006-01-02") }
	c := fmt.Sprint(class)
	entries := []struct {
		who string
		in  training.FundUseInput
	}{
		{"school", training.FundUseInput{ClassID: c, Category: string(training.FundTeachers), Amount: "6400", SpentOn: day(st.end),
			Description: "理论、实操教师课酬（2人×32课时）", VoucherNo: "记-" + st.end.Format("0102") + "-01"}},
		{"school", training.FundUseInput{ClassID: c, Category: string(training.FundConsumables), Amount: "5250.50", SpentOn: day(st.end),
			Description: "实操食材、调料", VoucherNo: "记-" + st.end.Format("0102") + "-02"}},
		{"school", training.FundUseInput{ClassID: c, Category: string(training.FundMeals), Amount: "1800", SpentOn: day(st.end),
			Description: "学员午餐（30人×2天）", VoucherNo: "记-" + st.end.Format("0102") + "-03"}},
		{"school", training.FundUseInput{ClassID: c, Category: string(training.FundMaterials), Amount: "2160", SpentOn: day(st.start),
			Description: "教材《中式烹调师》30册", VoucherNo: "记-" + st.start.Format("0102") + "-01"}},
		{"school", training.FundUseInput{Category: string(training.FundVenue), Amount: "12000", SpentOn: day(st.start),
			Description: "实训厨房租金（本年度分摊）", VoucherNo: "记-" + st.start.Format("0102") + "-02"}},
		{"academy", training.FundUseInput{Category: string(training.FundSupplies), Amount: "980", SpentOn: day(st.start),
			Description: "护理实训用品", VoucherNo: "JC-" + st.start.Format("0102")}},
	}
	for _, e := range entries {
		if _, err := s.RecordFundUse(ctx, actors[e.who], e.in); err != nil {
			return fmt.Errorf("demo: fund use %s: %w", e.in.Description, err)
		}
	}
	dup := entries[2].in
	id, err := s.RecordFundUse(ctx, school, dup)
	if err != nil {
		return fmt.Errorf("demo: fund use duplicate: %w", err)
	}
	if _, err := s.VoidFundUse(ctx, school, id, 1, "与同日凭证重复录入"); err != nil {
		return fmt.Errorf("demo: fund use void: %w", err)
	}
	return nil
}
