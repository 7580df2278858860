// The console shell: who is signed in, the navigation, and a page per hash route (#/catalog,
// #/product/<domain>/<product>, #/data/<domain>/<product>/<table>, #/customer-360?id=, #/inbox, …). Pages build the DOM with h(), never with
// innerHTML, so names and descriptions from the catalog are always text.
import { catalogPage, productPage } from '/assets/catalog.js';
import { customer360Page } from '/assets/customer360.js';
import { dataPage } from '/assets/data.js';
import { inboxPage } from '/assets/inbox.js';
import { kpisPage } from '/assets/kpis.js';
import { pipelinePage } from '/assets/pipeline.js';
import { api, h, message, session, SignInRequired } from '/assets/ui.js';

function placeholder(title, what) {
  return async () => [h('h1', {}, title), h('p', {}, what), h('p', { class: 'muted' }, 'This page is not built yet.')];
}

/** Pages by the first part of the route; other parts are passed on. */
export const pages = {
  catalog: catalogPage,
  product: productPage,
  inbox: inboxPage,
  pipeline: pipelinePage,
  'customer-360': customer360Page,
  data: dataPage,
  kpis: kpisPage,
};

function signInView(reason) {
  const returnTo = `/${location.hash || '#/catalog'}`;
  return [
    h('h1', {}, 'Sign in'),
    h('p', {}, 'The console shows the data catalog, the approvals waiting for you and the state of the pipelines. Sign in with your company account.'),
    reason ? h('p', { class: 'muted' }, reason) : null,
    h('p', {}, h('a', { href: `/auth/login?returnTo=${encodeURIComponent(returnTo)}`, class: 'signin', id: 'signin' }, 'Sign in with company SSO')),
  ];
}

function renderWho() {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (!session.me) return;
  const signOut = async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    session.me = null;
    location.hash = '#/catalog';
    await route();
  };
  who.append(h('span', {}, `${session.me.name ?? session.me.user} (${session.me.roles.join(', ') || 'no role'})`), h('button', { type: 'button', onclick: signOut }, 'Sign out'));
}

async function route() {
  const main = document.getElementById('main');
  const [name = 'catalog', ...rest] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean);
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === (name === 'product' || name === 'data' ? 'catalog' : name)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  let content;
  try {
    if (!session.me) session.me = await api('/api/me');
    renderWho();
    const page = pages[name] ?? placeholder('Not found', `There is no page "${name}".`);
    content = await page(rest.map(decodeURIComponent), params);
  } catch (error) {
    if (error instanceof SignInRequired) {
      session.me = null;
      renderWho();
      // The plain "no session" answer says nothing a person needs; an ended session says why.
      content = signInView(error.message.startsWith('sign-in required') ? undefined : error.message);
    } else content = [h('h1', {}, 'Something went wrong'), message('error', error.message)];
  }
  // Pages leave out optional parts as null; replaceChildren would print them as text.
  main.replaceChildren(...[content].flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  const heading = main.querySelector('h1');
  document.title = `${heading ? heading.textContent + ' · ' : ''}Data Factory console`;
}

window.addEventListener('hashchange', () => { void route().then(() => document.getElementById('main').focus()); });
void route();
