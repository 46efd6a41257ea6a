// The usage page's entry: sign-in, routing by the address's fragment, and the state the browser test waits for
// (body[data-state] = loading | ready | signin | error).
//
// Routes: #/ (overview), #/key/<apiKeyId>, #/ledger; each takes ?from&to&zone&granularity (and the ledger's filters).
// #token=<token> signs in: the token is stored in this tab's sessionStorage and removed from the address at once.
import { ApiError, TokenRefused, query, token } from './api.js';
import { age, esc, instant } from './format.js';
import { keyPage } from './key.js';
import { ledgerPage } from './ledger.js';
import { overview } from './overview.js';
import { clearCharts } from './charts.js';

const view = document.getElementById('view');
const freshness = document.getElementById('freshness');
const signOut = document.getElementById('sign-out');
let rendering = 0;

const links = {
  key: (id, range) => `#/key/${encodeURIComponent(id)}${query({ from: range.from, to: range.to, zone: range.zone,
    granularity: range.granularity })}`,
  ledger: params => `#/ledger${query(params)}`,
};

function takeTokenFromAddress() {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (match) {
    token.set(decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  const params = new URLSearchParams(search);
  const key = /^\/key\/(.+)$/.exec(path);
  if (key) {
    return { name: 'key', id: decodeURIComponent(key[1]), params };
  }
  return { name: path === '/ledger' ? 'ledger' : 'overview', params };
}

function state(value) {
  document.body.dataset.state = value;
}

function showError(e) {
  if (e instanceof TokenRefused) {
    token.clear();
    signIn('Token refused: the API answered 401. Sign in with an analyst (or admin) token.');
    return;
  }
  const message = e instanceof ApiError ? e.message : `The page failed: ${e.message}`;
  let banner = view.querySelector('.error');
  if (!banner) {
    banner = document.createElement('p');
    banner.className = 'error';
    view.prepend(banner);
  }
  banner.textContent = message;
  state('error');
}

function signIn(message) {
  clearCharts();
  rendering++;
  signOut.hidden = true;
  freshness.textContent = '';
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.remove('current'));
  view.innerHTML = `<section class="signin panel"><h1>Sign in</h1>
    ${message ? `<p class="error" data-refused>${esc(message)}</p>` : ''}
    <form><label>Analyst token<br><input name="token" type="password" autocomplete="off" required minlength="16"
      size="40"></label><button type="submit">Sign in</button></form>
    <p class="muted">The token is kept in this browser tab only (sessionStorage) and sent to stats-api's /v1 reads.</p>
    </section>`;
  view.querySelector('form').addEventListener('submit', event => {
    event.preventDefault();
    token.set(new FormData(event.target).get('token').trim());
    render();
  });
  state('signin');
}

async function render() {
  if (!token.get()) {
    signIn();
    return;
  }
  const current = ++rendering;
  const { name, id, params } = route();
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('current', a.dataset.nav === name));
  signOut.hidden = false;
  clearCharts();
  state('loading');
  try {
    const projectedAt = name === 'key' ? await keyPage(view, id, params, links, showError)
      : name === 'ledger' ? await ledgerPage(view, params, links, showError)
        : await overview(view, params, links);
    if (current !== rendering) {
      return;
    }
    const zone = params.get('zone') || Intl.DateTimeFormat().resolvedOptions().timeZone;
    freshness.dataset.projectedAt = projectedAt ?? '';
    freshness.textContent = projectedAt ? `data as of ${instant(projectedAt, zone)} (${age(projectedAt)})`
      : 'nothing projected yet';
    state('ready');
  } catch (e) {
    if (current === rendering) {
      showError(e);
    }
  }
}

signOut.addEventListener('click', () => {
  token.clear();
  signIn();
});
window.addEventListener('hashchange', render);
takeTokenFromAddress();
render();
