// A served product's table, page by page, under the caller's masking and row filters. Filters are
// equalities on one column each; the API accepts them only on columns the role reads in clear and
// says so otherwise. Paging is by key (the API's `next` cursor), so "next" is cheap on any page.
import { api, h, message, readAs, rowsTable } from '/assets/ui.js';

const pageSize = 25;

function hashOf(domain, product, table, { filters, after, page, as }) {
  const q = new URLSearchParams();
  for (const f of filters) q.append('filter', f);
  if (after) q.set('after', after);
  if (page > 1) q.set('page', String(page));
  if (as) q.set('as', as);
  const query = q.toString();
  return `#/data/${domain}/${product}/${table}${query ? `?${query}` : ''}`;
}

export async function dataPage([domain, product, table], params) {
  const filters = params.getAll('filter');
  const after = params.get('after');
  const page = Number(params.get('page') ?? '1') || 1;
  const go = (next) => { location.hash = hashOf(domain, product, table, { filters, page: 1, as: role.chosen, ...next }); };
  const role = readAs(params, (as) => go({ as }));
  const request = new URLSearchParams();
  for (const f of filters) request.append('filter', f);
  request.set('limit', String(pageSize));
  if (after) request.set('after', after);
  if (role.chosen) request.set('as', role.chosen);

  const out = [
    h('p', {}, h('a', { href: `#/product/${domain}/${product}` }, `← ${domain}.${product}`)),
    h('h1', {}, `Rows of ${domain}.${table}`),
    h('p', { class: 'muted' }, `Data product ${domain}.${product}, read from the serving store under your role's masking and row filters.`),
    role.field,
  ];
  const active = filters.length ? h('section', { 'aria-labelledby': 'active-filters' }, h('h2', { id: 'active-filters' }, 'Filters'),
    h('ul', { class: 'filters' }, filters.map((f, i) => {
      const at = f.indexOf(':');
      return h('li', {}, h('code', {}, f.slice(0, at)), ` = ${f.slice(at + 1)} `,
        h('a', { href: hashOf(domain, product, table, { filters: filters.filter((_, j) => j !== i), as: role.chosen, page: 1 }) }, `Remove filter on ${f.slice(0, at)}`));
    }))) : null;

  let result;
  try {
    result = await api(`/api/products/${encodeURIComponent(domain)}/${encodeURIComponent(product)}/${encodeURIComponent(table)}?${request}`);
  } catch (error) {
    if (![400, 403, 404].includes(error.status)) throw error;
    return [...out, message('error', error.message), active,
      filters.length ? h('p', {}, h('a', { href: hashOf(domain, product, table, { filters: [], as: role.chosen, page: 1 }) }, 'Clear all filters')) : null];
  }

  const column = h('select', { id: 'filter-column', name: 'column' }, result.columns.map((c) => h('option', { value: c }, c)));
  const value = h('input', { id: 'filter-value', name: 'value', type: 'search', required: true });
  const form = h('form', { class: 'inline', 'aria-label': 'Filter rows' },
    h('div', {}, h('label', { for: 'filter-column' }, 'Column'), column),
    h('div', {}, h('label', { for: 'filter-value' }, 'Equals'), value),
    h('button', { type: 'submit' }, 'Add filter'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ filters: [...filters.filter((f) => !f.startsWith(`${column.value}:`)), `${column.value}:${value.value.trim()}`] });
  });

  const first = (page - 1) * pageSize + 1;
  const summary = result.rows.length ? `Rows ${first}–${first + result.rows.length - 1}${result.next ? '' : ' (last page)'}, as role ${result.role}` : `No rows, as role ${result.role}`;
  return [...out, form, active,
    h('h2', { id: 'rows-heading' }, summary),
    result.rows.length ? rowsTable(result.rows, result.columns, `${domain}.${table} rows (scrolls sideways)`) : h('p', { class: 'muted' }, filters.length ? 'No row matches the filters.' : 'This table has no row you may read.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      page > 1 ? h('a', { href: hashOf(domain, product, table, { filters, as: role.chosen, page: 1 }) }, 'First page') : null,
      result.next ? h('a', { href: hashOf(domain, product, table, { filters, after: result.next, page: page + 1, as: role.chosen }), rel: 'next' }, 'Next page') : null),
  ];
}
