-- hoctap's roles and databases on PostgreSQL 15 (Debian 12). Run it through setup.sh, which hands
-- psql the two passwords on standard input (never on a command line), then this file:
--     \set hoctap_password ...
--     \set hub_password ...
-- Running it again changes nothing but the two passwords.
--
-- Two roles, so that what runs people's notebooks never holds the hub's password:
--   hoctap      owns hoctap (hoctap's tables) and hoctap_gradebook (nbgrader's gradebook); used by
--               the pages, the grader server, hoctap-admin and the backups.
--   jupyterhub  owns jupyterhub (the hub's users, groups, tokens); used by the hub only.
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE hoctap LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hoctap') \gexec
ALTER ROLE hoctap WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'hoctap_password';

SELECT 'CREATE ROLE jupyterhub LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jupyterhub') \gexec
ALTER ROLE jupyterhub WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'hub_password';

-- UTF-8 whatever locale the cluster was created with. Sorting Vietnamese names is done by hoctap
-- (ICU), not by the database, so the collation's language does not matter.
SELECT 'CREATE DATABASE hoctap OWNER hoctap ENCODING ''UTF8'' LC_COLLATE ''C.UTF-8'' '
       'LC_CTYPE ''C.UTF-8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hoctap') \gexec
SELECT 'CREATE DATABASE hoctap_gradebook OWNER hoctap ENCODING ''UTF8'' LC_COLLATE ''C.UTF-8'' '
       'LC_CTYPE ''C.UTF-8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hoctap_gradebook') \gexec
SELECT 'CREATE DATABASE jupyterhub OWNER jupyterhub ENCODING ''UTF8'' LC_COLLATE ''C.UTF-8'' '
       'LC_CTYPE ''C.UTF-8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'jupyterhub') \gexec

-- Only each database's owner may connect (PostgreSQL lets every role connect by default).
REVOKE ALL ON DATABASE hoctap FROM PUBLIC;
REVOKE ALL ON DATABASE hoctap_gradebook FROM PUBLIC;
REVOKE ALL ON DATABASE jupyterhub FROM PUBLIC;
