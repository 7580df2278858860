/**
 * What a person's browser does on Keycloak's pages, reduced to HTTP: GET with the cookies it holds,
 * follow redirects, read the HTML form, fill the visible fields, keep the hidden ones, submit with the
 * button pressed. Enough for the device verification page, the login form and the consent screen; no
 * page is skipped or forged (every step is a request a browser would send).
 */

export interface Page {
  url: string;
  status: number;
  html: string;
}

interface Form {
  action: string;
  method: string;
  id: string;
  inputs: Map<string, string>;
  /** Submit buttons by name, with the value a browser would send when one is pressed. */
  buttons: Map<string, string>;
}

const htmlDecode = (s: string): string => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? htmlDecode(m[1]!) : undefined;
};

export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  /**
   * `reroute` maps an origin to where it is served, like a port forward: the IdP redirects to the
   * address it knows for a client (the console's registered http://127.0.0.1:3000) and the request
   * goes to the server actually listening for it. URLs, and so redirect URIs, stay as sent.
   */
  constructor(private readonly reroute: Record<string, string> = {}) {}

  /** A cookie the browser holds (the console's session cookie, for scripted API calls after sign-in). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** GET, following redirects like a browser (also to a loopback listener, as the CLI's redirect URI is). */
  async open(url: string): Promise<Page> {
    return this.follow(await this.request(url, { method: 'GET' }), url);
  }

  /** Submits the page's form whose id (or, without one, whose fields) matches, with `fields` filled and `button` pressed. */
  async submit(page: Page, pick: { formId?: string; hasField?: string }, fields: Record<string, string>, button?: string): Promise<Page> {
    const form = this.forms(page).find((f) => (pick.formId ? f.id === pick.formId : true) && (pick.hasField ? f.inputs.has(pick.hasField) || f.buttons.has(pick.hasField) : true));
    if (!form) throw new Error(`no form ${JSON.stringify(pick)} on ${page.url} (HTTP ${page.status}): ${visibleText(page.html).slice(0, 400)}`);
    const body = new URLSearchParams();
    for (const [name, value] of [...form.inputs, ...Object.entries(fields)]) body.set(name, value);
    if (button) {
      if (!form.buttons.has(button)) throw new Error(`form on ${page.url} has no button '${button}' (has ${[...form.buttons.keys()].join(', ')})`);
      body.set(button, form.buttons.get(button)!);
    }
    const action = new URL(form.action || page.url, page.url).href;
    const response = await this.request(action, { method: form.method.toUpperCase(), body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return this.follow(response, action);
  }

  forms(page: Page): Form[] {
    return [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, open, inner]) => {
      const inputs = new Map<string, string>();
      for (const [tag] of inner!.matchAll(/<input\b[^>]*>/gi)) {
        const name = attr(tag, 'name');
        if (name) inputs.set(name, attr(tag, 'value') ?? '');
      }
      const buttons = new Map<string, string>();
      for (const [tag] of inner!.matchAll(/<button\b[^>]*>/gi)) {
        const name = attr(tag, 'name');
        if (name) buttons.set(name, attr(tag, 'value') ?? '');
      }
      return { action: attr(open!, 'action') ?? '', method: attr(open!, 'method') ?? 'get', id: attr(open!, 'id') ?? '', inputs, buttons };
    });
  }

  private async request(url: string, init: { method: string; body?: string; headers?: Record<string, string> }): Promise<Response> {
    const target = new URL(url);
    const served = this.reroute[target.origin];
    if (served) url = `${served}${target.pathname}${target.search}`;
    // Accept: text/html as browsers send it; Keycloak routes a POST to /device by it (form vs. device authorization request).
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { accept: 'text/html', ...init.headers, cookie: this.cookieHeader() } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return response;
  }

  private async follow(response: Response, url: string): Promise<Page> {
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, status: response.status, html: await response.text() };
      await response.body?.cancel();
      url = new URL(location, url).href;
      response = await this.request(url, { method: 'GET' });
    }
    throw new Error(`more than 10 redirects, last ${url}`);
  }

  private cookieHeader(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The page's text without tags and scripts, for messages and assertions. */
export function visibleText(html: string): string {
  return htmlDecode(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** Keycloak's login form: username and password, as typed. */
export async function signInOnLoginForm(browser: FormBrowser, page: Page, username: string, password: string): Promise<Page> {
  return browser.submit(page, { formId: 'kc-form-login' }, { username, password });
}

/**
 * A person completing `factory login --device` on their phone: the verification page, the code typed,
 * the login form, and the consent screen if the IdP shows one. Returns the last page (Keycloak's
 * "Device Login Successful" when it worked).
 */
export async function completeDeviceVerification(verificationUri: string, userCode: string, username: string, password: string): Promise<Page> {
  const browser = new FormBrowser();
  let page = await browser.open(verificationUri);
  page = await browser.submit(page, { hasField: 'device_user_code' }, { device_user_code: userCode });
  page = await signInOnLoginForm(browser, page, username, password);
  if (browser.forms(page).some((f) => f.buttons.has('accept'))) page = await browser.submit(page, { hasField: 'accept' }, {}, 'accept');
  return page;
}
