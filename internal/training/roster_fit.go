package training

// The roster import's report says how many rows fit under the class's cap
// before it offers the import button (SIZE-1..4, 第七条): an import that
// would pass the cap is refused whole, so the institution must know
// beforehand, and decide itself who is left out.

// The import report's cap rules.
var (
	RuleImportRoom    = NewRule("SIZE-4", "第七条", "本班上限%d人，已有%d人，还可导入%d人")
	RuleImportOverCap = NewRule("SIZE-4", "第七条", "文件中有%d条有效记录，超过本班还可导入的%d人；超过上限的导入将整体拒绝，请删减名单后重新上传")
)

// ImportFit is how many of valid rows fit into a class of cap with enrolled
// trainees, and whether all of them do.
func ImportFit(cap, enrolled, valid int) (fit int, all bool) {
	room := max(cap-enrolled, 0)
	return min(room, valid), valid <= room
}
