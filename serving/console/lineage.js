// A product's lineage as a small left-to-right graph: one column per stage (source, raw, qualified,
// product, published view), an arrow per edge. The list beside it says the same in text.

const stages = [[/^db2:|^postgres:|^[a-z]+:/, 0], [/^raw_/, 1], [/^qualified_/, 2], [/^published_/, 4]];
const stageOf = (name) => stages.find(([re]) => re.test(name))?.[1] ?? 3;
const ns = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const e = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function lineageGraph(edges) {
  const columns = [[], [], [], [], []];
  for (const name of new Set(edges.flatMap((e) => [e.from, e.to]))) columns[stageOf(name)].push(name);
  const used = columns.map((c, i) => [c, i]).filter(([c]) => c.length);
  const colWidth = 215, rowHeight = 30, boxWidth = 195;
  const pos = new Map();
  used.forEach(([names], x) => names.forEach((name, y) => pos.set(name, { x: 10 + x * colWidth, y: 10 + y * rowHeight })));
  const width = 20 + used.length * colWidth, height = 20 + Math.max(...used.map(([c]) => c.length)) * rowHeight;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart lineage-graph', role: 'img', 'aria-label': `Lineage graph: ${edges.length} steps from ${columns[0].length} source tables; the list below names each step` });
  const defs = el('defs', {});
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#4a5460' }));
  defs.append(marker);
  svg.append(defs);
  for (const e of edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    svg.append(el('line', { x1: a.x + boxWidth, y1: a.y + 11, x2: b.x, y2: b.y + 11, stroke: '#4a5460', 'marker-end': 'url(#arrow)' }));
  }
  for (const [name, p] of pos) {
    svg.append(el('rect', { x: p.x, y: p.y, width: boxWidth, height: 22, rx: 4, fill: '#f4f6f8', stroke: '#6b7580' }));
    svg.append(el('text', { x: p.x + 6, y: p.y + 15 }, name.length > 32 ? `${name.slice(0, 31)}…` : name));
  }
  return svg;
}
