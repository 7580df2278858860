import type { AccessPolicy } from '../contracts/access-policy.js';
import type { DomainContract, TableContract } from '../contracts/contract.js';
import type { TableEntry } from './dependencies.js';
import { AmbiguousNameError, UnknownNameError } from './errors.js';

/** What resolve() found for a name typed by a person (CLI argument, workflow input). */
export type Resolved =
  | { kind: 'domain'; domain: DomainContract }
  | { kind: 'table'; domain: DomainContract; table: TableContract; qualifiedName: string };

/** Levenshtein distance; names are short, so the quadratic table is cheap. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** How near a typed name is to a known one; a containing candidate counts as one edit away. */
function nearness(name: string, candidate: string): { distance: number; prefix: number } {
  const dot = candidate.indexOf('.');
  const forms = dot === -1 || name.includes('.') ? [candidate] : [candidate, candidate.slice(dot + 1)];
  const [nameDomain, nameTable] = name.split('.');
  const contains = forms.some((form) => form.includes(name))
    || (nameTable !== undefined && nameTable.length >= 3 && candidate.startsWith(`${nameDomain}.`) && candidate.slice(dot + 1).includes(nameTable));
  const distance = Math.min(...forms.map((form) => editDistance(name, form)));
  return {
    distance: contains ? Math.min(distance, 1) : distance,
    prefix: Math.max(...forms.map((form) => commonPrefixLength(name, form))),
  };
}

/** Contracts are shared by every caller in the process: freezing turns an accidental edit into an error. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The validated domains of one process. Build it with loadDomains(), which checks every rule first. */
export class DomainRegistry {
  readonly domains: readonly DomainContract[];
  /** The access policy checked against these contracts; undefined for a registry loaded without one (tests). */
  readonly accessPolicy: AccessPolicy | undefined;

  constructor(domains: readonly DomainContract[], accessPolicy?: AccessPolicy) {
    this.domains = deepFreeze([...domains]);
    this.accessPolicy = accessPolicy === undefined ? undefined : deepFreeze(accessPolicy);
  }

  domain(name: string): DomainContract {
    const found = this.domains.find((d) => d.name === name);
    if (found === undefined) throw new UnknownNameError(name, this.closest(name, this.domains.map((d) => d.name)), 'domain');
    return found;
  }

  /** A table by its qualified name '<domain>.<table>'. */
  table(qualifiedName: string): TableContract {
    const [domainName, tableName] = qualifiedName.split('.');
    const table = this.domains.find((d) => d.name === domainName)?.tables.find((t) => t.name === tableName);
    if (table === undefined || qualifiedName.split('.').length !== 2) {
      throw new UnknownNameError(qualifiedName, this.closest(qualifiedName, this.allTables().map((e) => `${e.domain.name}.${e.table.name}`)), 'table');
    }
    return table;
  }

  allTables(): TableEntry[] {
    return this.domains.flatMap((domain) => domain.tables.map((table) => ({ domain, table })));
  }

  /**
   * A domain by name, a table by '<domain>.<table>', or a table by its bare name when exactly one
   * domain has it. A domain wins over a bare table name: "booking" is the domain, "booking.booking"
   * its header table.
   */
  resolve(name: string): Resolved {
    const domain = this.domains.find((d) => d.name === name);
    if (domain !== undefined) return { kind: 'domain', domain };
    const matches = this.allTables().filter((e) => `${e.domain.name}.${e.table.name}` === name || e.table.name === name);
    if (matches.length === 1) {
      const [match] = matches;
      return { kind: 'table', domain: match!.domain, table: match!.table, qualifiedName: `${match!.domain.name}.${match!.table.name}` };
    }
    if (matches.length > 1) throw new AmbiguousNameError(name, matches.map((e) => `${e.domain.name}.${e.table.name}`));
    const candidates = [...this.domains.map((d) => d.name), ...this.allTables().map((e) => `${e.domain.name}.${e.table.name}`)];
    throw new UnknownNameError(name, this.closest(name, candidates), 'table or domain');
  }

  /**
   * Up to three known names near `name`: within an edit distance of about half its length, or
   * containing it ("line" → booking.booking_line). A qualified candidate is also measured by its table
   * part, so "bookng" finds the table booking.booking as well as the domain booking. Ties go to the
   * longer common prefix (people mistype endings more than beginnings), then to declaration order.
   * When nothing is near, the three least far are shown anyway, so the message always helps.
   */
  closest(name: string, candidates: readonly string[]): string[] {
    const scored = candidates
      .map((candidate, order) => ({ candidate, order, ...nearness(name, candidate) }))
      .sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || a.order - b.order);
    const near = scored.filter((c) => c.distance <= Math.max(2, Math.ceil(name.length / 2)));
    return (near.length > 0 ? near : scored).slice(0, 3).map((c) => c.candidate);
  }
}
