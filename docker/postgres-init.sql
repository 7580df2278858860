-- Runs once, when the postgres container initialises an empty volume. Mirrors postgres_setup in
-- stack/lib/services.sh: the application role and the two databases it owns.
CREATE ROLE factory LOGIN REPLICATION CREATEDB PASSWORD 'factory';
CREATE DATABASE factory_source OWNER factory;
CREATE DATABASE factory_catalog OWNER factory;
