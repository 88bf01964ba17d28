package training

import "testing"

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw, user string
		ok       bool
	}{
		{"Linan-2026-new", "school", true},
		{"short1", "", false},
		{"abcdefghijkl", "", false},        // one class
		{"123456789012", "", false},        // one class
		{"school-2026-x", "school", false}, // contains the username
		{"密码很长很长很长1234", "", true},
	} {
		if got := CheckPassword(tc.pw, tc.user) == ""; got != tc.ok {
			t.Errorf("CheckPassword(%q) ok=%v, want %v", tc.pw, got, tc.ok)
		}
	}
}

func TestUserInputValidate(t *testing.T) {
	for _, tc := range []struct {
		in    UserInput
		field string
	}{
		{UserInput{Username: "wang.k", Name: "王", Role: RoleBureau}, ""},
		{UserInput{Username: "Wang", Name: "王", Role: RoleBureau}, "username"},
		{UserInput{Username: "wk", Name: "王", Role: RoleBureau}, "username"},
		{UserInput{Username: "wang", Name: "", Role: RoleBureau}, "name"},
		{UserInput{Username: "wang", Name: "王", Role: "admin"}, "role"},
		{UserInput{Username: "wang", Name: "王", Role: RoleInstitution}, "institution_id"},
		{UserInput{Username: "wang", Name: "王", Role: RoleInstitution, InstitutionID: 3}, ""},
	} {
		err := tc.in.Validate()
		v, _ := AsValidation(err)
		if tc.field == "" && err != nil || tc.field != "" && (v == nil || v.Fields[tc.field] == "") {
			t.Errorf("%+v: %v, want message on %q", tc.in, err, tc.field)
		}
	}
}
