-- File existing audit entries under their unit's tree. The append-only guard is
-- lifted for this one statement of the migration, which only fills the new
-- columns, and put back at once.
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET
    province_code = (SELECT u.province_code FROM units u WHERE u.code = audit_log.unit_code),
    district_code = (SELECT u.district_code FROM units u WHERE u.code = audit_log.unit_code),
    commune_code = (SELECT u.commune_code FROM units u WHERE u.code = audit_log.unit_code)
WHERE unit_code IS NOT NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
