-- The sign-up in one round trip (issue 18). The transaction of signups.go (createSignup)
-- is six round trips on PostgreSQL: BEGIN, the seat, the volunteer, the duplicate and
-- overlap check, the INSERT, COMMIT. This function runs the same statements, in the same
-- lock order, as one call: PL/pgSQL takes a fresh snapshot for each statement of a
-- VOLATILE function under READ COMMITTED, so the check after the volunteer's row lock sees
-- every earlier sign-up of theirs exactly as the transaction does. A refusal after a seat
-- was taken raises, which undoes the whole call; refusals before any change return.
--
-- outcome: 'confirmed', 'waitlisted' or 'pending' (the sign-up written, signup_id and,
-- when waitlisted, place); 'no_seat' (no seat and no waitlist) or 'closed' (the session
-- takes no sign-ups), with the session's status (NULL when there is no such session).
-- Raised: 'zhiyuan_signup:volunteer' (no active volunteer, or a suspended one when
-- p_credit) and 'zhiyuan_signup:other:<session id>' (an active sign-up of theirs to the
-- same session or an overlapping one).
CREATE FUNCTION zhiyuan_signup(
    p_session BIGINT, p_activity BIGINT, p_volunteer BIGINT, p_admission BOOLEAN, p_waitlist BOOLEAN,
    p_starts TIMESTAMPTZ, p_ends TIMESTAMPTZ, p_now TIMESTAMPTZ, p_credit BOOLEAN,
    OUT outcome TEXT, OUT signup_id BIGINT, OUT place INTEGER, OUT session_status TEXT)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    other BIGINT;
BEGIN
    place := 0;
    IF p_admission THEN
        -- An application holds no seat: admission takes one, conditionally.
        UPDATE activity_sessions SET pending_count = pending_count + 1 WHERE id = p_session AND status = 'open';
        IF NOT FOUND THEN
            outcome := 'closed';
            SELECT status INTO session_status FROM activity_sessions WHERE id = p_session;
            RETURN;
        END IF;
        outcome := 'pending';
    ELSE
        UPDATE activity_sessions SET seats_taken = seats_taken + 1
            WHERE id = p_session AND status = 'open' AND seats_taken < capacity;
        outcome := 'confirmed';
        IF NOT FOUND THEN
            IF NOT p_waitlist THEN
                outcome := 'no_seat';
                SELECT status INTO session_status FROM activity_sessions WHERE id = p_session;
                RETURN;
            END IF;
            -- Under the session row's lock the counter is the new sign-up's place in line.
            UPDATE activity_sessions SET waitlist_count = waitlist_count + 1
                WHERE id = p_session AND status = 'open' RETURNING waitlist_count INTO place;
            IF NOT FOUND THEN
                outcome := 'closed';
                place := 0; -- the RETURNING found no row and left it NULL
                SELECT status INTO session_status FROM activity_sessions WHERE id = p_session;
                RETURN;
            END IF;
            outcome := 'waitlisted';
        END IF;
    END IF;

    UPDATE volunteers SET signup_seq = signup_seq + 1 WHERE id = p_volunteer AND status = 'active'
        AND (NOT p_credit OR suspended_until IS NULL OR suspended_until <= p_now);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'zhiyuan_signup:volunteer';
    END IF;

    SELECT sg.session_id INTO other
        FROM signups sg JOIN activity_sessions se ON se.id = sg.session_id
        WHERE sg.volunteer_id = p_volunteer AND sg.status IN ('pending', 'confirmed', 'waitlisted')
        AND (sg.session_id = p_session OR (se.starts_at < p_ends AND se.ends_at > p_starts))
        ORDER BY CASE WHEN sg.session_id = p_session THEN 0 ELSE 1 END LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'zhiyuan_signup:other:%', other;
    END IF;

    INSERT INTO signups (session_id, activity_id, volunteer_id, status, late, created_at, updated_at)
        VALUES (p_session, p_activity, p_volunteer, outcome, FALSE, p_now, p_now)
        RETURNING id INTO signup_id;
END
$$;
