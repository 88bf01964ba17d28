package server

import (
	"io/fs"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// maxFormBody caps the body of every form without a file.
const maxFormBody = 1 << 20

// mb says a byte count in whole megabytes ("5 MB").
func mb(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }

// Handler is the whole HTTP surface of the portal: every route is here.
// It returns the chi router so tests can walk every route.
func (s *Server) Handler() *chi.Mux {
	return s.routes(middlewares{
		top: []func(http.Handler) http.Handler{withRequestID, s.metrics.instrument, s.logRequests, securityHeaders, s.recoverPanic},
		// The session stack, with the request body limit of the group:
		// forms get 1 MB; the upload routes get theirs (a bigger body is
		// refused with 413 before the CSRF check reads it).
		session: func(limit int64, what string) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{s.csrf.Handler, limitBody(limit, what), trackSession, s.sessions.LoadAndSave, markSession, s.loadUser, s.checkCSRF, s.checkInput}
		},
		requireUser: s.requireUser,
	})
}

// middlewares are what surrounds the handlers: the portal's (Handler), or
// the bench baseline's (BaselineHandler, baseline.go).
type middlewares struct {
	top         []func(http.Handler) http.Handler
	session     func(limit int64, what string) []func(http.Handler) http.Handler
	requireUser func(http.Handler) http.Handler
}

