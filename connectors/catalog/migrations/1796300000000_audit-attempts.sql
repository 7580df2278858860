-- Every attempt at a decision is audited the same way, whichever path it came by (CLI, Temporal UI,
-- Temporal CLI, SDK; Update or Signal): who claimed to decide, who the token proved, the outcome and
-- the reason. Entries that concern no domain (a login to a privileged command) have none.
ALTER TABLE catalog.audit_log
  ALTER COLUMN domain DROP NOT NULL,
  ADD COLUMN outcome text CHECK (outcome IN ('accepted', 'refused')),
  ADD COLUMN claimed_by text,
  ADD COLUMN verified_by text,
  ADD COLUMN via text,
  ADD COLUMN reason text;
CREATE INDEX audit_log_at ON catalog.audit_log (at, id);
CREATE INDEX audit_log_actor ON catalog.audit_log (actor, id);
