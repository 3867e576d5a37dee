-- Sealed contact details (issue 9, part 11). Email, home address and a minor's guardian's
-- name and phone are kept like identity numbers: AES-GCM ciphertexts (pii.Keys.Seal, the
-- column's name as context) in the *_sealed columns. SQL cannot encrypt, so rows written
-- before this migration still hold them in clear: the application seals those at start,
-- in batches, and empties the clear columns (app.SealPersonalData). The clear columns stay,
-- always empty afterwards, so that this migration never loses data, even when the step has
-- not run yet; see docs/ARCHITECTURE.md "Personal data". No blind index: nothing looks a
-- volunteer up by these fields, and an index would show which rows share a value.

ALTER TABLE volunteers ADD COLUMN email_sealed BLOB;
ALTER TABLE volunteers ADD COLUMN address_sealed BLOB;
ALTER TABLE volunteers ADD COLUMN guardian_name_sealed BLOB;
ALTER TABLE volunteers ADD COLUMN guardian_phone_sealed BLOB;

-- The rows still in clear, so that the sealing step finds what is left without reading the
-- whole table at every start; empty once everything is sealed.
CREATE INDEX volunteers_clear_contact_idx ON volunteers (id)
    WHERE email <> '' OR address <> '' OR guardian_name <> '' OR guardian_phone <> '';
