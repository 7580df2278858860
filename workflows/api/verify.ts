/** The public face of workflow verifyTables (workflows/verify.ts). */

export interface VerifyTablesInput {
  /** Qualified names '<domain>.<table>'; empty means every table of `domain`, or of all domains. */
  tables: string[];
  domain?: string;
  warehouseTaskQueue: string;
}

export interface TableVerification {
  table: string;
  source: { rows: number; checksum: string };
  warehouse: { rows: number; checksum: string };
  equal: boolean;
}

export interface VerifyTablesResult {
  tables: TableVerification[];
  allEqual: boolean;
}

export const verifyTablesWorkflowType = 'verifyTables';
export type VerifyTablesWorkflow = (input: VerifyTablesInput) => Promise<VerifyTablesResult>;

/** `verify:<table, domain or all>:<stamp>`: a read, so every call runs under its own id. */
export function verifyTablesWorkflowId(target: string, stamp: number | string): string {
  return `verify:${target}:${stamp}`;
}
