import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError, PermanentError } from '../contracts/errors.js';
import { UnsupportedSourceTypeError } from '../contracts/source-types.js';
import {
  AmbiguousNameError, CaptureCoverageError, CatalogStateError, ContractDriftError, ErasureKeyError, IdentityRefusedError, InvalidInputError, LoadStateError, MissingDriverError,
  nonRetryableErrorTypes, permanentErrors, TableNotFoundError, UnknownNameError, UnsupportedColumnTypeError, ValidationMismatchError,
} from './errors.js';

const root = join(import.meta.dirname, '..');

/** Temporal names a thrown error's failure type after its constructor, so that is what the list must hold. */
const failureType = (error: Error): string => error.constructor.name;

describe('errors by kind', () => {
  const permanent: Error[] = [
    new InvalidInputError('x'), new ContractDriftError('x'), new ValidationMismatchError('x'), new MissingDriverError('x'),
    new CatalogStateError('x'), new TableNotFoundError('x'), new UnsupportedColumnTypeError('x'), new LoadStateError('raw_a.t__load_1', 'x'),
    new UnknownNameError('boking', ['booking'], 'domain'), new AmbiguousNameError('booking', ['a.booking', 'b.booking']),
    new ContractError([{ domain: 'booking', message: 'x' }]), new UnsupportedSourceTypeError('VARCHAR2(254)'), new IdentityRefusedError('x'), new ErasureKeyError('x'),
    new CaptureCoverageError('x'),
  ];

  it.each(permanent.map((e) => [failureType(e), e] as const))('%s is permanent and in the non-retryable list', (type, error) => {
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.name).toBe(type);
    expect(nonRetryableErrorTypes).toContain(type);
  });

  it('leaves plain and transient errors retryable', () => {
    class ConnectionResetError extends Error {}
    for (const error of [new Error('x'), new TypeError('x'), new ConnectionResetError('x')]) {
      expect(error).not.toBeInstanceOf(PermanentError);
      expect(nonRetryableErrorTypes).not.toContain(failureType(error));
    }
  });

  it('derives the list from the permanent classes, one name each', () => {
    expect(nonRetryableErrorTypes).toEqual(permanentErrors.map((kind) => kind.name));
    expect(new Set(nonRetryableErrorTypes).size).toBe(nonRetryableErrorTypes.length);
    expect(permanent.map(failureType).sort()).toEqual([...nonRetryableErrorTypes].sort());
  });

  it('still holds every name that committed histories list, in their order', () => {
    const dir = join(root, 'test', 'histories');
    const lists = readdirSync(dir).filter((f) => f.endsWith('.json'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/"nonRetryableErrorTypes": (\[[^\]]*\])/g)])
      .map((m) => JSON.parse(m[1]!) as string[]);
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(nonRetryableErrorTypes.slice(0, list.length)).toEqual(list);
  });

  it('declares every permanent class of the project where workflows can name it', () => {
    const declared = new Map<string, { base: string; file: string }>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (\w+)/g)) declared.set(m[1]!, { base: m[2]!, file: path.slice(root.length + 1) });
        }
      }
    };
    for (const dir of ['contracts', 'core', 'domains', 'connectors', 'activities', 'workflows', 'workers', 'cli']) walk(join(root, dir));
    const isPermanent = (name: string): boolean => {
      const d = declared.get(name);
      return d !== undefined && (d.base === 'PermanentError' || isPermanent(d.base));
    };
    const found = [...declared].filter(([name]) => isPermanent(name));
    expect(found.map(([name]) => name).sort()).toEqual([...nonRetryableErrorTypes].sort());
    for (const [, { file }] of found) expect(file).toMatch(/^(core\/errors\.ts|contracts\/)/);
  });
});
