/** The `factory` command's exit codes, documented in the README: scripts and CI branch on them. */
export const exitCodes = {
  ok: 0,
  /** Anything that went wrong: bad input, an unreachable service, a failed workflow, no worker. */
  error: 1,
  /** A quality gate blocked (`quality run`). */
  qualityBlock: 2,
  /** A decision or request was refused (not entitled, not signed in, nothing to decide). */
  refused: 3,
  /** The configuration (environment variables) is invalid. */
  configuration: 4,
} as const;
