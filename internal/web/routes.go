package web

import (
	"net/http"

	"zhiyuan"
)

// routes registers every page, here and nowhere else, grouped by area (the handlers live
// in the file of the same name). To add a page, add its line to its area; a page that
// people should find from the menu also gets a row in the navigation table (nav.go).
// true marks a public page; any other sends an anonymous visitor to the login page.
// confirmable registers an action that asks first (confirm.go): its confirmation page on
// GET, the action on POST.
func (x *Web) routes() {
	// Static files (fingerprinted, static.go), the home page, the phone's menu pages, signing in and out, the audit log.
	x.mux.Handle("GET /static/", staticAssets())
	x.mux.HandleFunc("GET /favicon.ico", staticAssets().favicon)
	x.handle("GET /{$}", true, x.home)
	x.handle("GET /menu", true, x.menuPage(false))
	x.handle("GET /manage", false, x.menuPage(true))
	x.handle("GET /login", true, x.loginForm)
	x.handle("POST /login", true, x.login)
	x.handle("POST /logout", false, x.logout)
	x.handle("GET /admin/audit", false, x.audit)
	x.handle("GET /figures", true, x.figuresPage) // 数据看板, the public showcase (figures.go)
	x.handle("GET /figures.xlsx", true, x.figuresSheet)

	// Campaigns and the contest (大比拼) (campaigns.go).
	x.handle("GET /campaigns", true, x.campaignsPage)
	x.handle("GET /campaigns/new", false, x.campaignNewPage)
	x.handle("POST /campaigns", false, x.campaignCreate)
	x.handle("GET /campaigns/{id}", true, x.campaignPage)
	x.handle("GET /campaigns/{id}/cover", true, x.campaignCover)
	x.handle("POST /campaigns/{id}/cover", false, x.campaignCoverForm)
	x.confirmable("/campaigns/{id}/enter", x.askEnterCampaign, x.enterCampaignForm)
	x.confirmable("/campaigns/{id}/refuse", x.askRefuseCampaignEntry, x.refuseCampaignForm)
	// Exemplary people (身边雷锋): selection, nominations, consent, review, candidates and
	// likes, the organiser's report, results (selections.go).
	x.handle("GET /campaigns/{id}/selection/new", false, x.selectionNewPage)
	x.handle("POST /campaigns/{id}/selection", false, x.selectionCreate)
	x.handle("GET /campaigns/{id}/candidates", true, x.candidatesPage)
	x.handle("GET /campaigns/{id}/nominate", false, x.nominatePage)
	x.handle("POST /campaigns/{id}/nominations", false, x.nominateCreate)
	x.handle("GET /campaigns/{id}/likes/report", false, x.likeReportPage)
	x.confirmable("/campaigns/{id}/likes/void", x.askVoidLikes, x.voidLikesForm)
	x.handle("GET /campaigns/{id}/results", true, x.resultsPage)
	x.handle("POST /campaigns/{id}/jury", false, x.juryForm)
	x.confirmable("/campaigns/{id}/results/publish", x.askPublishResults, x.publishResultsForm)
	x.handle("GET /candidates/{id}", true, x.candidatePage)
	x.handle("POST /candidates/{id}/like", false, x.likeForm)
	x.handle("GET /nominations/review", false, x.reviewQueuePage)
	x.handle("GET /nominations/{id}", true, x.candidatePage)
	x.handle("GET /nominations/{id}/photos/{n}", true, x.nominationPhoto)
	x.handle("POST /nominations/{id}/review", false, x.reviewForm)
	x.handle("POST /nominations/{id}/consent", false, x.consentForm)
	x.handle("POST /nominations/{id}/resubmit", false, x.resubmitForm)
	x.handle("GET /me/nominations", false, x.myNominationsPage)
	// The project competition 益苗计划 (competitions.go).
	x.handle("GET /competitions", true, x.competitionsPage)
	x.handle("GET /competitions/new", false, x.competitionNewPage)
	x.handle("POST /competitions", false, x.competitionCreate)
	x.handle("GET /competitions/{id}", true, x.competitionPage)
	x.handle("POST /competitions/{id}/judges", false, x.competitionAddJudge)
	x.confirmable("/competitions/{id}/recommendations", x.askRecommend, x.recommendForm)
	x.confirmable("/competitions/{id}/results/publish", x.askPublish, x.publishForm)
	x.handle("POST /competitions/{id}/decisions", false, x.decideForm) // competition_decisions.go
	x.handle("GET /competitions/{id}/results", true, x.competitionResultsPage)
	x.handle("GET /competitions/{id}/projects.xlsx", false, x.competitionSheet)
	x.handle("GET /competitions/{id}/trainings", false, x.trainingsPage) // competition_training.go
	x.handle("POST /competitions/{id}/trainings", false, x.trainingCreate)
	x.handle("GET /competitions/{id}/apply", false, x.entryNewPage)
	x.handle("POST /competitions/{id}/projects", false, x.entryCreate)
	x.handle("GET /competition-projects/{id}", false, x.entryPage)
	x.handle("GET /competition-projects/{id}/edit", false, x.entryEditPage)
	x.handle("POST /competition-projects/{id}/edit", false, x.entryEdit)
	x.confirmable("/competition-projects/{id}/submit", x.askSubmitEntry, x.submitEntryForm)
	x.confirmable("/competition-projects/{id}/review", x.askReviewEntry, x.reviewEntryForm)
	x.handle("POST /competition-projects/{id}/judges", false, x.assignJudgeForm)
	x.handle("GET /competition-projects/{id}/scores", false, func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		return x.showConfirmation(w, r, p, x.askScoreEntry)
	})
	x.handle("POST /competition-projects/{id}/scores", false, x.scoreEntryPost)
	x.handle("POST /competition-projects/{id}/attachments", false, x.attachmentUpload) // competition_attachments.go
	x.handle("GET /competition-attachments/{id}", false, x.attachmentDownload)
	x.confirmable("/competition-attachments/{id}/delete", x.askDeleteAttachment, x.deleteAttachmentForm)
	x.handle("POST /competition-projects/{id}/team", false, x.teamAdd)
	x.handle("POST /competition-projects/{id}/team/remove", false, x.teamRemove)

	// Needs (点单) and taking them (接单) (needs.go).
	x.handle("GET /needs", true, x.needsPage)
	x.handle("GET /needs/new", false, x.needNewPage)
	x.handle("POST /needs", false, x.needCreate)
	x.handle("GET /needs/{id}", true, x.needPage)
	x.confirmable("/needs/{id}/take", x.askTakeNeed, x.takeNeedForm)
	x.confirmable("/needs/{id}/review", x.askReviewNeed, x.reviewNeedForm)
	x.confirmable("/needs/{id}/rating", x.askRateNeed, x.rateNeedForm)
	x.confirmable("/needs/{id}/close", x.askCloseNeed, x.closeNeedForm)

	// Pairing (结对): an organisation's visits to a recipient (pairings.go).
	x.handle("GET /pairings", false, x.pairingsPage)
	x.handle("GET /pairings/new", false, x.pairingNewPage)
	x.handle("POST /pairings", false, x.pairingCreate)
	x.handle("GET /pairings/{id}", false, x.pairingPage)
	x.confirmable("/pairings/{id}/end", x.askEndPairing, x.endPairingForm)

	// Activities: search, the activity page, an organisation's activities (activities.go).
	x.handle("GET /activities", true, x.activitySearch)
	x.handle("GET /activities/{id}", true, x.activityShow)
	x.handle("POST /activities/{id}/publish", false, x.activityAction("publish"))
	x.confirmable("/activities/{id}/close", x.askEndActivity(zhiyuan.ActivityClosed), x.activityAction("close"))
	x.confirmable("/activities/{id}/cancel", x.askEndActivity(zhiyuan.ActivityCancelled), x.activityAction("cancel"))
	x.handle("POST /activities/{id}/sessions", false, x.activityAddSessions)
	x.handle("POST /sessions/{id}/capacity", false, x.sessionCapacity)
	x.handle("GET /orgs/{id}/activities", false, x.orgActivities)
	x.handle("GET /orgs/{id}/activities/new", false, x.activityNewForm)
	x.handle("POST /orgs/{id}/activities", false, x.activityCreate)
	x.handle("POST /orgs/{id}/projects", false, x.projectCreate)

	// Editing an activity (activity_edit.go).
	x.handle("GET /activities/{id}/edit", false, x.activityEditForm)
	x.handle("POST /activities/{id}/edit", false, x.activityEdit)

	// Check-in, attendance, hours, corrections and disputes (attendance.go).
	x.handle("GET /sessions/{id}/checkin", false, x.checkinScreen)
	x.handle("GET /sessions/{id}/attendance", false, x.sessionAttendancePage)
	x.handle("POST /sessions/{id}/attendance", false, x.markAttendanceForm)
	x.confirmable("/sessions/{id}/hours/confirm", x.askConfirmHours, x.confirmHoursForm)
	x.confirmable("/sessions/{id}/hour-entries", x.askMakeup, x.makeupForm)
	x.confirmable("/hour-entries/{id}/corrections", x.askCorrection, x.correctionForm)
	x.confirmable("/disputes/{id}/resolve", x.askResolveDispute, x.resolveDisputeForm)
	x.handle("GET /checkin", false, x.checkinForm)
	x.handle("POST /checkin", false, x.checkinSubmit)
	x.handle("GET /checkin/done", false, x.checkinDone)
	x.handle("GET /me/hours", false, x.myHoursPage)
	x.handle("POST /hour-entries/{id}/disputes", false, x.disputeForm)
	x.handle("GET /hours/overdue", false, x.overduePage)

	// Volunteer cards: applying, the card, the administrators' queue and batches (cards.go).
	x.handle("GET /me/card", false, x.myCardPage)
	x.handle("POST /me/card/apply", false, x.cardApply)
	x.confirmable("/me/card/lost", x.askCardLost, x.cardLost)
	x.handle("GET /me/card/photo", false, x.cardPhoto)
	x.handle("GET /admin/cards", false, x.cardQueue)
	x.handle("POST /admin/cards/decide", false, x.cardDecide)
	x.handle("POST /admin/cards/batches", false, x.cardBatchCreate)
	x.handle("GET /admin/cards/batches/{id}", false, x.cardBatchPage)
	x.handle("GET /admin/cards/batches/{id}/print-list.xlsx", false, x.cardBatchPrintList)
	x.handle("GET /admin/cards/batches/{id}/photos.zip", false, x.cardBatchPhotos)
	x.handle("GET /admin/cards/applications/{id}/photo", false, x.cardApplicationPhoto)
	x.confirmable("/admin/cards/batches/{id}/printed", x.askCardBatch(zhiyuan.BatchPrinted), x.cardBatchAdvance(zhiyuan.BatchPrinted))
	x.confirmable("/admin/cards/batches/{id}/issued", x.askCardBatch(zhiyuan.BatchIssued), x.cardBatchAdvance(zhiyuan.BatchIssued))
	x.handle("GET /admin/cards/card", false, x.cardAdminPage)
	x.confirmable("/admin/cards/card/revoke", x.askCardRevoke, x.cardRevoke)
	x.confirmable("/admin/cards/card/reissue", x.askCardReissue, x.cardReissue)
	x.handle("GET /verify/card/{payload}", true, x.verifyCardPage)

	// The credit record: 我的信用, a mark's page with the appeal, the waiver and the
	// decision (each asks first), the region's appeals; insurance policies (credit.go).
	x.handle("GET /me/credit", false, x.myCreditPage)
	x.handle("GET /me/recommendations", false, x.myRecommendationsPage)
	x.handle("POST /me/invitation-setting", false, x.invitationSettingForm)
	x.handle("GET /sessions/{id}/candidates", false, x.sessionCandidatesPage)
	x.handle("POST /sessions/{id}/invitations", false, x.inviteForm)
	x.handle("GET /credit-marks/{id}", false, x.creditMarkPage)
	x.confirmable("/credit-marks/{id}/appeal", x.askMark("appeal"), x.appealMarkForm)
	x.confirmable("/credit-marks/{id}/waive", x.askMark("waive"), x.waiveMarkForm)
	x.confirmable("/credit-marks/{id}/decision", x.askMark("decision"), x.decideAppealForm)
	x.handle("GET /admin/credit-appeals", false, x.creditAppealsPage)
	x.handle("GET /orgs/{id}/insurance", false, x.orgInsurancePage)
	x.handle("POST /orgs/{id}/insurance", false, x.orgInsuranceCreate)

	// Hours offered to a volunteer who was not signed up (hour_offers.go).
	x.handle("POST /me/hour-offers/{id}/accept", false, x.acceptOfferForm)
	x.handle("GET /me/hour-offers/{id}/dispute", false, x.disputeOfferPage)
	x.handle("POST /me/hour-offers/{id}/dispute", false, x.disputeOfferForm)

	// Recognition and care: 我的荣誉, an organisation's 表彰与培训, a region's 表彰管理,
	// revoking an award, a session's 服务评价 (honours.go).
	x.handle("GET /me/honours", false, x.myHonoursPage)
	x.handle("POST /sessions/{id}/my-evaluation", false, x.myEvaluationForm)
	x.handle("GET /orgs/{id}/honours", false, x.orgHonoursPage)
	x.handle("POST /orgs/{id}/awards", false, x.orgAwardForm)
	x.handle("POST /orgs/{id}/trainings", false, x.orgTrainingForm)
	x.handle("POST /orgs/{id}/care-visits", false, x.orgCareForm)
	x.handle("GET /admin/honours", false, x.regionHonoursPage)
	x.handle("POST /admin/honours", false, x.regionAwardForm)
	x.confirmable("/awards/{id}/revoke", x.askRevokeAward, x.revokeAwardForm)
	x.handle("GET /sessions/{id}/evaluations", false, x.sessionEvaluationsPage)
	x.handle("POST /sessions/{id}/evaluations/{volunteer_id}", false, x.evaluateVolunteerForm)

	// The public ledger's anchors (ledger.go).
	x.handle("GET /ledger/anchors", true, x.ledgerAnchorsPage)

	// Organisation membership and administrators (members.go).
	x.handle("GET /orgs/{id}/imports", false, x.importPage)
	x.handle("POST /orgs/{id}/imports", false, x.importUpload)
	x.handle("GET /imports/{id}", false, x.importShow)
	x.confirmable("/imports/{id}/run", x.askImportRun, x.importRun)
	x.handle("GET /imports/{id}/errors.xlsx", false, x.importErrors)
	x.handle("GET /import-template.xlsx", true, x.importTemplate)
	x.handle("GET /orgs/{id}/members", false, x.memberList)
	x.handle("POST /orgs/{id}/members/{volunteer_id}/approve", false, x.memberApprove)
	x.confirmable("/orgs/{id}/members/{volunteer_id}/reject", x.askMemberReject, x.memberReject)
	x.handle("POST /orgs/{id}/join", false, x.memberJoin)
	x.confirmable("/orgs/{id}/leave", x.askMemberLeave, x.memberLeave)
	x.handle("POST /orgs/{id}/admins", false, x.orgAddAdmin)

	// Organisations: the directory, creating one, approval (organizations.go).
	x.handle("GET /orgs", true, x.orgDirectory)
	x.handle("GET /orgs/new", false, x.orgNewForm)
	x.handle("POST /orgs/new", false, x.orgCreate)
	x.handle("GET /orgs/{id}", true, x.orgShow)
	x.confirmable("/orgs/{id}/approve", x.askOrgDecide(true), x.orgApprove)
	x.confirmable("/orgs/{id}/reject", x.askOrgDecide(false), x.orgReject)
	x.handle("GET /admin/orgs", false, x.orgAdminList)
	x.handle("GET /me/orgs", false, x.orgMine)

	// The League registration rate: the roster form, the units behind and their export (league.go).
	x.handle("POST /orgs/{id}/league-roster", false, x.orgLeagueRoster)
	x.handle("GET /admin/league", false, x.leagueUnits)
	x.handle("GET /admin/league/units.xlsx", false, x.leagueUnitsExport)
	// League roster imports (league_import.go).
	x.handle("GET /admin/league/import", false, x.leagueImportPage)
	x.handle("POST /admin/league/import", false, x.leagueImportUpload)
	x.handle("GET /orgs/{id}/league-import", false, x.leagueImportPage)
	x.handle("POST /orgs/{id}/league-import", false, x.leagueImportUpload)
	x.handle("GET /league-imports/{id}", false, x.leagueImportShow)
	x.confirmable("/league-imports/{id}/apply", x.askLeagueImportApply, x.leagueImportApply)
	x.handle("GET /league-rosters/template.xlsx", false, x.leagueRosterTemplate)

	// Partners and benefits: the list, claims, the partner's page, the gate, approvals (partners.go).
	x.handle("GET /benefits", true, x.benefitsPage)
	x.confirmable("/benefits/{id}/claim", x.askClaimBenefit, x.benefitClaim)
	x.handle("GET /me/benefits", false, x.myBenefitsPage)
	x.handle("GET /partners/new", false, x.partnerNewForm)
	x.handle("POST /partners/new", false, x.partnerApply)
	x.handle("GET /partner", false, x.partnerHome)
	x.handle("POST /partner/staff", false, x.partnerAddStaff)
	x.confirmable("/partner/staff/{account}/remove", x.askRemovePartnerStaff, x.partnerRemoveStaff)
	x.handle("POST /partner/benefits", false, x.partnerPublish)
	x.handle("GET /partner/scan", false, x.partnerScanForm)
	x.handle("POST /partner/scan", false, x.partnerScan)
	x.confirmable("/partner/uses", x.askUse, x.partnerUse)
	x.handle("GET /admin/partners", false, x.partnerAdminList)
	x.confirmable("/admin/partners/{id}/approve", x.askPartnerDecide(true), x.partnerApprove)
	x.confirmable("/admin/partners/{id}/reject", x.askPartnerDecide(false), x.partnerReject)

	// Service proofs and the public verification pages (proofs.go).
	x.handle("GET /me/proofs", false, x.myProofsPage)
	x.handle("POST /me/proofs", false, x.proofIssue)
	x.handle("GET /me/proofs/{code}/pdf", false, x.proofPDF)
	x.handle("GET /verify", true, x.verifyForm)
	x.handle("GET /verify/proof", true, x.verifyProofQuery)
	x.handle("GET /verify/proof/{code}", true, x.verifyProofPage)

	// Password reset, the outbox, finding a volunteer and resetting their access (reset.go).
	x.handle("GET /forgot", true, x.forgotForm)
	x.handle("POST /forgot", true, x.forgot)
	x.handle("GET /reset", true, x.resetForm)
	x.handle("POST /reset", true, x.reset)
	// The exchange with the national volunteer information system (exchange.go).
	x.handle("GET /admin/exchange", false, x.exchangePage)
	x.handle("POST /admin/exchange/download", false, x.exchangeDownload)
	// Claiming an account a unit registered (claims.go).
	x.handle("GET /claim", true, x.claimForm)
	x.handle("POST /claim", true, x.claim)
	x.handle("GET /admin/outbox", false, x.outbox)
	// Background jobs that failed, and running one again (jobs.go).
	x.handle("GET /admin/jobs", false, x.jobs)
	x.handle("GET /admin/jobs/{id}/retry", false, x.jobRetryForm)
	x.handle("POST /admin/jobs/{id}/retry", false, x.jobRetry)
	x.handle("GET /admin/volunteers", false, x.adminVolunteerFind)
	x.handle("POST /admin/volunteers", false, x.adminVolunteerFind)
	x.handle("GET /admin/volunteers/{id}", false, x.adminVolunteer)
	x.handle("POST /admin/volunteers/{id}/reset-access", false, x.adminResetAccess)

	// Sign-ups, decisions on them, notifications (signups.go).
	x.handle("POST /sessions/{id}/signup", false, x.signUp)
	x.handle("POST /activities/{id}/signups", false, x.signUpSessions)
	x.confirmable("/signups/{id}/cancel", x.askCancelSignup, x.cancelSignup)
	x.handle("GET /me/signups", false, x.mySignups)
	x.handle("GET /sessions/{id}/signups", false, x.sessionSignups)
	x.handle("POST /sessions/{id}/signups/decide", false, x.decideSignups)
	x.handle("GET /sessions/{id}/signups.xlsx", false, x.exportSignups)
	x.handle("GET /me/notifications", false, x.notifications)
	x.handle("POST /me/notifications/read", false, x.readNotifications)

	// Volunteers: registration, profile, export and closing an account (volunteers.go).
	x.handle("GET /register", true, x.registerForm)
	x.handle("POST /register", true, x.register)
	x.handle("GET /me", false, x.profile)
	x.handle("POST /me", false, x.updateProfile)
	x.handle("POST /me/password", false, x.changePassword)
	x.handle("POST /me/guardian-consent", false, x.guardianConsent)
	x.handle("GET /me/export", false, x.exportMyData)
	x.handle("GET /me/close", false, x.closeForm)
	x.handle("POST /me/close", false, x.closeAccount)
	x.handle("GET /goodbye", true, x.goodbye)

	// Anything else is the "page not found" page.
	x.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		x.renderError(w, r, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page"))
	})
}
