-- The province's transport batches for returnees (convoys, buses, flights,
-- trains) and the seat of each registration assigned to one.

CREATE TABLE transport_batches (
    id {{ID}},
    province_code TEXT NOT NULL,
    name TEXT NOT NULL,
    means TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    departs_on TEXT NOT NULL,
    departure_point TEXT NOT NULL,
    route TEXT,
    -- planned, departed, arrived, cancelled.
    state TEXT NOT NULL,
    departed_at TEXT,
    arrived_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX transport_batches_province ON transport_batches(province_code, departs_on);

ALTER TABLE returnee_registrations ADD COLUMN batch_id BIGINT REFERENCES transport_batches(id);
ALTER TABLE returnee_registrations ADD COLUMN seat BIGINT;
-- One passenger a seat.
CREATE UNIQUE INDEX returnee_registrations_seat ON returnee_registrations(batch_id, seat)
    WHERE batch_id IS NOT NULL;

-- The phone typed with the registration (the registry's may be older or absent).
ALTER TABLE returnee_registrations ADD COLUMN contact_phone TEXT;
