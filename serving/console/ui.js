// Helpers every page uses: DOM building (text only, never innerHTML), the API client with the CSRF token, small formatters.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const session = { me: null };

export class SignInRequired extends Error {}

/** JSON from the API; state-changing requests carry the session's CSRF token. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session.me) headers['csrf-token'] = session.me.csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) throw new SignInRequired(data.error ?? 'sign-in required');
  // The data routes answer { error: 'Forbidden', message: why }; the others put the why in `error`.
  if (!response.ok) throw Object.assign(new Error(data.message ?? data.error ?? `HTTP ${response.status}`), { status: response.status });
  return data;
}

export const message = (kind, text) => h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
export const badge = (text, cls) => h('span', { class: `badge ${cls}` }, text);
export const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

/** An SVG element of the given size, an image for assistive technology with its text alternative, and a builder of its parts. */
export function svgChart(width, height, label) {
  const el = (tag, attrs = {}, text) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img', 'aria-label': label });
  return { svg, el };
}

/**
 * The role the data pages read as: the caller's only role, or the one picked with ?as= among theirs
 * (the API refuses to guess for someone holding several). Returns the query part and, for a caller
 * with several roles, a labelled select that reloads the page as the chosen role.
 */
export function readAs(params, onChange) {
  const roles = session.me?.roles ?? [];
  const chosen = params.get('as') ?? (roles.length > 1 ? roles[0] : undefined);
  const query = chosen ? `as=${encodeURIComponent(chosen)}` : '';
  if (roles.length <= 1) return { query, chosen, field: null };
  const select = h('select', { id: 'read-as', name: 'as' }, roles.map((r) => h('option', { value: r, selected: r === chosen }, r)));
  select.addEventListener('change', () => onChange(select.value));
  return { query, chosen, field: h('div', {}, h('label', { for: 'read-as' }, 'Read as role'), select) };
}

/** A table of JSON rows (column order: `columns`, else the first row's keys); NULL shown as an em dash. Wide tables scroll inside a focusable region named `label`. */
export function rowsTable(rows, columns, label) {
  const names = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v) => (v === null || v === undefined ? h('span', { class: 'muted', title: 'no value' }, '—') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': label },
    h('table', { class: 'rows' },
      h('thead', {}, h('tr', {}, names.map((n) => h('th', { scope: 'col' }, h('code', {}, n))))),
      h('tbody', {}, rows.map((r) => h('tr', {}, names.map((n) => h('td', {}, cell(r[n]))))))));
}
