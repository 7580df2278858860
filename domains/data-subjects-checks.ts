import type { TableContract } from '../contracts/contract.js';
import { dataSubjectSchema, type DataSubject } from '../contracts/data-subjects.js';
import { singleKey, viaSource } from '../core/erasure/plan.js';
import { ContractError, type ContractIssue } from './errors.js';
import type { DomainRegistry } from './registry.js';
import { formatPath } from './zod-issues.js';

/**
 * The data-subject declarations against the contracts. Every problem is named by domain, table and
 * column, so the line to fix is obvious: a via column that does not reach the subject, a column
 * referencing the subject (or a table erasure deletes) left out of `reach`, an anonymised table
 * without a reason or with a NOT NULL PII column.
 */

function lookup(registry: DomainRegistry, ref: string): TableContract | undefined {
  const [domain, table] = ref.split('.');
  return registry.domains.find((d) => d.name === domain)?.tables.find((t) => t.name === table);
}

function checkSubject(registry: DomainRegistry, subject: DataSubject): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const [keyDomain = '', keyTable = '', keyColumn = ''] = subject.key.split('.');
  const keyContract = lookup(registry, `${keyDomain}.${keyTable}`);
  if (!keyContract?.columns.some((c) => c.name === keyColumn)) {
    return [{ domain: keyDomain, table: keyTable, column: keyColumn, field: `dataSubjects.${subject.name}.key`, message: `"${subject.key}" is not a declared column` }];
  }
  if (!registry.domains.some((d) => d.name === subject.approvingDomain)) {
    issues.push({ domain: subject.approvingDomain, field: `dataSubjects.${subject.name}.approvingDomain`, message: `domain "${subject.approvingDomain}" is not declared` });
  }
  const reached = new Map<string, DataSubject['reach'][number]['action']>();
  subject.reach.forEach((reach, i) => {
    const [domain = '', table = ''] = reach.table.split('.');
    const at = { domain, table, column: reach.via, field: `dataSubjects.${subject.name}.reach[${i}]` };
    const contract = lookup(registry, reach.table);
    if (!contract) return issues.push({ ...at, message: `table "${reach.table}" is not declared` });
    const column = contract.columns.find((c) => c.name === reach.via);
    if (!column) return issues.push({ ...at, message: `column "${reach.via}" is not declared in "${reach.table}"` });
    const from = viaSource(subject, reach.table, column);
    if (from === undefined) return issues.push({ ...at, message: `${reach.table}.${reach.via} references nothing; a via column must hold the subject key ${subject.key} or the key of a reached table` });
    if (from !== subject.key) {
      const [d, t, c] = from.split('.');
      const target = lookup(registry, `${d}.${t}`);
      const reachesTarget = subject.reach.some((r) => r.table === `${d}.${t}`);
      if (!reachesTarget || target === undefined || singleKey(target) !== c) {
        issues.push({ ...at, message: `${reach.table}.${reach.via} references ${from}, which is neither the subject key ${subject.key} nor the single-column key of a reached table` });
      }
    }
    const earlier = reached.get(reach.table);
    if (earlier !== undefined && earlier !== reach.action) issues.push({ ...at, message: `"${reach.table}" is declared both ${earlier} and ${reach.action}; a table has one action` });
    reached.set(reach.table, reach.action);
    if (reach.action === 'anonymise') {
      if (!reach.reason) issues.push({ ...at, field: `${at.field}.reason`, message: 'anonymise keeps the rows: say why (reason), e.g. a legal retention duty' });
      for (const c of contract.columns.filter((c) => c.pii !== 'none' && !c.nullable)) {
        issues.push({ domain, table, column: c.name, field: at.field, message: `anonymise sets PII columns to NULL, but ${reach.table}.${c.name} (${c.pii}) is NOT NULL in the contract; delete the rows or make the column nullable` });
      }
    }
  });
  // Coverage: whatever holds the subject key, or the key of a table erasure deletes, must be declared.
  const deleted = new Set([...reached].filter(([, action]) => action === 'delete').map(([ref]) => ref));
  for (const { domain, table } of registry.allTables()) {
    const ref = `${domain.name}.${table.name}`;
    for (const column of table.columns) {
      const from = viaSource(subject, ref, column);
      if (from === undefined) continue;
      const [d, t, c] = from.split('.');
      const target = from === subject.key ? undefined : lookup(registry, `${d}.${t}`);
      const holdsDeletedKey = target !== undefined && deleted.has(`${d}.${t}`) && singleKey(target) === c;
      if (from !== subject.key && !holdsDeletedKey) continue;
      if (subject.reach.some((r) => r.table === ref && r.via === column.name)) continue;
      issues.push({
        domain: domain.name, table: table.name, column: column.name, field: `dataSubjects.${subject.name}.reach`,
        message: `${ref}.${column.name} references ${from}${from === subject.key ? ', the subject key' : ', which erasure deletes'}; declare it in reach (delete or anonymise)`,
      });
    }
  }
  return issues;
}

/** Parses and checks the declarations against the registry; throws a ContractError listing every problem. */
export function loadDataSubjects(registry: DomainRegistry, declarations: readonly unknown[]): DataSubject[] {
  const subjects: DataSubject[] = [];
  const issues: ContractIssue[] = [];
  for (const declaration of declarations) {
    const parsed = dataSubjectSchema.safeParse(declaration, { reportInput: true });
    if (!parsed.success) {
      const name = (declaration as { name?: unknown } | null)?.name;
      const at = `dataSubjects.${typeof name === 'string' ? name : '(no name)'}`;
      issues.push(...parsed.error.issues.map((i) => ({ domain: '(data subjects)', field: i.path.length ? `${at}.${formatPath(i.path)}` : at, message: i.message })));
      continue;
    }
    const subject = { ...parsed.data, approvingDomain: parsed.data.approvingDomain ?? parsed.data.key.split('.')[0]! };
    issues.push(...checkSubject(registry, subject));
    subjects.push(subject);
  }
  const names = subjects.map((s) => s.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) issues.push({ domain: '(data subjects)', field: `dataSubjects.${n}`, message: `subject "${n}" declared twice` });
  });
  if (issues.length > 0) throw new ContractError(issues);
  return subjects;
}
