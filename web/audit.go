package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"tianmu/internal/training"
)

// Change is one field of an audit entry as the history page shows it.
type Change struct {
	Field  string
	Before string
	After  string
}

var fieldLabels = map[string]string{
	"name": "名称/姓名", "credit_code": "统一社会信用代码", "address": "地址", "legal_rep": "法定代表人",
	"contact_name": "联系人", "contact_phone": "联系电话", "venue": "培训场地", "facilities": "培训设施",
	"equipment": "培训设备", "staff": "师资力量", "status": "状态", "reason": "原因", "decision_no": "认定文号",
	"decision_date": "认定日期", "decided_by": "决定人", "scope": "许可范围", "username": "用户名",
	"role": "角色", "disabled": "停用", "year": "年度", "notice": "通知", "days": "日期",
}

// AuditChanges turns an entry's before/after JSON into labelled lines: the
// fields that changed, or every field of a creation. Unknown keys are shown
// as they are; nothing is hidden.
func AuditChanges(before, after string) []Change {
	b, a := flatJSON(before), flatJSON(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return order(sorted[i]) < order(sorted[j]) })
	var out []Change
	for _, k := range sorted {
		if b[k] == a[k] {
			continue
		}
		label := fieldLabels[k]
		if label == "" {
			label = k
		}
		out = append(out, Change{Field: label, Before: show(k, b[k]), After: show(k, a[k])})
	}
	return out
}

func order(k string) string {
	for i, f := range []string{"status", "decision_no", "decision_date", "decided_by", "reason", "name", "credit_code"} {
		if f == k {
			return fmt.Sprintf("0%02d", i)
		}
	}
	return "1" + k
}

func show(key, v string) string {
	if key == "status" {
		if s := training.InstitutionStatus(v); s.Valid() {
			return s.Label()
		}
	}
	if key == "role" {
		if r := training.Role(v); r.Valid() {
			return r.Label()
		}
	}
	switch v {
	case "true":
		return "是"
	case "false":
		return "否"
	}
	return v
}

func flatJSON(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		out["?"] = s
		return out
	}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			out[k] = strings.Join(parts, "；")
			if len(parts) == 0 {
				out[k] = "（无）"
			}
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
