// Time series charts with uPlot (loaded from stats-api's webjar as the global uPlot). Each chart registers itself in
// window.__usagePage.charts (id → series, points, line colours, drawn) and window.__chartsDrawnMs records, once per page load, the
// time from navigation start until every chart of the first view had drawn: what the browser test reads.

const live = [];
const page = (window.__usagePage = window.__usagePage || { charts: {} });
let sealed = false;

const COLORS = ['#2358c9', '#d9822b', '#2f9e6b', '#9c4dcc', '#c23b3b', '#5f6b7a'];
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Removes the charts of the view being left. */
export function clearCharts() {
  live.splice(0).forEach(chart => chart.destroy());
  page.charts = {};
  sealed = false;
}

/** Says every chart of the view is created: the first moment all have drawn is then recorded. */
export function sealCharts() {
  sealed = true;
  recordIfAllDrawn();
}

function recordIfAllDrawn() {
  const all = Object.values(page.charts);
  if (sealed && all.length && all.every(c => c.drawn)) {
    page.lastDrawnMs = performance.now();
    if (window.__chartsDrawnMs === undefined) {
      window.__chartsDrawnMs = page.lastDrawnMs;
    }
  }
}

/**
 * A chart of lines over bucket starts. {@code lines}: [{label, values}], one value per bucket; {@code money}: the y
 * axis shows dollars.
 */
export function timeChart(panel, id, title, zone, bucketStarts, lines, { money = false } = {}) {
  panel.innerHTML = `<h2>${title}</h2><div class="chart" data-chart="${id}"></div>`;
  const target = panel.querySelector('.chart');
  const xs = bucketStarts.map(s => Date.parse(s) / 1000);
  const colors = lines.map((line, i) => COLORS[i % COLORS.length]);
  const entry = { title, series: lines.length, points: xs.length, colors, drawn: false };
  page.charts[id] = entry;
  const axisValue = v => (money ? `$${compact.format(v)}` : compact.format(v));
  const chart = new uPlot({
    width: Math.max(320, target.clientWidth || panel.clientWidth - 24),
    height: 220,
    tzDate: ts => uPlot.tzDate(new Date(ts * 1000), zone),
    scales: { x: { time: true } },
    series: [{}, ...lines.map((line, i) => ({
      label: line.label,
      stroke: colors[i],
      width: 1.5,
      points: { show: xs.length <= 62 },
      value: (u, v) => (v === null ? '—' : money ? `$${v.toFixed(4)}` : v.toLocaleString('en-US')),
    }))],
    axes: [{}, { size: 60, values: (u, values) => values.map(axisValue) }],
    hooks: {
      draw: [() => {
        entry.drawn = true;
        recordIfAllDrawn();
      }],
    },
  }, [xs, ...lines.map(line => line.values)], target);
  live.push(chart);
  return chart;
}

/** The three charts of a series answer (one series, groupBy none): requests, tokens by class, real and rated cost. */
export function seriesCharts(container, series, prefix) {
  const points = series.series[0]?.points ?? [];
  const starts = points.map(p => p.bucketStart);
  const column = name => points.map(p => Number(p[name]));
  container.className = 'charts';
  container.innerHTML = '<section class="panel"></section><section class="panel"></section>'
    + '<section class="panel"></section>';
  const [requests, tokens, cost] = container.querySelectorAll('.panel');
  timeChart(requests, `${prefix}-requests`, 'Requests', series.zone, starts,
    [{ label: 'requests', values: column('requests') }]);
  timeChart(tokens, `${prefix}-tokens`, 'Tokens by class', series.zone, starts, [
    { label: 'input', values: column('inputTokens') },
    { label: 'output', values: column('outputTokens') },
    { label: 'cache create', values: column('cacheCreateTokens') },
    { label: 'cache read', values: column('cacheReadTokens') },
  ]);
  timeChart(cost, `${prefix}-cost`, 'Cost (USD)', series.zone, starts, [
    { label: 'real', values: column('realCostUsd') },
    { label: 'rated', values: column('ratedCostUsd') },
  ], { money: true });
}

window.addEventListener('resize', () => {
  for (const chart of live) {
    const width = chart.root.parentElement?.clientWidth;
    if (width) {
      chart.setSize({ width: Math.max(320, width), height: 220 });
    }
  }
});
