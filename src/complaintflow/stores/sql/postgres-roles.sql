-- complaintflow on PostgreSQL, 1 of 3: the roles and the schema.
-- Run as a superuser, in the database that will hold the complaints. Idempotent.
-- PostgresStore(superuser_conninfo).create_schema() runs it, then the other two files.
--
--   complaintflow_owner   NOLOGIN  owns the schema complaintflow and every object in it;
--                                  migrations run as it (SET ROLE, from a login that is a
--                                  member of it, or from a superuser)
--   complaintflow_app     LOGIN    what the application connects as: it reads complaints
--                                  and events, inserts both, and updates a complaint's
--                                  snapshot columns; nothing else
--   complaintflow_reader  NOLOGIN  reads both tables and the feed: grant it to the login of
--                                  a projection, a search indexer or a warehouse
--
-- Roles belong to the whole cluster: two databases of one cluster share them.
-- The app's password is not set here. Set it from psql with \password complaintflow_app,
-- which sends the server only a SCRAM verifier, never the password itself.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'complaintflow_owner') THEN
        CREATE ROLE complaintflow_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'complaintflow_app') THEN
        CREATE ROLE complaintflow_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'complaintflow_reader') THEN
        CREATE ROLE complaintflow_reader NOLOGIN;
    END IF;
END
$$;

-- Said again on every run, in case someone changed them by hand.
ALTER ROLE complaintflow_owner  NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE complaintflow_app    LOGIN   NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
ALTER ROLE complaintflow_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- A writer holds the feed's lock from its first event to its commit: one that hangs must
-- not stall the others for long.
ALTER ROLE complaintflow_app SET lock_timeout = '10s';
ALTER ROLE complaintflow_app SET idle_in_transaction_session_timeout = '60s';

-- The app must never be able to become the owner.
DO $$
BEGIN
    IF pg_catalog.pg_has_role('complaintflow_app', 'complaintflow_owner', 'MEMBER') THEN
        REVOKE complaintflow_owner FROM complaintflow_app;
    END IF;
END
$$;

-- The owner needs no CREATE on the database: the schema is made here, for it.
CREATE SCHEMA IF NOT EXISTS complaintflow AUTHORIZATION complaintflow_owner;
REVOKE ALL ON SCHEMA complaintflow FROM PUBLIC;

-- PostgreSQL 15 took CREATE on schema public away from PUBLIC; older versions did not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO complaintflow_app, complaintflow_reader',
                   current_database());
END
$$;
