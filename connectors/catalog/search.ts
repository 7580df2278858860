import type pg from 'pg';
import type { SearchHit, SearchInput, SearchKind } from './port.js';

/**
 * Full-text search over the catalog's search documents (tsvector, GIN index, ts_rank with the
 * default weights: a name counts more than a description, which counts more than a column or a tag).
 * The text is read as a web search (`"a phrase"`, `or`, `-word`) in English, so 'confirmation' finds
 * 'confirmations'. Each hit says which of its parts contain a word of the query.
 */

const searchSql = `
WITH q AS (
  SELECT websearch_to_tsquery('english', catalog.search_text($1)) AS query,
         -- any single word of the query, to tell which parts of a hit matched
         to_tsquery('simple', coalesce((SELECT string_agg(quote_literal(l), ' | ')
                                        FROM unnest(tsvector_to_array(to_tsvector('english', catalog.search_text($1)))) AS l), '')) AS words
)
SELECT s.kind, s.name, s.domain, s.description, ts_rank(s.document, q.query) AS rank,
       ARRAY(SELECT p ->> 'label' FROM jsonb_array_elements(s.parts) WITH ORDINALITY AS e(p, i)
             WHERE to_tsvector('english', catalog.search_text(p ->> 'text')) @@ q.words ORDER BY i) AS matched
FROM catalog.search_documents s, q
WHERE s.document @@ q.query
ORDER BY rank DESC, array_position(ARRAY['domain', 'product', 'table', 'column'], s.kind), s.name
LIMIT $2`;

export async function search(client: pg.ClientBase, input: SearchInput): Promise<SearchHit[]> {
  const limit = Math.max(1, Math.min(input.limit ?? 20, 200));
  const { rows } = await client.query<{ kind: SearchKind; name: string; domain: string; description: string | null; rank: number; matched: string[] }>(
    searchSql,
    [input.text, limit],
  );
  return rows.map((r) => ({
    // In the order the document lists its parts: name, description, columns, tags.
    kind: r.kind, name: r.name, domain: r.domain, description: r.description, rank: Number(r.rank.toFixed(6)), matched: r.matched,
  }));
}
