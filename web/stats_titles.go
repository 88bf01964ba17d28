package web

// StatsShortfallTitle is the heading of the statistics page's delivery
// shortfall chart. Headings that cite an article live on the view side
// (internal/server's Go code cites none: TestNoRuleMessagesOutsideTraining).
const StatsShortfallTitle = "交付不足的培训班（第十六条，按机构）"

// FundUseCategoryHeader heads the category column of the fund-use
// workbook (the categories of 第十三条).
const FundUseCategoryHeader = "支出类别（第十三条）"
