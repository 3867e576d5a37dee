-- One count of 已录用 per session: seats_taken counts confirmed and no-show sign-ups.
-- Before this version the automatic no-show marking took the seat back and a late
-- check-in gave it again, so a session could show 19 on its sign-up list and 20 on its
-- attendance page. Recount every session's counters from its sign-ups once; from now on
-- the transactions keep them equal (TestSessionCountsOneDefinition). A cancelled
-- session keeps its zeros: cancelling gives every seat up.
UPDATE activity_sessions SET
	seats_taken = (SELECT COUNT(*) FROM signups g WHERE g.session_id = activity_sessions.id AND g.status IN ('confirmed', 'no_show')),
	pending_count = (SELECT COUNT(*) FROM signups g WHERE g.session_id = activity_sessions.id AND g.status = 'pending'),
	waitlist_count = (SELECT COUNT(*) FROM signups g WHERE g.session_id = activity_sessions.id AND g.status = 'waitlisted')
WHERE status <> 'cancelled';
