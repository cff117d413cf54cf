-- Saleor and the marketplace each own a database on the one PostgreSQL server: we talk
-- to Saleor only through its API, never through its tables (ARCHITECTURE.md).
-- The image has already created POSTGRES_DB; create whichever of the two is missing,
-- owned by POSTGRES_USER (the role these scripts run as).
-- The image runs this once, on an empty data volume; an existing volume needs the same
-- statements run by hand.
SELECT 'CREATE DATABASE saleor'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'saleor')\gexec

SELECT 'CREATE DATABASE marketplace'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'marketplace')\gexec
