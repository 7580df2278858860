import { describe, expect, it } from 'vitest';
import type { AppendAuditInput } from '../connectors/catalog/port.js';
import { groupAudit } from './audit-group.js';

const entry = (detail: string): AppendAuditInput => ({ actor: 'agent.mila', action: 'read.customer360', authorized: true, detail, at: '2026-12-03T22:00:00.000Z' });

/** A write that finishes when the test says so: the batches are what the grouping decided. */
function controlledWrites() {
  const batches: string[][] = [];
  const finish: Array<(error?: Error) => void> = [];
  const appendMany = (entries: AppendAuditInput[]) => new Promise<void>((resolve, reject) => {
    batches.push(entries.map((e) => e.detail));
    finish.push((error) => (error ? reject(error) : resolve()));
  });
  return { batches, finish, appendMany };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('groupAudit', () => {
  it('writes an entry alone at once, and the entries arriving meanwhile together in the next write', async () => {
    const { batches, finish, appendMany } = controlledWrites();
    const audit = groupAudit(appendMany);
    const first = audit(entry('a'));
    await settle();
    expect(batches).toEqual([['a']]);
    const waiting = [audit(entry('b')), audit(entry('c')), audit(entry('d'))];
    await settle();
    expect(batches).toEqual([['a']]);
    finish[0]!();
    await first;
    await settle();
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    finish[1]!();
    await Promise.all(waiting);
  });

  it('rejects exactly the entries of a failed write, and keeps writing the later ones', async () => {
    const { batches, finish, appendMany } = controlledWrites();
    const audit = groupAudit(appendMany);
    const first = audit(entry('a'));
    await settle();
    const second = [audit(entry('b')), audit(entry('c'))];
    finish[0]!(new Error('catalog unreachable'));
    await expect(first).rejects.toThrow('catalog unreachable');
    await settle();
    expect(batches).toEqual([['a'], ['b', 'c']]);
    finish[1]!();
    await expect(Promise.all(second)).resolves.toEqual([undefined, undefined]);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const { batches, finish, appendMany } = controlledWrites();
    const audit = groupAudit(appendMany, 2);
    const all = [audit(entry('a'))];
    await settle();
    all.push(audit(entry('b')), audit(entry('c')), audit(entry('d')));
    finish[0]!();
    await settle();
    finish[1]!();
    await settle();
    finish[2]!();
    await Promise.all(all);
    expect(batches).toEqual([['a'], ['b', 'c'], ['d']]);
  });
});
