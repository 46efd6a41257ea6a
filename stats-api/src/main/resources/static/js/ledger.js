// The ledger table: GET /v1/ledger a page at a time, following nextCursor; earlier pages from the cursors already
// seen; the whole filtered range as CSV.
import { downloadCsv, getJson } from './api.js';
import { count, esc, instant } from './format.js';
import { usd } from './decimal.js';
import { controls, rangeOf } from './range.js';

const COLUMNS = ['occurred at', 'request', 'key', 'account', 'model', 'input', 'output', 'cache write', 'cache read',
  'real', 'rated', 'pricing'];

function row(r, zone, keyLink) {
  return `<tr data-request-id="${esc(r.requestId)}">
    <td title="${esc(r.occurredAt)}">${esc(instant(r.occurredAt, zone))}</td><td>${esc(r.requestId)}</td>
    <td><a href="${esc(keyLink(r.apiKeyId))}">${esc(r.apiKeyId)}</a></td><td>${esc(r.accountId ?? '')}</td>
    <td>${esc(r.model)}</td><td class="num">${count(r.inputTokens)}</td><td class="num">${count(r.outputTokens)}</td>
    <td class="num">${count(r.cacheCreateTokens)}</td><td class="num">${count(r.cacheReadTokens)}</td>
    <td class="num" title="${esc(r.realCostUsd)}">${usd(r.realCostUsd)}</td>
    <td class="num" title="${esc(r.ratedCostUsd)}">${usd(r.ratedCostUsd)}</td>
    <td>${esc(r.pricingSource ?? '')}</td></tr>`;
}

/**
 * Shows the ledger of {@code query} ({from, to, zone, apiKeyId, model, accountId}) in {@code panel}, {@code limit}
 * records a page. Resolves once the first page is shown.
 */
export async function ledgerPanel(panel, query, { limit = 50, keyLink, onError }) {
  const cursors = [null];
  let index = 0;
  panel.innerHTML = `<h2>Ledger</h2>
    <div class="pager"><button type="button" class="secondary" data-page="previous">← Previous</button>
      <span data-page="label"></span>
      <button type="button" class="secondary" data-page="next">Next →</button>
      <button type="button" data-download="csv">Download CSV</button><span data-download="status" class="muted"></span>
    </div>
    <div class="scroll"><table data-ledger><thead><tr>${COLUMNS.map((c, i) =>
      `<th${i >= 5 && i <= 10 ? ' class="num"' : ''}>${c}</th>`).join('')}</tr></thead><tbody></tbody></table></div>`;
  const body = panel.querySelector('tbody');
  const previous = panel.querySelector('[data-page="previous"]');
  const next = panel.querySelector('[data-page="next"]');
  const label = panel.querySelector('[data-page="label"]');

  async function show() {
    previous.disabled = next.disabled = true;
    const page = await getJson('/v1/ledger', { ...query, limit, cursor: cursors[index] });
    body.innerHTML = page.records.map(r => row(r, query.zone, keyLink)).join('')
      || `<tr><td colspan="${COLUMNS.length}" class="muted">no records in this range</td></tr>`;
    cursors[index + 1] = page.nextCursor;
    label.textContent = `page ${index + 1} · ${page.records.length} records`;
    panel.dataset.page = String(index + 1);
    previous.disabled = index === 0;
    next.disabled = !page.nextCursor;
    return page;
  }

  const move = step => async () => {
    index += step;
    try {
      await show();
    } catch (e) {
      index -= step;
      onError(e);
    }
  };
  previous.addEventListener('click', move(-1));
  next.addEventListener('click', move(1));
  panel.querySelector('[data-download="csv"]').addEventListener('click', async () => {
    const status = panel.querySelector('[data-download="status"]');
    status.textContent = 'preparing…';
    try {
      const name = ['ledger', query.apiKeyId, query.from, query.to].filter(Boolean).join('_')
        .replace(/[^A-Za-z0-9._-]+/g, '-');
      await downloadCsv('/v1/ledger', query, `${name}.csv`);
      status.textContent = 'downloaded';
    } catch (e) {
      status.textContent = '';
      onError(e);
    }
  });
  return show();
}

/** The ledger view: range and filters (key, model, account) from the fragment. */
export async function ledgerPage(view, params, links, onError) {
  const range = rangeOf(params);
  const filters = { apiKeyId: params.get('apiKeyId'), model: params.get('model'), accountId: params.get('accountId') };
  view.innerHTML = '<h1>Ledger</h1><form></form><section class="panel" data-ledger-panel></section>';
  controls(view.querySelector('form'), '/ledger', range, { granularity: false, extra: [
    ['apiKeyId', 'key', filters.apiKeyId], ['model', 'model', filters.model],
    ['accountId', 'account', filters.accountId]] });
  const limit = Number(params.get('limit')) || 50;
  const first = await ledgerPanel(view.querySelector('[data-ledger-panel]'),
    { from: range.from, to: range.to, zone: range.zone, ...filters }, { limit, keyLink: id => links.key(id, range),
      onError });
  return first.projectedAt;
}
