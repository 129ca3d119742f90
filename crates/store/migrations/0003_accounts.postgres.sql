-- File existing audit entries under their unit's tree. The append-only guard is
-- lifted for this one statement of the migration, which only fills the new
-- columns, and put back at once.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log a SET
    province_code = u.province_code,
    district_code = u.district_code,
    commune_code = u.commune_code
FROM units u WHERE u.code = a.unit_code;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
