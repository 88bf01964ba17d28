package training

// Role is what a signed-in user is allowed to do.
type Role string

// The three roles of the portal (DOMAIN.md, Actors).
const (
	RoleBureau      Role = "bureau"
	RoleInstitution Role = "institution"
	RoleCentre      Role = "centre"
)

// Roles lists the roles in display order.
var Roles = []Role{RoleBureau, RoleInstitution, RoleCentre}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleBureau:
		return "区人力社保局"
	case RoleInstitution:
		return "培训机构"
	case RoleCentre:
		return "区职建中心/评价机构"
	}
	return string(r)
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleBureau || r == RoleInstitution || r == RoleCentre
}

// Actor is who performs a use case. Every repository method takes one.
type Actor struct {
	UserID        int64
	Username      string
	Name          string
	Role          Role
	InstitutionID int64 // set for RoleInstitution only
}

// IsBureau reports whether the actor is bureau staff.
func (a Actor) IsBureau() bool { return a.Role == RoleBureau }

// IsInstitution reports whether the actor is an institution's staff.
func (a Actor) IsInstitution() bool { return a.Role == RoleInstitution && a.InstitutionID != 0 }

// IsCentre reports whether the actor is assessment-centre staff.
func (a Actor) IsCentre() bool { return a.Role == RoleCentre }

// System is the actor for shell commands (migrations, demo data, user add).
var System = Actor{UserID: 0, Username: "system", Name: "系统", Role: RoleBureau}
