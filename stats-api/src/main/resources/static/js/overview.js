// The overview: totals, the three charts and the top keys, models and accounts of a range.
import { getJson } from './api.js';
import { seriesCharts, sealCharts } from './charts.js';
import { controls, rangeOf } from './range.js';
import { rankedTable, totalsCards } from './widgets.js';

export async function overview(view, params, links) {
  const range = rangeOf(params);
  view.innerHTML = `<h1>Usage</h1><form></form><div data-totals></div><div data-charts></div>
    <div class="tables" data-tops></div>`;
  controls(view.querySelector('form'), '/', range);
  const span = { from: range.from, to: range.to, zone: range.zone };
  const top = dimension => getJson('/v1/stats/top', { ...span, dimension, by: 'ratedCost', limit: 10 });
  const [series, keys, models, accounts] = await Promise.all([
    getJson('/v1/stats/series', { ...span, granularity: range.granularity }),
    top('apiKeyId'), top('model'), top('accountId')]);
  view.querySelector('[data-totals]').innerHTML = totalsCards(series.totals);
  seriesCharts(view.querySelector('[data-charts]'), series, 'overview');
  sealCharts();
  view.querySelector('[data-tops]').innerHTML = [
    rankedTable('Top keys', 'apiKeyId', keys.items, g => links.key(g, range)),
    rankedTable('Top models', 'model', models.items, g => links.ledger({ ...span, model: g })),
    rankedTable('Top accounts', 'accountId', accounts.items, g => links.ledger({ ...span, accountId: g })),
  ].join('');
  return series.projectedAt;
}
