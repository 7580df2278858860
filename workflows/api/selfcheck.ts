/** The public face of workflow selfCheck (workflows/selfcheck.ts). */

export interface SelfCheckInput {
  kafkaTopic: string;
}

export interface SelfCheckResult {
  postgres: { serverVersion: string; walLevel: string };
  kafka: { topic: string; offset: string; roundTripMs: number };
}

export const selfCheckWorkflowType = 'selfCheck';
export type SelfCheckWorkflow = (input: SelfCheckInput) => Promise<SelfCheckResult>;

/** `selfcheck:<stamp>`, e.g. the start time: every check runs under its own id. */
export function selfCheckWorkflowId(stamp: string): string {
  return `selfcheck:${stamp}`;
}
