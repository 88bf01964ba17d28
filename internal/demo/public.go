package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"tianmu/internal/training"
)

// The public's part of the story (SUP-2, SUP-3), told through the
// repository on the working days between the finished class's end and
// today: its five trainees answer the survey (so the school sees its
// figures: five is the anonymity threshold), and complaints reach the
// bureau and stand in every state of the queue.

// demoSurveyScores are the five answers to the finished class's survey:
// overall, teaching, venue, organisation and a comment.
var demoSurveyScores = []struct {
	scores  [4]int
	comment string
}{
	{[4]int{5, 5, 4, 5}, "老师讲得细，实操机会多。"},
	{[4]int{4, 5, 3, 4}, "实训厨房有点挤，灶台不够用。"},
	{[4]int{5, 4, 4, 4}, ""},
	{[4]int{4, 4, 4, 3}, "第二天下课晚了半小时。"},
	{[4]int{5, 5, 5, 5}, "很满意，希望还有进阶班。"},
}

// demoComplaint is a complaint and how far the bureau took it.
type demoComplaint struct {
	institution string // login of the institution complained about
	classNo     bool   // names the finished class
	body, phone string
	name        string // "" = anonymous
	state       string // received, assigned, forwarded (with the reply), answered, closed
}

var demoComplaints = []demoComplaint{
	{"school", true, "结业后说好发的实操评价单一直没拿到，电话问学校也说不清楚。", "13857110005", "", "received"},
	{"academy", false, "报名时说包食宿，开课后又让每人交300元伙食费。", "13957120001", "刘女士", "assigned"},
	{"school", true, "烹调班第二天实操只练了一个多小时，老师说食材不够。", "13857110002", "俞佳琪", "forwarded"},
	{"school", false, "学校门口招生广告写“包拿证”，是否属实？", "0571-63710001", "", "answered"},
	{"academy", false, "培训中心空调坏了一周没修，学员中暑。", "13957120002", "", "closed"},
}

// loadPublic tells the public part, after the examiners are registered on
// the evening the class ended (loadExaminers) and before the present.
func loadPublic(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s, school := st.store, actors["school"]
	var classID int64
	var classNo string
	if err := s.Pool().QueryRow(ctx, `SELECT id, class_no FROM classes WHERE institution_id = $1 AND content = $2`,
		school.InstitutionID, FinishedClassContent).Scan(&classID, &classNo); err != nil {
		return fmt.Errorf("demo: public: finished class: %w", err)
	}
	// The survey, on the evening the class ended and the next day (the
	// codes were made when its last attendance was recorded).
	rows, err := s.Pool().Query(ctx, `SELECT code FROM survey_codes WHERE class_id = $1 ORDER BY enrolment_id`, classID)
	if err != nil {
		return err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(codes) != len(demoSurveyScores) {
		return fmt.Errorf("demo: the finished class has %d survey codes, want %d", len(codes), len(demoSurveyScores))
	}
	for i, a := range demoSurveyScores {
		if i < 2 {
			st.at(st.end, 20, 10*i)
		} else {
			st.at(st.after(st.end, 1), 9, 10*i)
		}
		in := training.SurveyInput{Code: codes[i], Overall: strconv.Itoa(a.scores[0]), Teaching: strconv.Itoa(a.scores[1]),
			Venue: strconv.Itoa(a.scores[2]), Organisation: strconv.Itoa(a.scores[3]), Comment: a.comment}
		if err := s.AnswerSurvey(ctx, in); err != nil {
			return fmt.Errorf("demo: survey answer %d: %w", i+1, err)
		}
	}

	// The complaints: four filed the day after the end, handled the next
	// day (every step in time order: the audit chain tells the story in
	// order), and one just received that evening.
	dayA, dayB := st.after(st.end, 1), st.after(st.end, 2)
	bureau, colleague := actors["bureau"], actors["bureau2"]
	ids := make([]int64, len(demoComplaints))
	versions := make([]int, len(demoComplaints))
	file := func(i int, at time.Time, hh, mm int) error {
		c := demoComplaints[i]
		st.at(at, hh, mm)
		in := training.ComplaintInput{InstitutionID: strconv.FormatInt(actors[c.institution].InstitutionID, 10), Body: c.body,
			Phone: c.phone, Name: c.name, Anonymous: c.name == ""}
		if c.classNo {
			in.ClassNo = classNo
		}
		no, err := s.FileComplaint(ctx, in, nil)
		if err != nil {
			return fmt.Errorf("demo: complaint %d: %w", i+1, err)
		}
		versions[i] = 1
		return s.Pool().QueryRow(ctx, `SELECT id FROM complaints WHERE tracking_no = $1`, no).Scan(&ids[i])
	}
	step := func(i, hh, mm int, who training.Actor, act training.ComplaintAction, in training.ComplaintStepInput) error {
		st.at(dayB, hh, mm)
		if err := s.StepComplaint(ctx, who, ids[i], versions[i], act, in); err != nil {
			return fmt.Errorf("demo: complaint %d, %s: %w", i+1, act, err)
		}
		versions[i]++
		return nil
	}
	for i, c := range demoComplaints {
		if c.state != "received" {
			if err := file(i, dayA, 11, 5*i); err != nil {
				return err
			}
		}
	}
	for i, c := range demoComplaints {
		if c.state != "received" {
			if err := step(i, 9, i, bureau, training.ActComplaintAssign, training.ComplaintStepInput{AssigneeID: colleague.UserID}); err != nil {
				return err
			}
		}
	}
	answers := map[string]string{
		"answered": "经核查，该机构招生材料中“包拿证”表述不实，已责令撤下并整改；职业技能等级证书须经鉴定考核合格后方可取得。",
		"closed":   "经现场核查，空调已于投诉次日修复，机构已向学员致歉并调整课表避开高温时段。",
	}
	steps := []struct {
		state  string
		hh, mm int
		who    training.Actor
		act    training.ComplaintAction
		in     training.ComplaintStepInput
	}{
		{"forwarded", 10, 0, colleague, training.ActComplaintForward, training.ComplaintStepInput{}},
		{"answered", 10, 30, colleague, training.ActComplaintNote, training.ComplaintStepInput{Text: "已电话联系机构负责人核实情况。"}},
		{"closed", 10, 35, colleague, training.ActComplaintNote, training.ComplaintStepInput{Text: "已到培训中心现场查看。"}},
		{"forwarded", 15, 30, school, training.ActComplaintReply, training.ComplaintStepInput{
			Text: "经查，当天因燃气检修实操推迟开始，已于周六为该班补足实操课时，补课记录附后。"}},
		{"answered", 16, 0, colleague, training.ActComplaintAnswer, training.ComplaintStepInput{Text: answers["answered"]}},
		{"closed", 16, 5, colleague, training.ActComplaintAnswer, training.ComplaintStepInput{Text: answers["closed"]}},
		{"closed", 16, 30, colleague, training.ActComplaintClose, training.ComplaintStepInput{Outcome: training.ComplaintUpheld}},
	}
	for _, x := range steps {
		for i, c := range demoComplaints {
			if c.state == x.state {
				if err := step(i, x.hh, x.mm, x.who, x.act, x.in); err != nil {
					return err
				}
			}
		}
	}
	for i, c := range demoComplaints {
		if c.state == "received" {
			if err := file(i, dayB, 17, 10+i); err != nil {
				return err
			}
		}
	}
	return nil
}