func (s *Server) routes(m middlewares) *chi.Mux {
	r := chi.NewRouter()
	r.Use(m.top...)

	static, _ := fs.Sub(web.Static, "static")
	r.Get("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)).ServeHTTP)
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.metricsHandler())

	stack := m.session

	// Uploads (institution staff).
	r.Group(func(r chi.Router) {
		r.Use(stack(maxUploadBody, "上传的扫描件不能超过"+mb(repository.MaxUpload))...)
		r.Use(m.requireUser, s.requireRole(training.RoleInstitution))
		r.Post("/teachers/{id}/files", s.teacherFileUpload)
	})

	// Inspection evidence (bureau) and rectification answers (institution):
	// a photo or PDF up to MaxUpload.
	r.Group(func(r chi.Router) {
		r.Use(stack(maxUploadBody, "上传的文件不能超过"+mb(repository.MaxUpload))...)
		r.Use(m.requireUser)
		r.With(s.requireRole(training.RoleBureau)).Post("/inspections/{id}/files", s.inspectionFileUpload)
		r.With(s.requireRole(training.RoleInstitution)).Post("/rectifications/{id}/answer", s.orderAnswer)
	})

	// Roster imports (institution staff): a file up to roster.MaxFile.
	r.Group(func(r chi.Router) {
		r.Use(stack(maxRosterBody, "名单文件不能超过"+mb(roster.MaxFile))...)
		r.Use(m.requireUser, s.requireRole(training.RoleInstitution))
		r.Post("/classes/{id}/roster/import", s.rosterImport)
		r.Post("/classes/{id}/schedule/import", s.scheduleImport)
		r.Post("/classes/{id}/fees/import", s.feeImport)
		r.Post("/classes/{id}/employment/import", s.employmentImport)
	})

	// Score sheets (centre staff): a file up to roster.MaxFile.
	r.Group(func(r chi.Router) {
		r.Use(stack(maxRosterBody, "成绩表文件不能超过"+mb(roster.MaxFile))...)
		r.Use(s.requireUser, s.requireRole(training.RoleCentre))
		r.Post("/exam-sessions/{id}/scores/import", s.scoresImport)
	})

	// Public complaints with attachments (SUP-2): up to 10 MB, no sign-in.
	r.Group(func(r chi.Router) {
		r.Use(stack(maxComplaintBody, "投诉附件合计不能超过10 MB")...)
		r.Post("/complaints", s.complaintFile)
	})

	r.Group(func(r chi.Router) {
		r.Use(stack(maxFormBody, "表单内容不能超过"+mb(maxFormBody))...)

		// Public.
		r.Get("/complaints/new", s.complaintNew)
		r.Get("/complaints/filed", s.complaintFiled)
		r.Get("/complaints/status", s.complaintStatusForm)
		r.Post("/complaints/status", s.complaintStatus)
		r.Get("/survey", s.surveyForm)
		r.Post("/survey", s.surveyAnswer)
		r.Get("/survey/thanks", s.surveyThanks)
		r.Get("/me", s.ownRecordForm)
		r.Post("/me", s.ownRecord)
		r.Get("/login", s.loginForm)
		r.Post("/login", s.login)
		r.Get("/results", s.resultLookupForm)
		r.Post("/results", s.resultLookup)
		r.Get("/verify", s.verifyForm)
		r.Post("/verify", s.verifyByNo)
		r.Get("/verify/{code}", s.verifyCode)
		// Subsidy notices (公示, 第十二条): masked, objections without sign-in.
		r.Get("/notices", s.noticeList)
		r.Get("/notices/{id}", s.noticeShow)
		r.Post("/notices/{id}/objections", s.objectionFile)
		r.Get("/designated", s.designatedList)

		// Signed in, any role.
		r.Group(func(r chi.Router) {
			r.Use(m.requireUser)
			r.Get("/", s.home)
			r.Post("/logout", s.logout)
			r.Get("/password", s.passwordForm)
			r.Post("/password", s.passwordChange)
			r.Get("/calendar/deadline", s.calendarDeadline)
			r.Get("/inbox", s.inbox)
			r.Post("/inbox/read-all", s.inboxReadAll)
			r.Post("/inbox/{id}/open", s.inboxOpen)
			r.Get("/textbooks", s.textbookList)
			r.Get("/textbooks/{id}", s.textbookShow)
			// List exports (issue 17): what the list shows, with its filters.
			r.Get("/textbooks.xlsx", s.textbookExport)
			r.Get("/assessments.xlsx", s.applicationExport)

			// Assessment: each role sees its own (the repository scopes:
			// an institution its own applications, and sessions only
			// once published; the centre its organisation's).
			r.Get("/assessments", s.applicationList)
			r.Get("/exam-sessions", s.sessionList)
			r.Get("/exam-sessions.xlsx", s.sessionExport)
			r.Get("/exam-results", s.resultList)
			r.Get("/exam-results.xlsx", s.resultExport)
			r.Get("/assessments/{id}", s.applicationShow)
			r.Get("/exam-sessions/{id}", s.sessionShow)

			// Bureau, or the institution's own staff (others get 404).
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleBureau, training.RoleInstitution))
				r.Get("/institutions/{id}", s.institutionShow)
				r.Get("/institutions/{id}/edit", s.institutionEdit)
				r.Post("/institutions/{id}/edit", s.institutionUpdate)

				// Teacher pool: the bureau sees all, an institution its own
				// linked teachers (others get 404).
				r.Get("/teachers", s.teacherList)
				r.Get("/teachers/{id}", s.teacherShow)
				r.Get("/teachers/{id}/files/{fid}", s.teacherFile)
				r.Get("/classes", s.classList)
				r.Get("/classes.xlsx", s.classExport)
				r.Get("/teachers.xlsx", s.teacherExport)
				r.Get("/classes/{id}", s.classShow)
				r.Get("/classes/{id}/roster", s.rosterShow)
				r.Get("/classes/{id}/roster.xlsx", s.rosterExport)
				r.Get("/roster/template.xlsx", s.rosterTemplate)
				r.Get("/classes/{id}/agreements", s.classAgreements)
				r.Get("/classes/{id}/agreements/print", s.classAgreementsPrint)
				r.Get("/classes/{id}/agreements/{eid}/print", s.enrolmentAgreementPrint)
				r.Get("/classes/{id}/sessions/{sid}/attendance", s.attendanceForm)
				r.Get("/textbooks/new", s.textbookNew)
				r.Post("/textbooks", s.textbookCreate)

				// Fees (第十二条): the class's fee page and the applications.
				r.Get("/fees", s.feeList)
				r.Get("/fees/template.xlsx", s.feeTemplate)
				r.Get("/classes/{id}/fees", s.feeShow)

				// Subsidy claims (第十二条): the bureau's, or the institution's own.
				r.Get("/claims", s.claimList)
				r.Get("/claims/{id}", s.claimShow)
				r.Get("/claims/{id}/export.xlsx", s.claimExport)
				r.Get("/claims/{id}/form.pdf", s.claimFormPDF)
				r.Get("/claim-payments/{id}/batch.xlsx", s.paymentBatchExport)
				// Complaints (SUP-2): the bureau's queue, an institution's
				// forwarded ones (the repository scopes; never the contact).
				r.Get("/complaints", s.complaintList)
				r.Get("/complaints/{id}", s.complaintShow)

				// Satisfaction and employment follow-up (SUP-3).
				r.Get("/classes/{id}/survey", s.classSurvey)
				r.Get("/classes/{id}/survey/slips", s.classSurveySlips)
				r.Get("/classes/{id}/employment", s.classEmployment)
				r.Get("/employment/template.xlsx", s.employmentTemplate)
				// Supervision (SUP-4): an institution sees its own
				// inspections, orders and sanctions (others get 404).
				r.Get("/inspections", s.inspectionList)
				r.Get("/inspections/{id}", s.inspectionShow)
				r.Get("/inspections/{id}/files/{fid}", s.inspectionFile)
				r.Get("/rectifications/{id}", s.orderShow)
				r.Get("/rectifications/{id}/file", s.orderFile)
				r.Get("/institutions/{id}/supervision", s.institutionSupervision)
				r.Get("/institutions/{id}/scorecard", s.scorecard)

				// Ledgers (SUP-1, 第十四条): an institution its own, the
				// bureau every institution's (others get 404).
				r.Get("/classes/{id}/ledger", s.ledgerShow)
				r.Get("/classes/{id}/ledger.xlsx", s.ledgerWorkbook)
				r.Get("/ledgers", s.ledgerList)
				// Fund use (第十三条): the bureau's report or the
				// institution's own year; one institution's year.
				r.Get("/fund-use", s.fundUse)
				r.Get("/institutions/{id}/fund-use", s.fundUseInstitution)
				r.Get("/institutions/{id}/fund-use.xlsx", s.fundUseExport)
			})

			// Statistics (issue 17): the bureau's and the centre's; counts only.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleBureau, training.RoleCentre))
				r.Get("/stats", s.stats)
				r.Get("/stats.xlsx", s.statsExport)
			})

			// Institution only.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleInstitution))
				r.Get("/classes/new", s.classNew)
				r.Get("/schedule/template.xlsx", s.scheduleTemplate)
				r.Post("/classes", s.classCreate)
				r.Get("/classes/{id}/edit", s.classEdit)
				r.Post("/classes/{id}/edit", s.classUpdate)
				r.Post("/classes/{id}/submit", s.classSubmit)
				r.Post("/classes/{id}/withdraw", s.classStep(training.ActClassWithdraw))
				r.Post("/classes/{id}/cancel", s.classStep(training.ActClassCancel))
				r.Post("/classes/{id}/exception", s.classException)
				r.Get("/classes/{id}/assessment", s.applicationNew)
				r.Post("/classes/{id}/assessment", s.applicationCreate)
				r.Get("/classes/{id}/change", s.classChangeForm)
				r.Post("/classes/{id}/change", s.classChange)
				r.Post("/classes/{id}/roster", s.rosterAdd)
				r.Post("/classes/{id}/roster/{eid}/remove", s.rosterRemove)
				r.Get("/classes/{id}/roster/import/{jid}", s.rosterImportJob)
				r.Post("/classes/{id}/roster/import/{jid}", s.rosterImportRun)
				r.Post("/classes/{id}/agreements", s.classAgreementsSave)
				r.Post("/classes/{id}/sessions/{sid}/attendance", s.attendanceSave)
				r.Get("/teachers/new", s.teacherNew)
				r.Post("/teachers", s.teacherCreate)
				r.Get("/teachers/{id}/edit", s.teacherEdit)
				r.Post("/teachers/{id}/edit", s.teacherUpdate)
				r.Post("/teachers/{id}/submit", s.teacherReview(training.ActTeacherSubmit))
				r.Post("/teachers/{id}/certificates", s.certificateAdd)
				r.Post("/teachers/{id}/certificates/{cid}/delete", s.certificateRemove)
				r.Post("/teachers/{id}/files/{fid}/delete", s.teacherFileRemove)
				r.Post("/classes/{id}/fees", s.feeApply)
				r.Post("/classes/{id}/fees/payments", s.feePay)
				r.Post("/fees/{id}/withdraw", s.feeStep(training.ActFeeWithdraw))
				r.Get("/claims/new", s.claimNew)
				r.Post("/claims", s.claimBuild)
				r.Post("/claims/{id}/rebuild", s.claimRebuild)
				r.Post("/claims/{id}/submit", s.claimStep(training.ActClaimSubmit))
				r.Post("/claims/{id}/withdraw", s.claimStep(training.ActClaimWithdraw))
				r.Post("/complaints/{id}/reply", s.complaintStep(training.ActComplaintReply))
				r.Post("/classes/{id}/survey/codes", s.surveyCodes)
				r.Post("/classes/{id}/employment", s.employmentRecord)
				r.Post("/fund-use", s.fundUseRecord)
				r.Post("/fund-use/{id}/void", s.fundUseVoid)
			})

			// Assessment centre only.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleCentre))
				r.Post("/assessments/{id}/accept", s.applicationDecide(true))
				r.Post("/assessments/{id}/return", s.applicationDecide(false))
				r.Post("/assessments/{id}/archive", s.applicationArchive)
				r.Get("/assessments/{id}/sessions/new", s.sessionNew)
				r.Post("/assessments/{id}/sessions", s.sessionCreate)
				r.Get("/exam-sessions/{id}/admission", s.sessionAdmission)
				r.Get("/exam-sessions/{id}/check", s.sessionCheckPage)
				r.Post("/exam-sessions/{id}/entries/{eid}/check", s.entryCheck)
				r.Get("/exam-sessions/{id}/scores", s.scoresForm)
				r.Post("/exam-sessions/{id}/scores", s.scoresSave)
				r.Post("/exam-sessions/{id}/approve", s.sessionStep(false))
				r.Post("/exam-sessions/{id}/publish", s.sessionStep(true))
				r.Get("/exam-sessions/{id}/certificates.pdf", s.sessionCertificates)
				r.Get("/exam-sessions/{id}/entries/{eid}/amend", s.amendForm)
				r.Post("/exam-sessions/{id}/entries/{eid}/amend", s.amendSave)
				r.Post("/exam-sessions/{id}/amendments/{aid}/confirm", s.amendmentStep(true))
				r.Post("/exam-sessions/{id}/amendments/{aid}/reject", s.amendmentStep(false))
				r.Get("/exam-sessions/{id}/reschedule", s.sessionRescheduleForm)
				r.Post("/exam-sessions/{id}/reschedule", s.sessionReschedule)
				r.Post("/exam-sessions/{id}/cancel", s.sessionCancel)
				r.Post("/exam-sessions/{id}/entries/{eid}/reveal", s.entryReveal)
				r.Get("/exam-sessions/{id}/results.xlsx", s.sessionResults)
				r.Post("/assessments/{id}/exam-affairs.xlsx", s.applicationExamAffairs)
				r.Get("/examiners", s.examinerList)
				r.Post("/examiners", s.examinerCreate)
				r.Get("/examiners/{id}", s.examinerEdit)
				r.Post("/examiners/{id}", s.examinerUpdate)
				r.Post("/examiners/{id}/deactivate", s.examinerActive(false))
				r.Post("/examiners/{id}/activate", s.examinerActive(true))
			})

			// Bureau only.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleBureau))
				r.Get("/eval-orgs", s.evalOrgList)
				r.Post("/eval-orgs", s.evalOrgCreate)
				r.Post("/eval-orgs/{id}/withdraw", s.evalOrgWithdraw)
				r.Post("/users/{id}/eval-org", s.userEvalOrg)
				r.Get("/institutions", s.institutionList)
				r.Get("/institutions.xlsx", s.institutionExport)
				r.Get("/users.xlsx", s.userExport)
				r.Get("/review.xlsx", s.reviewExport)
				r.Get("/institutions/new", s.institutionNew)
				r.Post("/institutions", s.institutionCreate)
				r.Post("/institutions/{id}/designate", s.institutionStatus(training.ActDesignate))
				r.Post("/institutions/{id}/suspend", s.institutionStatus(training.ActSuspend))
				r.Post("/institutions/{id}/resume", s.institutionStatus(training.ActResume))
				r.Post("/institutions/{id}/revoke", s.institutionStatus(training.ActRevoke))
				r.Get("/institutions/{id}/scope", s.scopeForm)
				r.Post("/institutions/{id}/scope", s.scopeSave)
				r.Get("/institutions/{id}/history", s.institutionHistory)

				r.Get("/users", s.userList)
				r.Get("/users/new", s.userNew)
				r.Post("/users", s.userCreate)
				r.Get("/users/{id}", s.userShow)
				r.Post("/users/{id}/disable", s.userDisable)
				r.Post("/users/{id}/enable", s.userEnable)
				r.Post("/users/{id}/reset-password", s.userResetPassword)

				r.Get("/audit", s.auditLog)
				r.Get("/audit.xlsx", s.auditExport)
				r.Post("/audit/verify", s.auditVerify)
				r.Get("/jobs", s.jobList)
				r.Post("/jobs/{id}/retry", s.jobRetry)
				r.Get("/calendar", s.calendarList)
				r.Get("/calendar/new", s.calendarNew)
				r.Post("/calendar", s.calendarCreate)
				r.Get("/review", s.reviewQueue)
				r.Get("/subsidy-overview", s.subsidyOverview)
				r.Get("/subsidy-overview.xlsx", s.subsidyOverviewExport)
				r.Get("/delivery", s.deliveryReport)
				r.Get("/agreement-template", s.agreementTemplateForm)
				r.Post("/agreement-template", s.agreementTemplateSave)
				r.Post("/classes/{id}/approve", s.classStep(training.ActClassApprove))
				r.Post("/classes/{id}/return", s.classStep(training.ActClassReturn))
				r.Post("/classes/{id}/exception/decide", s.classExceptionDecide)
				r.Post("/classes/{id}/change/approve", s.classChangeDecide(true))
				r.Post("/classes/{id}/change/reject", s.classChangeDecide(false))
				r.Post("/classes/{id}/roster/export", s.rosterExportFull)
				r.Get("/teachers/eligible", s.teacherEligible)
				r.Post("/teachers/{id}/approve", s.teacherReview(training.ActTeacherApprove))
				r.Post("/teachers/{id}/return", s.teacherReview(training.ActTeacherReturn))
				r.Post("/teachers/{id}/equivalences", s.equivalenceAdd)
				r.Post("/teachers/{id}/equivalences/{eid}/delete", s.equivalenceRemove)
				r.Get("/occupations/related", s.relatedList)
				r.Post("/occupations/related", s.relatedSet(true))
				r.Post("/occupations/related/delete", s.relatedSet(false))

				r.Get("/textbooks/{id}/edit", s.textbookEdit)
				r.Post("/textbooks/{id}/edit", s.textbookUpdate)
				for _, act := range training.TextbookActions {
					r.Post("/textbooks/{id}/"+string(act), s.textbookStatus(act))
				}

				// Subsidy standards and fee decisions (第十二条).
				r.Get("/subsidy-standards", s.subsidyStandards)
				r.Post("/subsidy-standards", s.subsidyFigureAdd)
				r.Post("/subsidy-standards/{kind}/{id}/end", s.subsidyFigureEnd)
				r.Post("/ledgers/export", s.ledgerExportStart)
				r.Get("/ledger-exports/{id}", s.ledgerExportShow)
				r.Get("/ledger-exports/{id}/download", s.ledgerExportDownload)
				r.Post("/fees/{id}/approve", s.feeStep(training.ActFeeApprove))
				r.Post("/fees/{id}/return", s.feeStep(training.ActFeeReturn))

				// Subsidy claims (第十二条): review, approval by a second user,
				// objections, payment, recovery (第十六条).
				r.Post("/claims/{id}/review", s.claimStep(training.ActClaimReview))
				r.Post("/claims/{id}/return", s.claimStep(training.ActClaimReturn))
				r.Post("/claims/{id}/approve", s.claimStep(training.ActClaimApprove))
				r.Post("/claims/{id}/payment", s.claimPayment)
				r.Post("/claims/{id}/paid", s.claimStep(training.ActClaimConfirmPaid))
				r.Post("/claims/{id}/payment-failed", s.claimStep(training.ActClaimPaymentFailed))
				r.Post("/objections/{id}/decide", s.objectionDecide)
				r.Post("/claims/{id}/recovery", s.claimRecovery)
				r.Post("/claims/{id}/export-full", s.claimExportFull)
				r.Post("/claims/{id}/payments/{pid}/batch-full", s.paymentBatchFull)
				r.Get("/fund-use.xlsx", s.fundUseReportExport)
				// Complaints (SUP-2).
				for _, act := range []training.ComplaintAction{training.ActComplaintAssign, training.ActComplaintNote,
					training.ActComplaintForward, training.ActComplaintAnswer, training.ActComplaintClose} {
					r.Post("/complaints/{id}/"+string(act), s.complaintStep(act))
				}
				r.Post("/complaints/{id}/reveal", s.complaintReveal)
				r.Get("/complaints/{id}/files/{fid}", s.complaintFileGet)
				r.Get("/surveys", s.surveyReport)
				r.Get("/surveys.xlsx", s.surveyExport)
				r.Get("/employment", s.employmentReport)
				r.Get("/employment.xlsx", s.employmentExport)
				r.Get("/employment/checks", s.employmentChecks)
				r.Post("/employment/checks/sample", s.employmentSample)
				r.Post("/employment/records/{id}/check", s.employmentCheck)
				// Inspections, rectification and sanctions (SUP-4, 第十六条).
				r.Get("/supervision", s.supervisionOverview)
				r.Get("/checklist", s.checklistPage)
				r.Post("/checklist", s.checklistAdd)
				r.Post("/checklist/{id}/retire", s.checklistActive(false))
				r.Post("/checklist/{id}/restore", s.checklistActive(true))
				r.Get("/institutions/{id}/inspections/new", s.inspectionNew)
				r.Post("/institutions/{id}/inspections", s.inspectionCreate)
				r.Post("/findings/{id}/order", s.orderCreate)
				r.Post("/rectifications/{id}/accept", s.orderDecide(training.ActOrderAccept))
				r.Post("/rectifications/{id}/escalate", s.orderDecide(training.ActOrderEscalate))
				r.Post("/institutions/{id}/sanctions", s.sanctionCreate)
				r.Post("/classes/{id}/stop", s.classStop)

				// The annual evaluation (SUP-6, 第十五条).
				r.Get("/evaluations", s.evaluationList)
				r.Post("/evaluations", s.evaluationSettings)
				r.Get("/evaluations/{year}", s.evaluationShow)
				r.Get("/evaluations/{year}/ranking.xlsx", s.evaluationExport)
				r.Post("/evaluations/{year}/run", s.evaluationStep(false))
				r.Post("/evaluations/{year}/publish", s.evaluationStep(true))
				r.Post("/evaluations/{year}/institutions/{id}/outcome", s.evaluationOutcome)
			})
		})

		r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, training.ErrNotFound) })
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
			s.errorPage(w, r, http.StatusMethodNotAllowed, "不支持的请求方式", "该地址不支持此请求方式。")
		})
	})
	return r
}
