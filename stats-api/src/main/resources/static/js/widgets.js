// Totals cards and top tables, shared by the overview and a key's page. Every shown figure carries its exact value in
// data-value (what the browser test compares with the API).
import { cacheHitRatio, count, esc, unpricedShare } from './format.js';
import { usd } from './decimal.js';

function card(measure, label, value, shown) {
  return `<div class="card"><dt>${label}</dt><dd data-measure="${measure}" data-value="${esc(value)}"
    title="${esc(value)}">${esc(shown)}</dd></div>`;
}

/** The totals of a range: requests, tokens by class, real and rated cost, cache hit ratio, unpriced share. */
export function totalsCards(m) {
  return `<dl class="cards">
    ${card('requests', 'Requests', m.requests, count(m.requests))}
    ${card('inputTokens', 'Input tokens', m.inputTokens, count(m.inputTokens))}
    ${card('outputTokens', 'Output tokens', m.outputTokens, count(m.outputTokens))}
    ${card('cacheCreateTokens', 'Cache-write tokens', m.cacheCreateTokens, count(m.cacheCreateTokens))}
    ${card('cacheReadTokens', 'Cache-read tokens', m.cacheReadTokens, count(m.cacheReadTokens))}
    ${card('realCostUsd', 'Real cost', m.realCostUsd, usd(m.realCostUsd))}
    ${card('ratedCostUsd', 'Rated cost', m.ratedCostUsd, usd(m.ratedCostUsd))}
    ${card('cacheHitRatio', 'Cache hit ratio', cacheHitRatio(m), cacheHitRatio(m))}
    ${card('unpricedShare', 'Unpriced share', unpricedShare(m), unpricedShare(m))}
  </dl>`;
}

const tokens = m => m.inputTokens + m.outputTokens + m.cacheCreateTokens + m.cacheReadTokens;

/**
 * A ranked table: group, requests, tokens, rated and real cost, unpriced share. {@code link(group)} gives the
 * fragment a group opens, or null.
 */
export function rankedTable(title, dimension, items, link) {
  const rows = items.map(item => {
    const name = item.group === null ? '(none)' : item.group;
    const href = item.group === null ? null : link(item.group);
    return `<tr data-group="${esc(item.group ?? '')}">
      <td>${href ? `<a href="${esc(href)}">${esc(name)}</a>` : esc(name)}</td>
      <td class="num">${count(item.requests)}</td><td class="num">${count(tokens(item))}</td>
      <td class="num" title="${esc(item.ratedCostUsd)}">${usd(item.ratedCostUsd)}</td>
      <td class="num" title="${esc(item.realCostUsd)}">${usd(item.realCostUsd)}</td>
      <td class="num">${unpricedShare(item)}</td></tr>`;
  }).join('');
  return `<section class="panel" data-top="${dimension}"><h2>${title}</h2><div class="scroll"><table>
    <thead><tr><th>${dimension}</th><th class="num">requests</th><th class="num">tokens</th>
    <th class="num">rated</th><th class="num">real</th><th class="num">unpriced</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="6" class="muted">nothing in this range</td></tr>'}</tbody></table></div>
  </section>`;
}
