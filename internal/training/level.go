package training

// Level is a vocational skill level (职业技能等级) numbered as the national
// standard does: 5 = 五级/初级工 (lowest) … 1 = 一级/高级技师 (highest).
// LevelNone (0) is a class without a level (专项能力, 创业).
type Level int

// Skill levels.
const (
	LevelNone Level = 0
	Level1    Level = 1 // 一级/高级技师
	Level2    Level = 2 // 二级/技师
	Level3    Level = 3 // 三级/高级工
	Level4    Level = 4 // 四级/中级工
	Level5    Level = 5 // 五级/初级工
)

// AllLevels lists the levels from lowest to highest.
var AllLevels = []Level{Level5, Level4, Level3, Level2, Level1}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Level1 && l <= Level5 }

// AtLeast reports whether l is as high as or higher than o.
func (l Level) AtLeast(o Level) bool { return l.Valid() && o.Valid() && l <= o }

// Label is the level's Chinese name.
func (l Level) Label() string {
	switch l {
	case Level1:
		return "一级/高级技师"
	case Level2:
		return "二级/技师"
	case Level3:
		return "三级/高级工"
	case Level4:
		return "四级/中级工"
	case Level5:
		return "五级/初级工"
	}
	return "无等级"
}

// Short is the level's short name (五级, 四级 …).
func (l Level) Short() string {
	switch l {
	case Level1:
		return "一级"
	case Level2:
		return "二级"
	case Level3:
		return "三级"
	case Level4:
		return "四级"
	case Level5:
		return "五级"
	}
	return "无"
}

// Education is the ordered list of 学历 (DOMAIN.md reference data).
type Education int

// Education levels, in order.
const (
	EduUnknown      Education = iota
	EduJunior                 // 初中及以下
	EduHigh                   // 高中
	EduSecondaryVoc           // 中专(含职高、技校)
	EduCollege                // 大专
	EduBachelor               // 本科
	EduMaster                 // 硕士研究生
	EduDoctor                 // 博士研究生
)

// Educations lists the education levels in order.
var Educations = []Education{EduJunior, EduHigh, EduSecondaryVoc, EduCollege, EduBachelor, EduMaster, EduDoctor}

// Label is the Chinese name.
func (e Education) Label() string {
	switch e {
	case EduJunior:
		return "初中及以下"
	case EduHigh:
		return "高中"
	case EduSecondaryVoc:
		return "中专(含职高、技校)"
	case EduCollege:
		return "大专"
	case EduBachelor:
		return "本科"
	case EduMaster:
		return "硕士研究生"
	case EduDoctor:
		return "博士研究生"
	}
	return "未填写"
}

// Title is a professional title (职称), ordered.
type Title int

// Titles, in order.
const (
	TitleNone       Title = iota // 无
	TitleJunior                  // 初级(员级/助理级)
	TitleMiddle                  // 中级
	TitleViceSenior              // 副高级
	TitleSenior                  // 正高级
)

// Titles lists the titles in order.
var Titles = []Title{TitleNone, TitleJunior, TitleMiddle, TitleViceSenior, TitleSenior}

// Label is the Chinese name.
func (t Title) Label() string {
	switch t {
	case TitleJunior:
		return "初级(员级/助理级)"
	case TitleMiddle:
		return "中级"
	case TitleViceSenior:
		return "副高级"
	case TitleSenior:
		return "正高级"
	}
	return "无"
}
