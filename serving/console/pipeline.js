// Pipeline dashboard: per domain the caller may see, backfills, change capture and product freshness.
import { api, h, when } from '/assets/ui.js';

const cell = (v, suffix = '') => (v === null || v === undefined ? '–' : `${v}${suffix}`);

function domainCard(d) {
  const c = d.cdc;
  return h('section', { class: 'card', 'aria-labelledby': `dom-${d.domain}` },
    h('h2', { id: `dom-${d.domain}` }, d.domain),
    h('table', {}, h('caption', { class: 'muted' }, 'Change capture'),
      h('thead', {}, h('tr', {}, ['State', 'Lag (events)', 'Events/s', 'Dead letters', 'Freshness p50 / p99', 'Paused tables'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, h('tr', {}, h('td', {}, c.state), h('td', {}, cell(c.lag)), h('td', {}, cell(c.eventsPerSecond)), h('td', {}, cell(c.deadLettered)),
        h('td', {}, `${cell(c.freshnessP50Ms, ' ms')} / ${cell(c.freshnessP99Ms, ' ms')}`), h('td', {}, c.pausedTables.join(', ') || 'none')))),
    c.problem ? h('p', { class: 'muted' }, c.problem) : null,
    d.backfills.length
      ? h('table', {}, h('caption', { class: 'muted' }, 'Running backfills'),
        h('thead', {}, h('tr', {}, ['Workflow', 'Phase', 'Progress', 'Rows'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, d.backfills.map((b) => h('tr', {}, h('td', {}, b.workflowId), h('td', {}, cell(b.phase)),
          h('td', {}, b.total ? h('progress', { max: b.total, value: b.done ?? 0, 'aria-label': `${b.workflowId} progress` }, `${b.done}/${b.total}`) : '–'), h('td', {}, cell(b.rows))))))
      : h('p', { class: 'muted' }, 'No backfill running.'),
    h('table', {}, h('caption', { class: 'muted' }, 'Products'),
      h('thead', {}, h('tr', {}, ['Product', 'Last published', 'Last quality run', 'Gate'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, d.products.map((p) => h('tr', {}, h('td', {}, h('a', { href: `#/product/${d.domain}/${p.product}` }, p.product)),
        h('td', {}, when(p.lastPublishedAt)), h('td', {}, when(p.lastQualityAt)), h('td', { class: `status-${p.qualityStatus}` }, cell(p.qualityStatus)))))));
}

export async function pipelinePage() {
  const { domains } = await api('/api/pipeline');
  return [
    h('h1', {}, 'Pipelines'),
    domains.length ? domains.map(domainCard) : h('p', {}, 'You see the pipelines of the domains you own or operate; your roles give you none.'),
  ];
}
