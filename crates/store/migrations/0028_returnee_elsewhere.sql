-- A returnee whose CCCD is held by a record another unit keeps (often the
-- province they are leaving) is registered on that record, which follows
-- them home (issue 19): the registration keeps the name and birth year as
-- typed (the other unit's record is not shown to the commune), and the
-- street address they are going to, which becomes the record's address
-- when the commune confirms them home.
ALTER TABLE returnee_registrations ADD COLUMN full_name TEXT;
ALTER TABLE returnee_registrations ADD COLUMN birth_year BIGINT;
ALTER TABLE returnee_registrations ADD COLUMN street_address TEXT;
