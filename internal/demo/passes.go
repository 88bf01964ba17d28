package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Published passes written straight into the tables (for the claims'
// demo data and tests): assessed classes of an institution, each with
// enrolled trainees who signed agreements, attended every hour, passed
// both parts in a published session and hold a certificate. Everything
// the repository would have checked holds (designation, four eyes on the
// results, candidate numbers), so claims built on them see real data.

// PassSpec describes the classes to make.
type PassSpec struct {
	InstitutionID int64
	Occupation    string // code, e.g. 4-03-02-01
	Level         training.Level
	Type          training.ClassType
	Classes       int
	PerClass      int // at most 50
	Start         time.Time
	CertDate      time.Time
	Tag           string // up to 5 digits, unique per call: class numbers, ID numbers and certificates carry it
	Group         training.TargetGroup
	// People reuses trainees (by ID number) instead of making new ones,
	// class by class then seat by seat (for a person trained twice).
	People []string
}

// Passes is what SeedPasses made.
type Passes struct {
	ClassIDs   []int64
	Enrolments [][]int64 // per class, in seat order
	IDNumbers  [][]string
}

// SeedPasses makes the classes of spec in a few statements per class.
func SeedPasses(ctx context.Context, tx pgx.Tx, spec PassSpec) (Passes, error) {
	var out Passes
	var occ, centre, enterer, approver int64
	if err := tx.QueryRow(ctx, `SELECT id FROM occupations WHERE code = $1`, spec.Occupation).Scan(&occ); err != nil {
		return out, fmt.Errorf("demo passes: occupation %s: %w", spec.Occupation, err)
	}
	if err := tx.QueryRow(ctx, `SELECT id FROM eval_orgs WHERE kind = 'centre'`).Scan(&centre); err != nil {
		return out, fmt.Errorf("demo passes: centre: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT min(id), max(id) FROM users WHERE role = 'centre'`).Scan(&enterer, &approver); err != nil {
		return out, fmt.Errorf("demo passes: centre users: %w", err)
	}
	if enterer == approver {
		return out, fmt.Errorf("demo passes: need two centre users")
	}
	end := spec.Start.AddDate(0, 0, 4)
	examDate := spec.CertDate.AddDate(0, 0, -7)
	now := spec.CertDate.Add(10 * time.Hour)
	group := spec.Group
	if group == "" {
		group = training.GroupUnemployed
	}
	seat := 0
	for k := 0; k < spec.Classes; k++ {
		var classID int64
		classNo := fmt.Sprintf("BB%s%02d", spec.Tag, k)
		if err := tx.QueryRow(ctx, `INSERT INTO classes (class_no, institution_id, occupation_id, level, type, planned_size, start_date, end_date,
				venue, content, theory_hours, practical_hours, status, approved_on, approved_by, plan_no, enrolled, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '实训中心', '演示：已公布考核结果的培训班', 40, 40, 'assessed', $9, '王科长', 1, $6, '演示数据', $10, $10)
			RETURNING id`, classNo, spec.InstitutionID, occ, int(spec.Level), string(spec.Type), spec.PerClass, spec.Start, end,
			spec.Start.AddDate(0, 0, -7), now).Scan(&classID); err != nil {
			return out, fmt.Errorf("demo passes: class: %w", err)
		}
		ids := make([]string, spec.PerClass)
		names := make([]string, spec.PerClass)
		tagN, _ := strconv.Atoi(spec.Tag)
		for i := range ids {
			if seat < len(spec.People) {
				ids[i] = spec.People[seat]
			} else {
				// A real date of birth (1975–2002) and a sequence number,
				// unique per tag (mod 10000) and seat.
				n := (tagN%10000)*1000 + k*50 + i
				birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%10000)
				prefix := "330185" + birth.Format("20060102") + fmt.Sprintf("%03d", (n/10000)%1000)
				ids[i] = prefix + string(training.IDCheckChar(prefix))
			}
			names[i] = passName(k*50 + i)
			seat++
		}
		rows, err := tx.Query(ctx, `WITH t AS (
				INSERT INTO trainees (id_number, name, birth_date, sex, phone, target_group, employment, hukou, created_at, updated_at)
				SELECT u.idn, u.name, to_date(substr(u.idn, 7, 8), 'YYYYMMDD'),
					CASE WHEN substr(u.idn, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END, '13900000000', $2, 'unemployed', 'local_urban', $8, $3
				FROM unnest($1::text[], $4::text[]) AS u (idn, name)
				ON CONFLICT (id_number) DO UPDATE SET updated_at = EXCLUDED.updated_at RETURNING id, id_number)
			, e AS (INSERT INTO enrolments (class_id, trainee_id, agreement_no, agreement_date, pays_fee, agreement_by, agreement_at, created_by, created_at)
			SELECT $5, t.id, $6 || '-' || t.id_number, $7, false, '演示数据', $8 + interval '1 hour', '演示数据', $8 FROM t
			RETURNING id, trainee_id)
			SELECT e.id, t.id_number FROM e JOIN t ON t.id = e.trainee_id`,
			ids, string(group), now, names, classID, classNo, spec.Start.AddDate(0, 0, -2), spec.Start.AddDate(0, 0, -3).Add(9*time.Hour))
		if err != nil {
			return out, fmt.Errorf("demo passes: enrolments: %w", err)
		}
		byID := map[string]int64{}
		for rows.Next() {
			var eid int64
			var idn string
			if err := rows.Scan(&eid, &idn); err != nil {
				rows.Close()
				return out, err
			}
			byID[idn] = eid
		}
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("demo passes: enrolments: %w", err)
		}
		enr := make([]int64, len(ids))
		for i, idn := range ids {
			enr[i] = byID[idn]
		}
		if _, err := tx.Exec(ctx, `INSERT INTO enrolment_attendance (enrolment_id, sessions_recorded, sessions_attended, hours_attended)
			SELECT e, 4, 4, 80 FROM unnest($1::bigint[]) AS e`, enr); err != nil {
			return out, fmt.Errorf("demo passes: attendance: %w", err)
		}
		var sessionID int64
		if err := tx.QueryRow(ctx, `WITH a AS (
				INSERT INTO exam_applications (class_id, institution_id, eval_org_id, cert_kind, status, submitted_by, submitted_at, decided_by, decided_at)
				VALUES ($1, $2, $3, $4, 'accepted', '演示数据', $5, '演示数据', $5) RETURNING id)
			INSERT INTO exam_sessions (session_no, application_id, exam_date, venue, theory_time, practical_time, status,
				entered_by_id, entered_by, entered_at, approved_by_id, approved_by, approved_at, published_by, published_at, created_by, created_at)
			SELECT $6, a.id, $7, '区职建中心考场', '09:00-10:30', '13:30-16:30', 'published', $8, '演示数据', $5, $9, '演示数据', $5, '演示数据', $5, '演示数据', $5
			FROM a RETURNING id`, classID, spec.InstitutionID, centre, certKind(spec.Type), now, "KS"+classNo, examDate, enterer, approver).Scan(&sessionID); err != nil {
			return out, fmt.Errorf("demo passes: session: %w", err)
		}
		if _, err := tx.Exec(ctx, `WITH x AS (
				INSERT INTO exam_entries (session_id, enrolment_id, attempt, seq, candidate_no, theory_required, practical_required,
					checked_at, checked_by, theory_score, practical_score, outcome)
				SELECT $1, u.e, 1, u.n, $2 || lpad(u.n::text, 3, '0'), true, true, $3, '演示数据', 80, 85, 'pass'
				FROM unnest($4::bigint[]) WITH ORDINALITY AS u (e, n)
				RETURNING id, enrolment_id, seq)
			INSERT INTO certificates (entry_id, cert_no, verify_code, kind, name, id_number, occupation_code, occupation_name, level, issuer, issue_date)
			SELECT x.id, 'ZS' || $2 || lpad(x.seq::text, 3, '0'),
				translate(upper(substr(md5($2 || x.seq::text || x.id::text), 1, 16)), '0189', 'WXYZ'),
				$5, t.name, t.id_number, o.code, o.name, $6, '杭州市临安区职业技能鉴定中心', $7
			FROM x JOIN enrolments e ON e.id = x.enrolment_id JOIN trainees t ON t.id = e.trainee_id, occupations o WHERE o.id = $8`,
			sessionID, classNo, now, enr, certKind(spec.Type), int(spec.Level), spec.CertDate, occ); err != nil {
			return out, fmt.Errorf("demo passes: certificates: %w", err)
		}
		// The kept delivery figures (migration 00035), as approving a class
		// and recording attendance would have written them.
		if _, err := tx.Exec(ctx, `SELECT refresh_class_delivery(ARRAY[$1::bigint])`, classID); err != nil {
			return out, fmt.Errorf("demo passes: delivery figures: %w", err)
		}
		out.ClassIDs = append(out.ClassIDs, classID)
		out.Enrolments = append(out.Enrolments, enr)
		out.IDNumbers = append(out.IDNumbers, ids)
	}
	return out, nil
}

func certKind(t training.ClassType) string {
	switch t {
	case training.TypeQualification:
		return string(training.CertQualification)
	case training.TypeSkillLevel:
		return string(training.CertSkillLevel)
	}
	return string(training.CertCompletion)
}

var (
	passSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	passGiven    = []string{"建国", "丽华", "志强", "晓燕", "海波", "雨萱", "国平", "佳琪", "文杰", "秀英", "春梅", "建军", "晓东", "美玲", "立新"}
)

func passName(n int) string {
	return string(passSurnames[n%len(passSurnames)]) + passGiven[(n/len(passSurnames))%len(passGiven)]
}
