package training

import "time"

// AuditEntry is one row of the append-only, hash-chained audit log (SUP-5).
type AuditEntry struct {
	ID            int64
	At            time.Time
	ActorID       int64
	ActorName     string
	ActorRole     Role
	Action        string
	Entity        string
	EntityID      int64
	InstitutionID int64
	Before        string // JSON text, "" when none
	After         string // JSON text, "" when none
}

// AuditActionLabel is the Chinese label of an audit action, for the history
// pages. Unknown actions are shown as they are.
func AuditActionLabel(action string) string {
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return action
}

var auditLabels = map[string]string{
	"institution.create":    "登记机构",
	"institution.update":    "修改机构信息",
	"institution.designate": "认定为定点机构",
	"institution.suspend":   "暂停定点资质",
	"institution.resume":    "恢复定点资质",
	"institution.revoke":    "取消定点资格",
	"institution.scope":     "修改许可范围",
	"user.create":           "创建账号",
	"user.disable":          "停用账号",
	"user.enable":           "启用账号",
	"user.reset_password":   "重置密码",
	"user.change_password":  "修改密码",
	"user.login":            "登录",
}
