-- A read-only role for team leads on a shared orteam PostgreSQL database: they see every chart,
-- report and member; they cannot change anything (the dashboard hides what needs a write or a
-- management key). Run as the database owner, after the first orteam start created the tables.
-- Replace team_lead and orteam with your role and database names; set the password with \password.
CREATE ROLE team_lead LOGIN;
GRANT CONNECT ON DATABASE orteam TO team_lead;
GRANT USAGE ON SCHEMA public TO team_lead;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO team_lead;
-- Tables a later orteam version adds are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO team_lead;
