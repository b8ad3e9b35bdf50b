-- complaintflow on PostgreSQL, 2 of 3: the tables, their triggers and the grants.
-- Run as complaintflow_owner (SET ROLE complaintflow_owner), after postgres-roles.sql;
-- PostgresStore.create_schema() does. Idempotent, and safe to run again once
-- postgres-guard.sql has armed the guard: it creates only what is missing.
--
-- Without postgres-roles.sql (one role for everything, on a database of your own), it
-- creates the schema too, owned by whoever runs it, and grants nothing.

DO $$
BEGIN  -- not CREATE SCHEMA IF NOT EXISTS: it asks for CREATE on the database even then
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'complaintflow') THEN
        CREATE SCHEMA complaintflow;
    END IF;
END
$$;

-- The latest snapshot of each complaint. `snapshot` is the canonical JSON text that
-- `digest` covers (type json keeps the text byte for byte; query it with ->, ->>);
-- `head` is the digest of the complaint's last event.
CREATE TABLE IF NOT EXISTS complaintflow.complaints (
    complaint_id text        PRIMARY KEY,
    revision     bigint      NOT NULL CHECK (revision >= 1),
    seq          bigint      NOT NULL CHECK (seq >= 1),
    stage        text        NOT NULL,
    updated_at   timestamptz NOT NULL,
    snapshot     json        NOT NULL,
    digest       text        NOT NULL,
    head         text        NOT NULL
);
CREATE INDEX IF NOT EXISTS complaints_open ON complaintflow.complaints (stage)
    WHERE stage <> 'closed';

-- Every event, append-only. `digest` chains each to the one before it; `position` is its
-- place in the feed across complaints, given by the trigger below (whatever a writer
-- sends is overwritten).
CREATE TABLE IF NOT EXISTS complaintflow.complaint_events (
    complaint_id text        NOT NULL REFERENCES complaintflow.complaints (complaint_id),
    seq          bigint      NOT NULL CHECK (seq >= 1),
    type         text        NOT NULL,
    at           timestamptz NOT NULL,
    event        json        NOT NULL,
    digest       text        NOT NULL,
    position     bigint      NOT NULL,
    CONSTRAINT complaint_events_pkey PRIMARY KEY (complaint_id, seq),
    CONSTRAINT complaint_events_position_key UNIQUE (position)
);

-- One row: the last feed position given out. The first event a transaction inserts takes
-- this row's lock, and keeps it until the transaction ends, so transactions that append
-- events take their positions one after another and commit in position order: a reader
-- of "position > after" never later sees a smaller position appear. A rolled-back
-- transaction rolls its positions back too: the feed has no gaps.
CREATE TABLE IF NOT EXISTS complaintflow.feed_head (
    only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_position bigint  NOT NULL
);
INSERT INTO complaintflow.feed_head (only_row, last_position)
SELECT true, coalesce(max(position), 0) FROM complaintflow.complaint_events
ON CONFLICT (only_row) DO NOTHING;

CREATE OR REPLACE FUNCTION complaintflow.refuse_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'complaintflow.complaint_events is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Events are never changed or removed; record a new event instead.';
END
$$;

CREATE OR REPLACE FUNCTION complaintflow.assign_feed_position() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- runs as the owner: writers need no right on feed_head
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE complaintflow.feed_head SET last_position = last_position + 1
    RETURNING last_position INTO NEW.position;
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION complaintflow.refuse_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION complaintflow.assign_feed_position() FROM PUBLIC;

-- The triggers, each created only when missing, so that a second run changes nothing on
-- complaint_events (the guard refuses any ALTER TABLE of it). The refusing ones are
-- ENABLE ALWAYS: they fire for every role, the table's owner and superusers included, and
-- even under session_replication_role = replica, which turns ordinary triggers off.
DO $$
DECLARE
    events regclass := 'complaintflow.complaint_events'::regclass;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                   WHERE tgrelid = events AND tgname = 'complaint_events_no_update') THEN
        CREATE TRIGGER complaint_events_no_update
            BEFORE UPDATE ON complaintflow.complaint_events
            FOR EACH ROW EXECUTE FUNCTION complaintflow.refuse_change();
        ALTER TABLE complaintflow.complaint_events
            ENABLE ALWAYS TRIGGER complaint_events_no_update;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                   WHERE tgrelid = events AND tgname = 'complaint_events_no_delete') THEN
        CREATE TRIGGER complaint_events_no_delete
            BEFORE DELETE ON complaintflow.complaint_events
            FOR EACH ROW EXECUTE FUNCTION complaintflow.refuse_change();
        ALTER TABLE complaintflow.complaint_events
            ENABLE ALWAYS TRIGGER complaint_events_no_delete;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                   WHERE tgrelid = events AND tgname = 'complaint_events_no_truncate') THEN
        CREATE TRIGGER complaint_events_no_truncate
            BEFORE TRUNCATE ON complaintflow.complaint_events
            FOR EACH STATEMENT EXECUTE FUNCTION complaintflow.refuse_change();
        ALTER TABLE complaintflow.complaint_events
            ENABLE ALWAYS TRIGGER complaint_events_no_truncate;
    END IF;
    -- switched off by hand? Switch them on again (the armed guard refuses this, loudly).
    IF EXISTS (SELECT FROM pg_catalog.pg_trigger
               WHERE tgrelid = events AND tgname LIKE 'complaint\_events\_no\_%'
                 AND tgenabled <> 'A') THEN
        ALTER TABLE complaintflow.complaint_events
            ENABLE ALWAYS TRIGGER complaint_events_no_update,
            ENABLE ALWAYS TRIGGER complaint_events_no_delete,
            ENABLE ALWAYS TRIGGER complaint_events_no_truncate;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                   WHERE tgrelid = events AND tgname = 'complaint_events_feed_position') THEN
        CREATE TRIGGER complaint_events_feed_position
            BEFORE INSERT ON complaintflow.complaint_events
            FOR EACH ROW EXECUTE FUNCTION complaintflow.assign_feed_position();
    END IF;
END
$$;

-- The grants, to the roles of postgres-roles.sql where they exist. Nothing WITH GRANT
-- OPTION; no DELETE, TRUNCATE, REFERENCES or TRIGGER; nothing on feed_head.
REVOKE ALL ON ALL TABLES IN SCHEMA complaintflow FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'complaintflow_app') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA complaintflow FROM complaintflow_app;
        GRANT USAGE ON SCHEMA complaintflow TO complaintflow_app;
        GRANT SELECT, INSERT ON complaintflow.complaints TO complaintflow_app;
        -- the key stays as it is: UPDATE only on the columns a save writes
        GRANT UPDATE (revision, seq, stage, updated_at, snapshot, digest, head)
            ON complaintflow.complaints TO complaintflow_app;
        GRANT SELECT, INSERT ON complaintflow.complaint_events TO complaintflow_app;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'complaintflow_reader') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA complaintflow FROM complaintflow_reader;
        GRANT USAGE ON SCHEMA complaintflow TO complaintflow_reader;
        GRANT SELECT ON complaintflow.complaints, complaintflow.complaint_events
            TO complaintflow_reader;
    END IF;
END
$$;
