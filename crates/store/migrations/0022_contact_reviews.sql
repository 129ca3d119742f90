-- Contact reviews (rà soát): the tracing team reached a contact (F1–F4) by
-- call or visit and checked the exposure. "F1 đã rà soát" in a rapid report
-- counts an F1 with a `confirmed` review dated within their F1 period.

CREATE TABLE contact_reviews (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    -- The day the team reached (or tried to reach) the person, `yyyy-mm-dd`;
    -- never after the day it was recorded.
    reviewed_on TEXT NOT NULL,
    -- `confirmed` (reached, exposure confirmed), `not_reached` (called or
    -- visited, not reached), `not_a_contact` (reached, no qualifying exposure).
    outcome TEXT NOT NULL,
    note TEXT,
    -- The person's class (1–4) when the review was recorded.
    level BIGINT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX contact_reviews_person ON contact_reviews(person_id, reviewed_on);
CREATE INDEX contact_reviews_commune ON contact_reviews(commune_code, reviewed_on);
CREATE INDEX contact_reviews_district ON contact_reviews(district_code, reviewed_on);
CREATE INDEX contact_reviews_province ON contact_reviews(province_code, reviewed_on);
