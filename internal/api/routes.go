package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// routes registers every route of the API, here and nowhere else, grouped by area (the
// handlers live in the file of the same name). To add a route, add its line to its area;
// the OpenAPI fragment in openapi/ must describe it too (TestOpenAPIMatchesRoutes).
// Reading this function is how a newcomer finds what the API offers and which routes
// are public (true: no login needed).
func (x *API) routes() {
	// Sign-in tokens and the caller (auth.go).
	x.handle("POST", "/auth/token", true, x.createToken)
	x.handle("DELETE", "/auth/token", false, x.deleteToken)
	x.handle("GET", "/me", false, x.me)

	// The home page's data: the caller's day and the platform's figures (dashboard.go).
	x.handle("GET", "/me/dashboard", false, x.myDashboard)
	x.handle("GET", "/figures", true, x.figures)           // with a scope and range too (figures.go)
	x.handle("GET", "/figures.xlsx", true, x.figuresSheet) // the same table as a spreadsheet

	// Regions, public reference data (regions.go).
	x.handle("GET", "/regions", true, x.listRegions)
	x.handle("GET", "/regions/{code}", true, x.getRegion)

	// Audit log and administrators (audit.go).
	x.handle("GET", "/audit", false, x.listAudit)
	x.handle("POST", "/admins", false, x.createAdmin)

	// Background jobs that failed, and running one again (jobs.go).
	x.handle("GET", "/admin/jobs", false, x.listJobs)
	x.handle("POST", "/admin/jobs/{id}/retry", false, x.retryJob)

	// Activities, their sessions and projects (activities.go).
	x.handle("POST", "/organizations/{id}/activities", false, x.createActivity)
	x.handle("GET", "/organizations/{id}/activities", false, x.listOrgActivities)
	x.handle("POST", "/organizations/{id}/projects", false, x.createProject)
	x.handle("GET", "/organizations/{id}/projects", true, x.listProjects)
	x.handle("GET", "/activities", true, x.searchActivities)
	x.handle("GET", "/activities/{id}", true, x.getActivity)
	x.handle("PATCH", "/activities/{id}", false, x.patchActivity)
	x.handle("POST", "/activities/{id}/publish", false, x.publishActivity)
	x.handle("POST", "/activities/{id}/close", false, x.closeActivity)
	x.handle("POST", "/activities/{id}/cancel", false, x.cancelActivity)
	x.handle("POST", "/activities/{id}/sessions", false, x.addSessions)
	x.handle("GET", "/sessions/{id}", true, x.getSession)
	x.handle("PATCH", "/sessions/{id}", false, x.patchSession)

	// Campaigns, the activities entered into them and the contest (campaigns.go).
	x.handle("POST", "/campaigns", false, x.createCampaign)
	x.handle("GET", "/campaigns", true, x.listCampaigns)
	x.handle("GET", "/campaigns/{id}", true, x.getCampaign)
	x.handle("PUT", "/campaigns/{id}/cover", false, x.putCampaignCover)
	x.handle("GET", "/campaigns/{id}/cover", true, x.getCampaignCover)
	x.handle("GET", "/campaigns/{id}/activities", true, x.campaignActivities)
	x.handle("GET", "/campaigns/{id}/rankings", true, x.campaignRankings)
	x.handle("GET", "/campaigns/{id}/rankings.xlsx", true, x.campaignRankingsSheet)
	x.handle("POST", "/campaigns/{id}/activities/{activity}/refuse", false, x.refuseCampaignEntry)
	x.handle("POST", "/activities/{id}/campaigns", false, x.enterCampaign)
	x.handle("GET", "/activities/{id}/campaigns", true, x.activityCampaigns)
	// Exemplary people (身边雷锋): a campaign's selection, nominations, consent, review,
	// candidates and likes, the organiser's report and voiding, results (selections.go).
	x.handle("POST", "/campaigns/{id}/selection", false, x.postSelection)
	x.handle("GET", "/campaigns/{id}/selection", true, x.getSelection)
	x.handle("POST", "/campaigns/{id}/nominations", false, x.postNomination)
	x.handle("GET", "/campaigns/{id}/candidates", true, x.listCandidates)
	x.handle("GET", "/campaigns/{id}/likes/report", false, x.likeReport)
	x.handle("POST", "/campaigns/{id}/likes/void", false, x.voidLikes)
	x.handle("POST", "/campaigns/{id}/jury", false, x.setJury)
	x.handle("POST", "/campaigns/{id}/results", false, x.publishResults)
	x.handle("GET", "/campaigns/{id}/results", true, x.getResults)
	x.handle("GET", "/nominations", false, x.reviewQueue)
	x.handle("GET", "/me/nominations", false, x.myNominations)
	x.handle("GET", "/nominations/{id}", true, x.getNomination)
	x.handle("POST", "/nominations/{id}/review", false, x.reviewNomination)
	x.handle("POST", "/nominations/{id}/consent", false, x.consentNomination)
	x.handle("POST", "/nominations/{id}/resubmit", false, x.resubmitNomination)
	x.handle("POST", "/candidates/{id}/likes", false, x.likeCandidate)
	// The project competition 益苗计划 (competitions.go).
	x.handle("POST", "/competitions", false, x.createCompetition)
	x.handle("GET", "/competitions", true, x.listCompetitions)
	x.handle("GET", "/competitions/{id}", true, x.getCompetition)
	x.handle("POST", "/competitions/{id}/projects", false, x.createCompetitionProject)
	x.handle("GET", "/competitions/{id}/projects", false, x.listCompetitionProjects)
	x.handle("GET", "/competitions/{id}/projects.xlsx", false, x.competitionSheet)
	x.handle("POST", "/competitions/{id}/judges", false, x.addCompetitionJudge)
	x.handle("GET", "/competitions/{id}/judges", false, x.listCompetitionJudges)
	x.handle("GET", "/competitions/{id}/ranking", false, x.competitionRanking)
	x.handle("POST", "/competitions/{id}/recommendations", false, x.recommendCompetitionProject)
	x.handle("POST", "/competitions/{id}/decisions", false, x.decideCompetitionProject) // competition_decisions.go
	x.handle("GET", "/competitions/{id}/decisions", false, x.listCompetitionDecisions)
	x.handle("POST", "/competitions/{id}/results", false, x.publishCompetitionResults)
	x.handle("GET", "/competitions/{id}/results", true, x.competitionResults)
	x.handle("POST", "/competitions/{id}/trainings", false, x.scheduleTraining) // competition_training.go
	x.handle("GET", "/competitions/{id}/trainings", false, x.listTrainings)
	x.handle("GET", "/competition-projects/{id}", false, x.getCompetitionProject)
	x.handle("PUT", "/competition-projects/{id}", false, x.updateCompetitionProject)
	x.handle("POST", "/competition-projects/{id}/submit", false, x.submitCompetitionProject)
	x.handle("POST", "/competition-projects/{id}/review", false, x.reviewCompetitionProject)
	x.handle("POST", "/competition-projects/{id}/judges", false, x.assignCompetitionJudge)
	x.handle("POST", "/competition-projects/{id}/scores", false, x.submitCompetitionScore)
	x.handle("GET", "/competition-projects/{id}/scores", false, x.listCompetitionScores)
	x.handle("POST", "/competition-projects/{id}/attachments", false, x.uploadCompetitionAttachment) // competition_attachments.go
	x.handle("GET", "/competition-projects/{id}/attachments", false, x.listCompetitionAttachments)
	x.handle("GET", "/competition-attachments/{id}", false, x.downloadCompetitionAttachment)
	x.handle("DELETE", "/competition-attachments/{id}", false, x.deleteCompetitionAttachment)

	// Needs (点单) and taking them (接单) (needs.go).
	x.handle("POST", "/needs", false, x.postNeed)
	x.handle("GET", "/needs", true, x.listNeeds)
	x.handle("GET", "/needs/{id}", true, x.getNeed)
	x.handle("POST", "/needs/{id}/review", false, x.reviewNeed)
	x.handle("POST", "/needs/{id}/take", false, x.takeNeed)
	x.handle("POST", "/needs/{id}/rating", false, x.rateNeed)
	x.handle("POST", "/needs/{id}/close", false, x.closeNeed)
	x.handle("GET", "/organizations/{id}/need-ratings", true, x.orgNeedRatings)

	// Pairing (结对): an organisation's visits to a recipient (pairings.go).
	x.handle("POST", "/pairings", false, x.postPairing)
	x.handle("GET", "/pairings", false, x.listPairings)
	x.handle("GET", "/pairings/{id}", false, x.getPairing)
	x.handle("POST", "/pairings/{id}/end", false, x.endPairing)

	// Attendance, hours, corrections and disputes (attendance.go).
	x.handle("GET", "/sessions/{id}/checkin-code", false, x.checkinCode)
	x.handle("POST", "/attendance", false, x.scan)
	x.handle("POST", "/sessions/{id}/attendance", false, x.markAttendance)
	x.handle("GET", "/sessions/{id}/attendance", false, x.sessionAttendance)
	x.handle("POST", "/sessions/{id}/hours/confirm", false, x.confirmSessionHours)
	x.handle("POST", "/hours/confirm", false, x.confirmHours)
	x.handle("POST", "/sessions/{id}/hour-entries", false, x.addMakeup)
	x.handle("POST", "/hour-entries/{id}/corrections", false, x.correctEntry)
	x.handle("POST", "/hour-entries/{id}/disputes", false, x.disputeEntry)
	x.handle("GET", "/organizations/{id}/disputes", false, x.orgDisputes)
	x.handle("POST", "/disputes/{id}/resolve", false, x.resolveDispute)
	x.handle("GET", "/hours/overdue", false, x.overdueHours)
	x.handle("GET", "/me/hours", false, x.myHours)
	x.handle("GET", "/hour-entries/{id}", false, x.getHourEntry)
	x.handle("GET", "/me/disputes", false, x.myDisputes)

	// Volunteer cards: applications, batches, the card itself, offline verification (cards.go).
	x.handle("POST", "/me/card-applications", false, x.applyForCard)
	x.handle("GET", "/me/card-applications", false, x.myCardApplications)
	x.handle("GET", "/me/card", false, x.myCard)
	x.handle("GET", "/me/card/photo", false, x.myCardPhoto)
	x.handle("POST", "/me/card/report-lost", false, x.reportCardLost)
	x.handle("GET", "/card-applications", false, x.cardApplications)
	x.handle("GET", "/card-applications/{id}", false, x.cardApplication)
	x.handle("POST", "/card-applications/{id}/approve", false, x.approveCardApplication)
	x.handle("POST", "/card-applications/{id}/reject", false, x.rejectCardApplication)
	x.handle("POST", "/card-applications/approve", false, x.bulkApproveCardApplications)
	x.handle("POST", "/card-applications/reject", false, x.bulkRejectCardApplications)
	x.handle("POST", "/card-batches", false, x.createCardBatch)
	x.handle("GET", "/card-batches", false, x.cardBatches)
	x.handle("GET", "/card-batches/{id}", false, x.cardBatch)
	x.handle("GET", "/card-batches/{id}/print-list", false, x.cardBatchPrintList)
	x.handle("GET", "/card-batches/{id}/photos", false, x.cardBatchPhotos)
	x.handle("POST", "/card-batches/{id}/printed", false, x.cardBatchAdvance(zhiyuan.BatchPrinted))
	x.handle("POST", "/card-batches/{id}/issued", false, x.cardBatchAdvance(zhiyuan.BatchIssued))
	x.handle("GET", "/cards/{number}", false, x.getCard)
	x.handle("POST", "/cards/{number}/revoke", false, x.revokeCard)
	x.handle("POST", "/cards/{number}/reissue", false, x.reissueCard)
	x.handle("GET", "/keys", true, x.publicKeys)
	x.handle("GET", "/verify/card/{payload}", true, x.verifyCard)

	// Hours offered to a volunteer who was not signed up (hour_offers.go).
	x.handle("GET", "/me/hour-offers", false, x.myHourOffers)
	x.handle("POST", "/hour-offers/{id}/accept", false, x.acceptHourOffer)
	x.handle("POST", "/hour-offers/{id}/dispute", false, x.disputeHourOffer)

	// The public ledger's anchors (ledger.go).
	x.handle("GET", "/ledger/anchors", true, x.ledgerAnchors)

	// Recognition and care: awards, training, evaluations, care visits (honours.go).
	x.handle("GET", "/me/honours", false, x.myHonours)
	x.handle("POST", "/organizations/{id}/awards", false, x.grantOrgAward)
	x.handle("GET", "/organizations/{id}/awards", false, x.listOrgAwards)
	x.handle("POST", "/awards", false, x.grantRegionAward)
	x.handle("GET", "/awards", false, x.listRegionAwards)
	x.handle("POST", "/awards/{id}/revoke", false, x.revokeAward)
	x.handle("POST", "/organizations/{id}/trainings", false, x.recordTraining)
	x.handle("GET", "/organizations/{id}/trainings", false, x.listOrgTrainings)
	x.handle("GET", "/sessions/{id}/evaluations", false, x.sessionEvaluations)
	x.handle("PUT", "/sessions/{id}/evaluations/{volunteer_id}", false, x.evaluateVolunteer)
	x.handle("PUT", "/sessions/{id}/my-evaluation", false, x.evaluateActivity)
	x.handle("GET", "/activities/{id}/rating", true, x.activityRating)
	x.handle("POST", "/organizations/{id}/care-visits", false, x.recordCareVisit)
	x.handle("GET", "/organizations/{id}/care-visits", false, x.listOrgCareVisits)
	x.handle("GET", "/care-visits/{id}", false, x.getCareVisit)

	// Organisation membership (members.go).
	x.handle("POST", "/organizations/{id}/members", false, x.joinOrganization)
	x.handle("GET", "/organizations/{id}/members", false, x.listMembers)
	x.handle("DELETE", "/organizations/{id}/members/me", false, x.leaveOrganization)
	x.handle("POST", "/organizations/{id}/members/{volunteer_id}/approve", false, x.approveMember)
	x.handle("POST", "/organizations/{id}/members/{volunteer_id}/reject", false, x.rejectMember)
	x.handle("GET", "/me/organizations", false, x.myOrganizations)

	// Importing member lists: template, upload and preview, run, error sheet (imports.go).
	x.handle("GET", "/import-template.xlsx", true, x.importTemplate)
	x.handle("POST", "/organizations/{id}/imports", false, x.uploadImport)
	x.handle("GET", "/imports/{id}", false, x.getImport)
	x.handle("POST", "/imports/{id}/run", false, x.runImport)
	x.handle("GET", "/imports/{id}/errors.xlsx", false, x.importErrors)

	// Notifications (notifications.go).
	x.handle("GET", "/me/notifications", false, x.listNotifications)
	x.handle("POST", "/me/notifications/read", false, x.readAllNotifications)
	x.handle("POST", "/me/notifications/{id}/read", false, x.readNotification)

	// Organisations and their administrators (organizations.go).
	x.handle("POST", "/organizations", false, x.createOrganization)
	x.handle("GET", "/organizations", true, x.listOrganizations)
	x.handle("GET", "/organizations/{id}", true, x.getOrganization)
	x.handle("GET", "/organizations/{id}/children", true, x.listChildren)
	x.handle("POST", "/organizations/{id}/approve", false, x.approveOrganization)
	x.handle("POST", "/organizations/{id}/reject", false, x.rejectOrganization)
	x.handle("GET", "/organizations/{id}/admins", false, x.listOrgAdmins)
	x.handle("POST", "/organizations/{id}/admins", false, x.addOrgAdmin)

	// The League registration rate: roster counts, figures, units behind (league.go).
	x.handle("PUT", "/organizations/{id}/league-roster", false, x.setLeagueRoster)
	x.handle("GET", "/organizations/{id}/league-rate", false, x.orgLeagueRate)
	x.handle("GET", "/regions/{code}/league-rate", false, x.regionLeagueRate)
	x.handle("GET", "/league-units", false, x.leagueUnits)
	// League roster imports (league_import.go).
	x.handle("GET", "/league-rosters/template.xlsx", false, x.leagueRosterTemplate)
	x.handle("POST", "/league-rosters/imports", false, x.uploadLeagueRosters)
	x.handle("GET", "/league-rosters/imports/{id}", false, x.leagueRosterImport)
	x.handle("POST", "/league-rosters/imports/{id}/apply", false, x.applyLeagueRosters)

	// Partners (联合激励单位), their benefits, claims and the gate (partners.go).
	x.handle("POST", "/partners", false, x.applyPartner)
	x.handle("GET", "/partners", false, x.listPartners)
	x.handle("GET", "/partners/{id}", true, x.getPartner)
	x.handle("POST", "/partners/{id}/approve", false, x.approvePartner)
	x.handle("POST", "/partners/{id}/reject", false, x.rejectPartner)
	x.handle("GET", "/partners/{id}/staff", false, x.listPartnerStaff)
	x.handle("POST", "/partners/{id}/staff", false, x.addPartnerStaff)
	x.handle("DELETE", "/partners/{id}/staff/{account_id}", false, x.removePartnerStaff)
	x.handle("POST", "/partners/{id}/benefits", false, x.publishBenefit)
	x.handle("GET", "/benefits", true, x.listBenefits)
	x.handle("GET", "/benefits/{id}", true, x.getBenefit)
	x.handle("POST", "/benefits/{id}/claims", false, x.claimBenefit)
	x.handle("GET", "/me/benefit-claims", false, x.myBenefitClaims)
	x.handle("GET", "/me/benefit-uses", false, x.myBenefitUses)
	x.handle("POST", "/partner/redemptions", false, x.redeem)

	// Service proofs and their public verification (proofs.go).
	x.handle("POST", "/me/proofs", false, x.issueProof)
	x.handle("GET", "/me/proofs", false, x.myProofs)
	x.handle("GET", "/me/proofs/{code}/pdf", false, x.myProofPDF)
	x.handle("GET", "/verify/proof/{code}", true, x.verifyProof)

	// Password reset and an administrator's reset of a volunteer's access (reset.go).
	x.handle("POST", "/auth/reset-code", true, x.requestResetCode)
	x.handle("POST", "/auth/reset", true, x.resetPassword)
	x.handle("POST", "/volunteers/{id}/reset-access", false, x.adminResetAccess)

	// The exchange with the national volunteer information system (exchange.go).
	x.handle("GET", "/exchange", false, x.exchangeScope)
	x.handle("GET", "/exchange/volunteers.xlsx", false, x.exchangeFile(app.ExchangeVolunteers, app.ExchangeXLSX))
	x.handle("GET", "/exchange/volunteers.csv", false, x.exchangeFile(app.ExchangeVolunteers, app.ExchangeCSV))
	x.handle("GET", "/exchange/hours.xlsx", false, x.exchangeFile(app.ExchangeHours, app.ExchangeXLSX))
	x.handle("GET", "/exchange/hours.csv", false, x.exchangeFile(app.ExchangeHours, app.ExchangeCSV))

	// Claiming an account a unit registered (claims.go).
	x.handle("POST", "/claims", true, x.createClaim)

	// Sign-ups and decisions on them (signups.go).
	x.handle("POST", "/sessions/{id}/signups", false, x.signUp)
	x.handle("POST", "/activities/{id}/signups", false, x.signUpSessions)
	x.handle("GET", "/sessions/{id}/signups", false, x.listSessionSignups)
	x.handle("POST", "/sessions/{id}/signups/admit", false, x.decideMany(zhiyuan.DecideAdmit))
	x.handle("POST", "/sessions/{id}/signups/reject", false, x.decideMany(zhiyuan.DecideReject))
	x.handle("GET", "/signups/{id}", false, x.getSignup)
	x.handle("DELETE", "/signups/{id}", false, x.cancelSignup)
	x.handle("POST", "/signups/{id}/admit", false, x.decideOne(zhiyuan.DecideAdmit))
	x.handle("POST", "/signups/{id}/reject", false, x.decideOne(zhiyuan.DecideReject))
	x.handle("POST", "/signups/{id}/no-show", false, x.decideOne(zhiyuan.DecideNoShow))
	x.handle("GET", "/me/signups", false, x.mySignups)
	x.handle("GET", "/me/recommendations", false, x.myRecommendations)
	x.handle("GET", "/me/invitation-setting", false, x.myInvitationSetting)
	x.handle("PUT", "/me/invitation-setting", false, x.setMyInvitationSetting)
	x.handle("GET", "/sessions/{id}/candidates", false, x.sessionCandidates)
	x.handle("POST", "/sessions/{id}/invitations", false, x.inviteVolunteers)

	// Volunteers: registration, profile, export and closing an account (volunteers.go).
	x.handle("POST", "/volunteers", true, x.registerVolunteer)
	x.handle("GET", "/volunteers/{id}", false, x.getVolunteer)
	x.handle("POST", "/volunteers/{id}/reveal-id", false, x.revealIDNumber)
	x.handle("GET", "/me/volunteer", false, x.getMyVolunteer)
	x.handle("PATCH", "/me/volunteer", false, x.patchMyVolunteer)
	x.handle("POST", "/me/volunteer/guardian-consent", false, x.guardianConsent)
	x.handle("POST", "/me/password", false, x.changePassword)
	x.handle("GET", "/me/export", false, x.exportMyData)
	x.handle("POST", "/me/close", false, x.closeMyAccount)

	// The credit record: marks, waiving, appeals and their decision; accident insurance
	// policies and an activity's cover (credit.go).
	x.handle("GET", "/me/credit", false, x.myCredit)
	x.handle("GET", "/credit-marks/{id}", false, x.getCreditMark)
	x.handle("POST", "/credit-marks/{id}/waive", false, x.waiveMark)
	x.handle("POST", "/credit-marks/{id}/appeal", false, x.appealMark)
	x.handle("POST", "/credit-marks/{id}/decision", false, x.decideAppeal)
	x.handle("GET", "/credit-appeals", false, x.creditAppeals)
	x.handle("GET", "/sessions/{id}/credit-marks", false, x.sessionCreditMarks)
	x.handle("POST", "/organizations/{id}/insurance-policies", false, x.createPolicy)
	x.handle("GET", "/organizations/{id}/insurance-policies", false, x.listPolicies)
	x.handle("GET", "/activities/{id}/insurance", true, x.activityInsurance)

	// The OpenAPI document, and for anything else under /api/ (other versions included)
	// a 404 in the API's shape.
	x.mux.HandleFunc("GET "+Prefix+"/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(x.doc)
	})
	x.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSONError(w, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.endpoint"))
	})
}
