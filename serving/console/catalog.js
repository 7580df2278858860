// Catalog search and a product's page: schema with PII badges, quality trend, lineage, versions.
import { lineageGraph } from '/assets/lineage.js';
import { api, badge, h, message, svgChart, when } from '/assets/ui.js';

export async function catalogPage(_rest, params) {
  const q = params.get('q') ?? '';
  const form = h('form', { class: 'inline', role: 'search', 'aria-label': 'Catalog' },
    h('div', {}, h('label', { for: 'q' }, 'Search the catalog'), h('input', { id: 'q', name: 'q', type: 'search', value: q, placeholder: 'e.g. booking, payment, email', required: true })),
    h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/catalog?q=${encodeURIComponent(form.elements.q.value.trim())}`;
  });
  const out = [h('h1', {}, 'Data catalog'), form];
  if (!q) return [...out, h('p', { class: 'muted' }, 'Search domains, data products, tables and columns by name, description or tag.')];
  const { hits } = await api(`/api/catalog/search?q=${encodeURIComponent(q)}&limit=30`);
  if (!hits.length) return [...out, message('ok', `Nothing in the catalog matches "${q}".`)];
  const link = (hit) => {
    if (hit.kind !== 'product') return hit.name;
    const [domain, product] = hit.name.split('.');
    return h('a', { href: `#/product/${domain}/${product}` }, hit.name);
  };
  return [...out, h('h2', { id: 'results' }, `${hits.length} results for "${q}"`),
    h('table', { 'aria-labelledby': 'results' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col' }, 'Matched in'))),
      h('tbody', {}, hits.map((hit) => h('tr', {}, h('td', {}, hit.kind), h('td', {}, link(hit)), h('td', {}, hit.description ?? ''), h('td', { class: 'muted' }, hit.matched.join('; '))))))];
}

/** Stacked bars of passed, warned and blocked rules per gate run, oldest left; the table below says the same in text. */
function qualityChart(runs) {
  const ordered = [...runs].reverse();
  const width = Math.max(360, 60 + ordered.length * 70), height = 170, base = 120, scale = 100 / Math.max(1, ...ordered.map((r) => r.rules));
  const { svg, el } = svgChart(width, height, `Quality gate runs, oldest first: ${ordered.map((r) => `${r.status} (${r.rules - r.warned - r.blocked} passed, ${r.warned} warned, ${r.blocked} blocked)`).join('; ')}`);
  svg.append(el('line', { x1: 40, y1: base, x2: width - 10, y2: base, stroke: '#4a5460' }));
  ordered.forEach((r, i) => {
    const x = 50 + i * 70;
    let y = base;
    for (const [n, colour] of [[r.rules - r.warned - r.blocked, '#1f7a3a'], [r.warned, '#b26b00'], [r.blocked, '#9b1c1c']]) {
      const hgt = n * scale;
      if (hgt > 0) svg.append(el('rect', { x, y: y - hgt, width: 40, height: hgt, fill: colour }));
      y -= hgt;
    }
    svg.append(el('text', { x: x + 20, y: base + 14, 'text-anchor': 'middle' }, r.checkedAt.slice(5, 10)));
    svg.append(el('text', { x: x + 20, y: y - 4, 'text-anchor': 'middle' }, r.status));
  });
  [['passed', '#1f7a3a'], ['warned', '#b26b00'], ['blocked', '#9b1c1c']].forEach(([label, colour], i) => {
    svg.append(el('rect', { x: 40 + i * 90, y: base + 30, width: 12, height: 12, fill: colour }));
    svg.append(el('text', { x: 56 + i * 90, y: base + 40 }, label));
  });
  return svg;
}

export async function productPage([domain, product]) {
  const p = await api(`/api/catalog/products/${encodeURIComponent(domain)}/${encodeURIComponent(product)}`);
  const person = (x) => (x ? `${x.name} (${x.id})` : 'none');
  const runs = p.qualityRuns;
  return [
    h('p', {}, h('a', { href: '#/catalog' }, '← Catalog')),
    h('h1', {}, `${p.domain}.${p.product}`),
    h('p', {}, p.description),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'owner' }, h('h2', { id: 'owner' }, 'Ownership'),
        h('p', {}, `DPO: ${person(p.owner.dpo)}`), h('p', {}, `Deputies: ${p.owner.deputies.map(person).join(', ') || 'none'}`), h('p', {}, `Consumers: ${p.consumers.join(', ') || 'none'}`)),
      h('section', { class: 'card', 'aria-labelledby': 'fresh' }, h('h2', { id: 'fresh' }, 'Freshness and versions'),
        h('p', {}, `Last published: ${when(p.freshness.lastPublishedAt)}`), h('p', {}, `Last quality run: ${when(p.freshness.lastQualityAt)}`),
        h('p', {}, p.published ? `Published version ${p.published.version}${p.published.decidedBy ? `, approved by ${p.published.decidedBy}` : ''}` : 'No published version yet'),
        ...p.open.map((o) => h('p', {}, `Open: version ${o.version} ${o.status}, quality ${o.qualityStatus}`)))),
    h('section', { 'aria-labelledby': 'quality' }, h('h2', { id: 'quality' }, 'Quality trend'),
      runs.length ? [qualityChart(runs), h('table', {},
        h('caption', { class: 'muted' }, 'Gate runs, newest first'),
        h('thead', {}, h('tr', {}, ['Checked', 'Status', 'Rules', 'Warned', 'Blocked'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, runs.map((r) => h('tr', {}, h('td', {}, when(r.checkedAt)), h('td', { class: `status-${r.status}` }, r.status), h('td', {}, r.rules), h('td', {}, r.warned), h('td', {}, r.blocked)))))]
        : h('p', { class: 'muted' }, 'No quality gate run recorded yet.')),
    h('section', { 'aria-labelledby': 'schema' }, h('h2', { id: 'schema' }, 'Schema'),
      p.datasets.map((d) => [h('h3', {}, d.table), d.description ? h('p', { class: 'muted' }, d.description) : null,
        // Served products' rows are read from the serving store, under the reader's policy (console/data.js).
        p.served ? h('p', {}, h('a', { href: `#/data/${p.domain}/${p.product}/${d.table.split('.').at(-1)}` }, `Browse rows of ${d.table}`)) : null,
        h('table', {}, h('thead', {}, h('tr', {}, ['Column', 'Type', 'Nullable', 'Personal data', 'Description'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, d.columns.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.name)), h('td', {}, c.type), h('td', {}, c.nullable ? 'yes' : 'no'),
            h('td', {}, c.pii === 'none' ? h('span', { class: 'muted' }, 'none') : badge(`PII: ${c.pii}`, `pii-${c.pii}`)), h('td', {}, c.description ?? '')))))])),
    h('section', { 'aria-labelledby': 'lineage' }, h('h2', { id: 'lineage' }, 'Lineage'),
      p.lineage.length ? h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Lineage graph (scrolls sideways)' }, lineageGraph(p.lineage)) : null,
      p.lineage.length ? h('ul', { class: 'lineage' }, p.lineage.map((e) => h('li', {}, h('code', {}, e.from), ' → ', h('code', {}, e.to),
        e.columns?.length ? h('span', { class: 'muted' }, ` (${e.columns.length} columns mapped)`) : null)))
        : h('p', { class: 'muted' }, 'No lineage recorded.')),
  ];
}
