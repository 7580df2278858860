// Workflows for the schema change approval tests: the real change capture and approval workflows.
export { cdcIngest } from '../../workflows/cdc-ingest.js';
export { schemaChangeApproval } from '../../workflows/schema-change-approval.js';
