// The DPO inbox: what waits for the signed-in DPO or deputy, with the schema diff and the gate's
// evidence, and approve/reject buttons that send the decision with the session's CSRF token.
import { api, badge, h, message, when } from '/assets/ui.js';

function decisionForm(id, path, label) {
  const status = h('div', { 'aria-live': 'polite' });
  const comment = h('textarea', { id: `${id}-comment`, name: 'comment', required: true, minlength: 3 });
  const decide = (decision) => async () => {
    if (comment.value.trim().length < 3) {
      status.replaceChildren(message('error', 'Say why (at least 3 characters): the comment goes into the approval history.'));
      comment.focus();
      return;
    }
    for (const b of buttons) b.disabled = true;
    status.replaceChildren(message('ok', `Sending your ${decision}…`));
    try {
      const done = await api(path, { method: 'POST', body: { decision, comment: comment.value.trim() } });
      status.replaceChildren(message('ok', `${label}: ${done.outcome} by ${done.by}.`));
    } catch (error) {
      status.replaceChildren(message('error', `Refused: ${error.message}`));
      for (const b of buttons) b.disabled = false;
    }
  };
  const buttons = [h('button', { type: 'button', onclick: decide('approve') }, 'Approve'), h('button', { type: 'button', class: 'secondary', onclick: decide('reject') }, 'Reject')];
  return h('div', {}, h('label', { for: comment.id }, 'Comment (why)'), comment, h('p', { class: 'inline' }, buttons[0], ' ', buttons[1]), status);
}

const piiOf = (p, c) => p.datasets.find((d) => d.table === c.table)?.columns.find((col) => col.name === c.column)?.pii ?? 'none';
const piiBadge = (pii) => (pii === 'none' ? h('span', { class: 'muted' }, 'none') : badge(`PII: ${pii}`, `pii-${pii}`));

function publicationCard(p) {
  const id = `pub-${p.domain}-${p.product}-${p.version}`;
  const label = `${p.domain}.${p.product} version ${p.version}`;
  const g = p.gate;
  return h('article', { class: 'card', 'aria-labelledby': id },
    h('h3', { id }, label, ' ', p.breaking ? badge('breaking', 'pii-sensitive') : null),
    h('p', { class: 'muted' }, `Requested ${when(p.createdAt)} · your role: ${p.role} · `, h('a', { href: `#/product/${p.domain}/${p.product}` }, 'product page')),
    h('p', {}, 'Quality gate: ', h('strong', { class: `status-${g.status}` }, g.status),
      g.rules === null ? '' : ` — ${g.rules} rules, ${g.warned} warned, ${g.blocked} blocked (report ${g.reportId}, ${when(g.checkedAt)})`),
    p.changes.length
      ? h('table', {}, h('caption', {}, 'Schema changes against the published version'),
        h('thead', {}, h('tr', {}, ['Table', 'Column', 'Change', 'From', 'To', 'Personal data', 'Breaking'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, p.changes.map((c) => h('tr', {}, h('td', {}, c.table), h('td', {}, h('code', {}, c.column)), h('td', {}, c.change), h('td', {}, c.from ?? ''), h('td', {}, c.to ?? ''),
          h('td', {}, piiBadge(piiOf(p, c))), h('td', {}, c.breaking ? 'yes' : 'no')))))
      : h('p', {}, 'No schema change against the published version.'),
    h('details', {}, h('summary', {}, `Schema of the candidate (${p.datasets.reduce((n, d) => n + d.columns.length, 0)} columns)`),
      p.datasets.map((d) => h('p', {}, h('strong', {}, d.table), ': ', d.columns.map((c) => `${c.name} ${c.type}${c.pii === 'none' ? '' : ` [PII ${c.pii}]`}`).join(', ')))),
    decisionForm(id, `/api/inbox/publications/${p.domain}/${p.product}/${p.version}/decision`, label));
}

function schemaChangeCard(c) {
  const id = `sc-${c.id}`;
  const label = `${c.table} schema change request ${c.id}`;
  const parts = [...c.change.added.map((a) => `${a} added`), ...c.change.dropped.map((d) => `${d} dropped`), ...c.change.retyped.map((r) => `${r.column} retyped`)];
  return h('article', { class: 'card', 'aria-labelledby': id },
    h('h3', { id }, label),
    h('p', { class: 'muted' }, `Requested ${when(c.createdAt)} · your role: ${c.role} · paused at ${c.topic} offset ${c.offset}`),
    h('p', {}, c.reason),
    h('p', {}, `Change: ${parts.join(', ') || 'none listed'}`),
    c.blockers.length ? message('error', `Approving will not resume it: ${c.blockers.join('; ')}`) : null,
    decisionForm(id, `/api/inbox/schema-changes/${c.table}/${c.id}/decision`, label));
}

export async function inboxPage() {
  const { publications, schemaChanges } = await api('/api/inbox');
  return [
    h('h1', {}, 'DPO inbox'),
    h('h2', {}, `Publications waiting for you (${publications.length})`),
    publications.length ? publications.map(publicationCard) : h('p', { class: 'muted' }, 'No publication waits for your decision.'),
    h('h2', {}, `Schema changes waiting for you (${schemaChanges.length})`),
    schemaChanges.length ? schemaChanges.map(schemaChangeCard) : h('p', { class: 'muted' }, 'No schema change waits for your decision.'),
  ];
}
