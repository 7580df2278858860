// Customer 360: one customer's profile, contacts, active bookings, payments, open cases and consents,
// as the caller's access policy renders them (masked, pseudonymised, rows filtered). A section the
// policy refuses says so, with the reason: "refused" must never read as "none".
import { api, h, message, readAs, rowsTable } from '/assets/ui.js';

const sections = [
  ['customer', 'Customer'], ['contacts', 'Contacts'], ['bookings', 'Active bookings'],
  ['payments', 'Payments'], ['cases', 'Open cases'], ['consents', 'Consents'],
];

function section(key, title, s) {
  const id = `section-${key}`;
  const body = !s.readable
    ? h('p', { class: 'message refused' }, h('strong', {}, 'Refused: '), s.reason)
    : s.rows.length ? rowsTable(s.rows, undefined, `${title}: ${s.table} (scrolls sideways)`) : h('p', { class: 'muted' }, 'None.');
  return h('section', { class: 'card', 'aria-labelledby': id, 'data-section': key },
    h('h2', { id }, title, ' ', h('span', { class: 'muted small' }, `(${s.product})`)), body);
}

export async function customer360Page(_rest, params) {
  const id = (params.get('id') ?? '').trim();
  const go = (customerId, as) => {
    const q = new URLSearchParams({ id: customerId });
    if (as) q.set('as', as);
    location.hash = `#/customer-360?${q}`;
  };
  const role = readAs(params, (as) => go(id, as));
  const form = h('form', { class: 'inline', role: 'search', 'aria-label': 'Customer 360' },
    h('div', {}, h('label', { for: 'customer-id' }, 'Customer id'),
      h('input', { id: 'customer-id', name: 'id', type: 'search', inputmode: 'numeric', pattern: '[0-9]{1,18}', value: id, required: true, 'aria-describedby': 'customer-id-hint' }),
      h('p', { id: 'customer-id-hint', class: 'muted small' }, 'Digits only, e.g. 1042.')),
    role.field,
    h('button', { type: 'submit' }, 'Show customer'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(form.elements.id.value.trim(), role.chosen);
  });
  const out = [h('h1', {}, 'Customer 360'), form];
  if (!id) return [...out, h('p', { class: 'muted' }, 'A customer\'s bookings, payments, open cases and consents, as your role may see them.')];
  let view;
  try {
    view = await api(`/api/customers/${encodeURIComponent(id)}/360${role.query ? `?${role.query}` : ''}`);
  } catch (error) {
    if (error.status === 400 || error.status === 403) return [...out, message('error', error.message)];
    throw error;
  }
  if (!view.found) {
    return [...out, message('ok', view.customer.readable
      ? `No customer ${id} is visible to you as ${view.role}: unknown, or outside the rows your role may read.`
      : `Customers are refused to ${view.role}: ${view.customer.reason}`)];
  }
  return [...out,
    h('p', { class: 'muted', id: 'rendered-as' }, `Customer ${view.customerId}, as role ${view.role} sees it. Masked and pseudonymised values are shown as the policy renders them.`),
    sections.map(([key, title]) => section(key, title, view[key]))];
}
