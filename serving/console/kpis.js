// A domain's steering KPIs with their trend, next to the domain's operational health (#/kpis/<domain>).
import { api, badge, h, message, svgChart, when } from '/assets/ui.js';

/** A line of the trend over the periods, oldest left; the table beside it says the same in text. */
function trendChart(kpi) {
  const points = kpi.trend.filter((p) => p.value !== null);
  const width = 360, height = 110, left = 8, right = 8, top = 10, bottom = 24;
  const { svg, el } = svgChart(width, height, `${kpi.name}, oldest first: ${points.map((p) => `${p.period} ${round(p.value)}`).join('; ') || 'no values yet'}`);
  if (points.length === 0) return svg;
  const max = Math.max(...points.map((p) => p.value)), min = Math.min(0, ...points.map((p) => p.value));
  const x = (i) => left + (points.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (points.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - (v - min) / Math.max(1e-9, max - min));
  svg.append(el('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: '#4a5460' }));
  svg.append(el('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), fill: 'none', stroke: '#1d4f91', 'stroke-width': 2 }));
  points.forEach((p, i) => svg.append(el('circle', { cx: x(i), cy: y(p.value), r: 3, fill: p.meets === false ? '#9b1c1c' : '#1d4f91' })));
  svg.append(el('text', { x: left, y: height - 6 }, points[0].period));
  svg.append(el('text', { x: width - right, y: height - 6, 'text-anchor': 'end' }, points.at(-1).period));
  return svg;
}

const round = (v) => (v === null ? '—' : Math.abs(v) < 1 ? v.toFixed(3) : Math.round(v * 100) / 100);

function kpiCard(kpi) {
  const heading = h('h2', {}, kpi.name.replaceAll('_', ' '));
  if (kpi.status === 'refused') {
    return h('section', { class: 'card', 'aria-label': kpi.name }, heading, h('p', {}, kpi.description), message('error', `Not shown to you: ${kpi.reason}`));
  }
  const latest = kpi.latest.slice(0, 8);
  return h('section', { class: 'card', 'aria-label': kpi.name },
    heading,
    h('p', {}, kpi.description),
    h('p', { class: 'muted' }, `${kpi.grain}; target ${kpi.target}; owner ${kpi.owner}; product ${kpi.product}`),
    kpi.trend.length ? trendChart(kpi) : h('p', { class: 'muted' }, kpi.latest.length ? 'No trend over all values of the dimension for a distinct count.' : 'No values yet: the KPI workflow has not computed it (factory kpi run).'),
    latest.length ? h('table', {},
      h('caption', {}, 'Latest period'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'value of'), h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col' }, 'target'))),
      h('tbody', {}, latest.map((v) => h('tr', {},
        h('td', {}, v.dimension || 'all'), h('td', {}, v.value),
        h('td', {}, v.meets === null ? '—' : v.meets ? badge('met', 'status-pass') : badge('missed', 'status-fail')))))) : null);
}

export async function kpisPage([domain = 'booking']) {
  const data = await api(`/api/kpis/${encodeURIComponent(domain)}`);
  const pick = h('select', { id: 'kpi-domain', onchange: (e) => { location.hash = `#/kpis/${e.target.value}`; } },
    data.domains.map((d) => h('option', { value: d, selected: d === domain }, d)));
  const { health } = data;
  return [
    h('h1', {}, `KPIs: ${domain}`),
    h('p', {}, h('label', { for: 'kpi-domain' }, 'Domain '), pick),
    h('section', { class: 'card', 'aria-label': 'operational health' },
      h('h2', {}, 'Operational health'),
      h('ul', {},
        h('li', {}, `Last publication: ${when(health.lastPublishedAt)}`),
        h('li', {}, `Quality gate: ${health.gatePassed} of ${health.gateRuns} recent runs passed`),
        h('li', {}, `Pending approvals: ${health.pendingApprovals}`))),
    data.kpis.length ? data.kpis.map(kpiCard) : h('p', {}, 'This domain declares no KPIs.'),
  ];
}
