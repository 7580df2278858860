/**
 * The one schema comparison: the columns a table is expected to have against the columns it has.
 * Backfill drift (source catalog vs contract, core/drift.ts), CDC drift (event schema vs contract,
 * core/cdc/schema-change.ts) and publication diffs (candidate vs published version,
 * core/schema-diff.ts) all call it; each brings its own type rule, since "the same type" means
 * canonical spelling for a catalog, a decodable Debezium field for an event, and a normalised
 * spelling for a publication.
 *
 * Column matching, one rule: an expected column matches the actual column of exactly its name;
 * with `foldCase`, one still unmatched then matches the single actual column equal to it ignoring
 * case (none, or several, is no match). Change capture folds, because Debezium spells names as the
 * source stores them; backfill and publication do not (PostgreSQL names are case-sensitive, and a
 * published column renamed only in case is reported as removed and added).
 */

/** One column's type, or nullability, as each side spells it: expected first, then actual. */
export interface ColumnDifference {
  column: string;
  /**
   * Expected: the contract's type (or the published version's). The field names `contract` and
   * `event` are those of the schema change requests already stored in the catalog and in CDC
   * workflow histories, so they stay.
   */
  contract: string;
  /** Actual: the Debezium field type of an event, the source catalog's type, or the candidate's type. */
  event: string;
}

/** How a table's actual columns differ from the expected ones. */
export interface SchemaChange {
  /** Actual columns nothing expected, in actual order. */
  added: string[];
  /** Expected columns without a match, in expected order. */
  dropped: string[];
  /** Matched columns whose types differ, in expected order. */
  retyped: ColumnDifference[];
  /** Only when compared with `nullable`: matched columns whose nullability differs ('nullable' / 'not null'). */
  nullability?: ColumnDifference[];
}

export interface CompareOptions<E, A> {
  /** The two spellings when the actual type does not satisfy the expected one; null when it does. */
  retyped: (expected: E, actual: A) => { contract: string; event: string } | null;
  /** Whether a column is nullable, to compare nullability too (publication diffs). */
  nullable?: (column: E | A) => boolean;
  /** Fall back to a unique case-insensitive match (change capture). */
  foldCase?: boolean;
}

/** Expected name → the actual name it matches, by the rule above. */
export function matchColumns(expected: readonly string[], actual: readonly string[], { foldCase = false } = {}): Map<string, string> {
  const exact = new Set(actual);
  const folded = new Map<string, string[]>();
  if (foldCase) for (const name of actual) folded.set(name.toUpperCase(), [...(folded.get(name.toUpperCase()) ?? []), name]);
  const matched = new Map<string, string>();
  for (const name of expected) {
    if (exact.has(name)) matched.set(name, name);
    else {
      const candidates = folded.get(name.toUpperCase()) ?? [];
      if (candidates.length === 1) matched.set(name, candidates[0]!);
    }
  }
  return matched;
}

const nullability = (nullable: boolean): string => (nullable ? 'nullable' : 'not null');

export function compareSchemas<E extends { name: string }, A extends { name: string }>(
  expected: readonly E[], actual: readonly A[], options: CompareOptions<E, A>,
): SchemaChange {
  const byName = new Map(actual.map((a) => [a.name, a]));
  const matched = matchColumns(expected.map((e) => e.name), [...byName.keys()], options);
  const used = new Set(matched.values());
  const change: SchemaChange = { added: [...byName.keys()].filter((n) => !used.has(n)), dropped: [], retyped: [] };
  const { nullable } = options;
  if (nullable) change.nullability = [];
  for (const e of expected) {
    const name = matched.get(e.name);
    const a = name === undefined ? undefined : byName.get(name);
    if (a === undefined) {
      change.dropped.push(e.name);
      continue;
    }
    const types = options.retyped(e, a);
    if (types) change.retyped.push({ column: e.name, ...types });
    if (nullable && nullable(e) !== nullable(a)) change.nullability!.push({ column: e.name, contract: nullability(nullable(e)), event: nullability(nullable(a)) });
  }
  return change;
}

/** A dropped or retyped column breaks readers of the expected schema; an added one does not. */
export function isBreaking(change: SchemaChange): boolean {
  return change.dropped.length > 0 || change.retyped.length > 0;
}
