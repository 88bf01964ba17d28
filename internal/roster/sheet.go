package roster

// MaxSheetRows bounds the rows ReadSheet reads (a schedule or a session's
// scores is far smaller than a roster).
const MaxSheetRows = 2000

// ReadSheet reads the first worksheet of an uploaded .xlsx (or a .csv)
// with the roster import's limits (ReadTable): the class schedule and a
// session's scores are read with it; their rules live in training.
func ReadSheet(data []byte) ([][]string, error) { return ReadTable(data, MaxSheetRows) }
