-- The rapid report counts returnees received (issue 19): on each day, the
-- registrations their destination commune confirmed home, and of them those
-- from an epidemic area. Kept in `figure_days` like every flow; the triggers
-- (in the engine's own file) list the communes a registration's write
-- touches, and the communes that already have registrations are listed
-- here so the next refresh counts them.
ALTER TABLE figure_days ADD COLUMN returnees_received BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN returnees_received_epidemic BIGINT NOT NULL DEFAULT 0;
INSERT INTO figure_changes (commune_code) SELECT DISTINCT commune_code FROM returnee_registrations;
-- Self-monitoring orders were counted in "in home quarantine"; they are in
-- neither quarantine stock now: their communes are counted again.
INSERT INTO figure_changes (commune_code) SELECT DISTINCT commune_code FROM quarantine_orders WHERE kind = 'self_monitoring';
