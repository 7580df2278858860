import type { ColumnDeclaration } from '../contracts/contract.js';

/**
 * Row timestamps that most DB2 tables of the booking system carry. UPDATED_TS is set by a trigger on
 * every change; backfills and CDC catch-up rely on it to find changed rows.
 */
export const createdTs = {
  name: 'CREATED_TS',
  type: 'TIMESTAMP(6)',
  description: 'When the row was inserted at the source.',
} as const satisfies ColumnDeclaration;

export const updatedTs = {
  name: 'UPDATED_TS',
  type: 'TIMESTAMP(6)',
  description: 'Last change at the source (trigger-maintained); used to find changed rows.',
} as const satisfies ColumnDeclaration;
