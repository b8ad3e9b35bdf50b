-- complaintflow on PostgreSQL, 3 of 3: the guard, an event trigger that refuses the DDL
-- which would switch the append-only triggers off, remove them or rewrite history.
-- Run as a superuser (only superusers create event triggers), after postgres-schema.sql;
-- PostgresStore.create_schema() does when it connects as one. Idempotent: it arms the
-- guard with the state it finds the first time, and leaves an armed guard as it is.
--
-- It refuses, for every role (superusers included, unless they break the glass):
--   * any ALTER TABLE (DISABLE TRIGGER, ALTER COLUMN ... TYPE ... USING, DROP COLUMN,
--     RENAME, ENABLE ROW LEVEL SECURITY, ...) of complaint_events or feed_head;
--   * DROP of those tables, of their triggers, of the trigger functions or of the schema;
--   * any other DDL after which the fingerprint (the triggers on complaint_events with
--     their definitions and states, its rules, the trigger functions' definitions and
--     owners, the tables' oids) differs from the armed one: CREATE OR REPLACE FUNCTION
--     with another body, ALTER TRIGGER ... RENAME, CREATE OR REPLACE TRIGGER, ...
-- To break the glass (superusers only, deliberately), then re-arm:
--   BEGIN; SET LOCAL complaintflow.allow_ddl = 'on'; <the DDL>; COMMIT;
--   UPDATE complaintflow_guard.armed SET fingerprint = complaintflow_guard.fingerprint(),
--          armed_at = now(), armed_by = session_user;
-- It cannot stop a superuser who drops or disables the event triggers themselves, edits
-- the system catalogs, starts the server in single-user mode or edits its files: the
-- application never connects as a superuser, and the digest chain makes such edits
-- visible (complaintflow verify --postgres).

CREATE SCHEMA IF NOT EXISTS complaintflow_guard;
REVOKE ALL ON SCHEMA complaintflow_guard FROM PUBLIC;

CREATE TABLE IF NOT EXISTS complaintflow_guard.armed (
    only_row    boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    fingerprint text        NOT NULL,
    armed_at    timestamptz NOT NULL DEFAULT now(),
    armed_by    name        NOT NULL DEFAULT session_user
);
REVOKE ALL ON complaintflow_guard.armed FROM PUBLIC;

CREATE OR REPLACE FUNCTION complaintflow_guard.fingerprint() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT md5(concat_ws(E'\n',
        coalesce(to_regclass('complaintflow.complaint_events')::oid::text, 'no complaint_events'),
        coalesce(to_regclass('complaintflow.feed_head')::oid::text, 'no feed_head'),
        (SELECT string_agg(concat_ws(' ', t.tgname, t.tgenabled::text, pg_get_triggerdef(t.oid)),
                           E'\n' ORDER BY t.tgname)
           FROM pg_trigger t
          WHERE t.tgrelid = to_regclass('complaintflow.complaint_events')
            AND NOT t.tgisinternal),
        (SELECT string_agg(concat_ws(' ', r.rulename, pg_get_ruledef(r.oid)), E'\n' ORDER BY r.rulename)
           FROM pg_rewrite r
          WHERE r.ev_class = to_regclass('complaintflow.complaint_events')),
        (SELECT string_agg(concat_ws(' ', p.proowner::regrole::text, pg_get_functiondef(p.oid)),
                           E'\n' ORDER BY p.proname)
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'complaintflow'
            AND p.proname IN ('refuse_change', 'assign_feed_position'))))
$$;

CREATE OR REPLACE FUNCTION complaintflow_guard.enforce() RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    guarded oid[] := array_remove(ARRAY[to_regclass('complaintflow.complaint_events')::oid,
                                        to_regclass('complaintflow.feed_head')::oid], NULL);
    armed   text;
    item    record;
BEGIN
    SELECT fingerprint INTO armed FROM complaintflow_guard.armed;
    IF armed IS NULL THEN
        RETURN;  -- not armed yet
    END IF;
    IF current_setting('complaintflow.allow_ddl', true) = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RAISE WARNING 'complaintflow guard: % allowed by complaintflow.allow_ddl for superuser %',
            tg_tag, session_user;
        RETURN;
    END IF;

    IF tg_event = 'sql_drop' THEN
        IF EXISTS (SELECT FROM pg_event_trigger_dropped_objects() d
                   WHERE (d.classid = 'pg_class'::regclass AND d.objid = ANY (guarded))
                      OR (d.object_type = 'trigger'
                          AND d.object_identity LIKE '% on complaintflow.complaint_events')
                      OR (d.object_type = 'function' AND d.schema_name = 'complaintflow')
                      OR (d.object_type = 'schema' AND d.object_identity = 'complaintflow')) THEN
            RAISE EXCEPTION 'complaintflow guard: % of % refused: complaint_events is append-only',
                tg_tag, (SELECT string_agg(d.object_type || ' ' || d.object_identity, ', ')
                           FROM pg_event_trigger_dropped_objects() d WHERE d.original)
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN;
    END IF;

    -- ddl_command_end
    FOR item IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF item.classid = 'pg_class'::regclass AND item.objid = ANY (guarded)
           AND item.command_tag NOT IN ('COMMENT', 'GRANT', 'REVOKE', 'SECURITY LABEL') THEN
            RAISE EXCEPTION 'complaintflow guard: % on % refused: complaint_events is append-only',
                item.command_tag, item.object_identity
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    IF complaintflow_guard.fingerprint() IS DISTINCT FROM armed THEN
        RAISE EXCEPTION 'complaintflow guard: % refused: it would change the append-only triggers or their functions', tg_tag
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION complaintflow_guard.enforce() FROM PUBLIC;
REVOKE ALL ON FUNCTION complaintflow_guard.fingerprint() FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'complaintflow_guard_ddl') THEN
        CREATE EVENT TRIGGER complaintflow_guard_ddl ON ddl_command_end
            EXECUTE FUNCTION complaintflow_guard.enforce();
    END IF;
    IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'complaintflow_guard_drop') THEN
        CREATE EVENT TRIGGER complaintflow_guard_drop ON sql_drop
            EXECUTE FUNCTION complaintflow_guard.enforce();
    END IF;
END
$$;
-- fire even under session_replication_role = replica
ALTER EVENT TRIGGER complaintflow_guard_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER complaintflow_guard_drop ENABLE ALWAYS;

-- arm with the state as it is now, unless already armed
INSERT INTO complaintflow_guard.armed (fingerprint)
VALUES (complaintflow_guard.fingerprint())
ON CONFLICT (only_row) DO NOTHING;
