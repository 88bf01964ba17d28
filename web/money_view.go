package web

import (
	"sort"
	"strconv"
	"strings"
)

// feesURLOf is a class's fee page.
func feesURLOf(classID int64) string { return "/classes/" + strconv.FormatInt(classID, 10) + "/fees" }

// sortedFieldMessages lists a form's field messages in field order (the
// rows of an import: row.2, row.3 …), numbers compared as numbers;
// other fields have their message beside them.
func sortedFieldMessages(e Errors) []string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if strings.HasPrefix(k, "row.") {
			keys = append(keys, k)
		}
	}
	num := func(k string) int {
		for i := len(k) - 1; i >= 0; i-- {
			if k[i] == '.' {
				n, _ := strconv.Atoi(k[i+1:])
				return n
			}
		}
		return 0
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := num(keys[i]), num(keys[j]); a != b {
			return a < b
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		m := e.Fields[k]
		if n := num(k); n > 0 {
			m = "第" + strconv.Itoa(n) + "行：" + m
		}
		out[i] = m
	}
	return out
}
