-- Wrong short check-in codes (six digits) per account and session. A short code is
-- guessable one time in 10^6, so each try takes one of zhiyuan.MaxCheckinCodeFailures
-- here before the code is compared, in one conditional upsert (sqlstore.TakeShortCodeTry),
-- and a right code gives it back: concurrent guesses can never pass the limit.
CREATE TABLE checkin_code_failures (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    session_id INTEGER NOT NULL REFERENCES activity_sessions (id),
    failures   INTEGER NOT NULL CHECK (failures >= 0),
    PRIMARY KEY (account_id, session_id)
);
