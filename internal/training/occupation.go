package training

// Occupation is a 工种 from the national occupational classification (2022).
type Occupation struct {
	ID       int64
	Code     string // e.g. 4-03-02-01
	Name     string // e.g. 中式烹调师
	Category string
	Levels   []Level // the skill levels it has; empty for special-ability only
}

// HasLevel reports whether the occupation is assessed at level l.
func (o Occupation) HasLevel(l Level) bool {
	for _, x := range o.Levels {
		if x == l {
			return true
		}
	}
	return false
}

// HighestLevel is the highest level the occupation has, or LevelNone.
func (o Occupation) HighestLevel() Level {
	best := LevelNone
	for _, x := range o.Levels {
		if best == LevelNone || x < best {
			best = x
		}
	}
	return best
}
