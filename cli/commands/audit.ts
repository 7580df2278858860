import type { Command } from 'commander';
import type { AuditEntry, AuditTrailInput } from '../../connectors/catalog/port.js';
import { openCatalogStore } from '../../connectors/catalog/postgres.js';
import { InvalidInputError } from '../../core/errors.js';
import { config } from '../context.js';
import { printTable } from './domains.js';

/**
 * `factory audit`: the catalog's append-only audit trail — decisions accepted and refused (with the
 * claimed and the verified identity and the reason), sign-ins, approval requests, reminders,
 * publications — filtered by time, actor, kind and outcome.
 */

export interface AuditQueryOptions {
  since?: string;
  actor?: string;
  kind?: string;
  domain?: string;
  outcome?: string;
  limit?: string;
}

/** '24h', '7d', '30m' before now, or an ISO-8601 time. */
export function sinceTime(text: string, now = Date.now()): string {
  const relative = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (relative) return new Date(now - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new InvalidInputError(`--since '${text}': expected a duration before now (30m, 24h, 7d) or an ISO-8601 time (2026-12-01T08:00:00Z)`);
  return new Date(at).toISOString();
}

export function auditQuery(opts: AuditQueryOptions): AuditTrailInput {
  if (opts.outcome !== undefined && opts.outcome !== 'accepted' && opts.outcome !== 'refused') throw new InvalidInputError(`--outcome '${opts.outcome}': expected accepted or refused`);
  const limit = opts.limit === undefined ? 200 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError(`--limit '${opts.limit}': expected a whole number from 1`);
  return {
    ...(opts.since ? { since: sinceTime(opts.since) } : {}),
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.domain ? { domain: opts.domain } : {}),
    ...(opts.outcome ? { outcome: opts.outcome } : {}),
    limit,
  };
}

const who = (e: AuditEntry): string => {
  if (e.verifiedBy) return `${e.verifiedBy} (verified)`;
  return e.claimedBy && e.claimedBy !== e.actor ? `${e.actor} (claimed ${e.claimedBy})` : e.actor;
};

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('the audit trail: decisions accepted and refused, sign-ins, requests, publications (newest last)')
    .option('--since <time>', 'entries since a duration before now (30m, 24h, 7d) or an ISO-8601 time')
    .option('--actor <user>', 'entries where this user acted, claimed or was verified')
    .option('--kind <action>', "an action or its family: 'decide' matches decide.refused, 'schema-change' every schema change entry")
    .option('--domain <domain>', 'entries of one domain')
    .option('--outcome <outcome>', 'accepted or refused (decisions)')
    .option('--limit <n>', 'at most this many of the newest entries', '200')
    .option('--json', 'print JSON')
    .action(async (opts: AuditQueryOptions & { json?: boolean }) => {
      const query = auditQuery(opts);
      const catalog = await openCatalogStore({ url: config().FACTORY_CATALOG_URL });
      try {
        const entries = await catalog.auditTrail(query);
        if (opts.json) return console.log(JSON.stringify(entries, null, 2));
        if (entries.length === 0) return console.log('no audit entries match');
        printTable(['at', 'domain', 'action', 'who', 'outcome', 'version', 'detail'],
          entries.map((e) => [e.at, [e.domain, e.product].filter(Boolean).join('.') || '-', e.action, who(e), e.outcome ?? '-', e.version === null ? '-' : String(e.version), e.reason ?? e.detail]));
      } finally {
        await catalog.close();
      }
    });
}
