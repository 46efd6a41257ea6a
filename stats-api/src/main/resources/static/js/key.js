// One API key: its totals and charts, its model mix, its stored limits (key_limits; the live counters are
// relay-api's) and its ledger.
import { getJson, getJsonOrNull } from './api.js';
import { seriesCharts, sealCharts } from './charts.js';
import { esc } from './format.js';
import { ledgerPanel } from './ledger.js';
import { controls, rangeOf } from './range.js';
import { rankedTable, totalsCards } from './widgets.js';
import { sum } from './decimal.js';

const COUNTS = ['requests', 'inputTokens', 'outputTokens', 'cacheCreateTokens', 'cacheReadTokens',
  'ephemeral5mTokens', 'ephemeral1hTokens', 'unpricedRequests'];

/** A group's measures summed over its points: counts as numbers, money exactly. */
function summed(series) {
  const total = { group: series.group };
  for (const name of COUNTS) {
    if (series.points.length && name in series.points[0]) {
      total[name] = series.points.reduce((s, p) => s + p[name], 0);
    }
  }
  total.realCostUsd = sum(series.points.map(p => p.realCostUsd));
  total.ratedCostUsd = sum(series.points.map(p => p.ratedCostUsd));
  return total;
}

const LIMITS = [
  ['windowSeconds', 'window (s)'], ['requestsPerWindow', 'requests / window'],
  ['tokensPerWindow', 'tokens / window'], ['costPerWindowUsd', 'cost / window (USD)'],
  ['concurrency', 'concurrency'], ['leaseSeconds', 'lease (s)'], ['dailyCostUsd', 'daily cost (USD)'],
  ['weeklyCostUsd', 'weekly cost (USD)'], ['weeklyResetDay', 'week starts (ISO day)'],
  ['weeklyResetHour', 'week starts (hour)'], ['totalCostUsd', 'total cost (USD)'], ['shadow', 'shadow mode'],
];

function limitsPanel(stored) {
  if (!stored) {
    return '<h2>Stored limits</h2><p class="muted" data-limits="none">No limits are stored for this key: it is '
      + 'unlimited.</p>';
  }
  const shown = (name, value) => (typeof value === 'boolean' ? (value ? 'yes' : 'no')
    : value === 0 || value === '0' ? (name === 'weeklyResetDay' || name === 'weeklyResetHour' ? '0' : 'unlimited')
      : value);
  return `<h2>Stored limits</h2><dl class="limits" data-limits="stored">${LIMITS.map(([name, label]) =>
    `<dt>${label}</dt><dd data-limit="${name}">${esc(shown(name, stored.limits[name]))}</dd>`).join('')}</dl>
    <p class="muted">As stored in key_limits (0 is unlimited); live counters are relay-api's.</p>`;
}

export async function keyPage(view, apiKeyId, params, links, onError) {
  const range = rangeOf(params);
  view.innerHTML = `<h1>Key <span data-key>${esc(apiKeyId)}</span></h1><form></form><div data-totals></div>
    <div data-charts></div><div class="tables"><div data-mix></div><section class="panel" data-limits-panel>
    </section></div><section class="panel" data-ledger-panel style="margin-top:.75rem"></section>`;
  controls(view.querySelector('form'), `/key/${encodeURIComponent(apiKeyId)}`, range);
  const span = { from: range.from, to: range.to, zone: range.zone };
  const [series, byModel, stored] = await Promise.all([
    getJson('/v1/stats/series', { ...span, granularity: range.granularity, apiKeyId }),
    getJson('/v1/stats/series', { ...span, granularity: range.granularity, apiKeyId, groupBy: 'model' }),
    getJsonOrNull(`/v1/keys/${encodeURIComponent(apiKeyId)}/limits`)]);
  view.querySelector('[data-totals]').innerHTML = totalsCards(series.totals);
  seriesCharts(view.querySelector('[data-charts]'), series, 'key');
  sealCharts();
  const mix = byModel.series.map(summed).sort((a, b) => b.requests - a.requests);
  view.querySelector('[data-mix]').outerHTML = rankedTable('Model mix', 'model', mix,
    g => links.ledger({ ...span, apiKeyId, model: g }));
  view.querySelector('[data-limits-panel]').innerHTML = limitsPanel(stored);
  await ledgerPanel(view.querySelector('[data-ledger-panel]'), { ...span, apiKeyId },
    { limit: Number(params.get('limit')) || 50, keyLink: id => links.key(id, range), onError });
  return series.projectedAt;
}
