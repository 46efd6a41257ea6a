// The range every view reads: from (inclusive), to (exclusive), zone and granularity, kept in the address's fragment
// (#/view?from=…&to=…) so a view can be bookmarked and shared (without the token, which is never in it).
import { esc } from './format.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo',
  'Asia/Shanghai', 'Asia/Kolkata', 'Australia/Sydney'];

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Today's date in zone, YYYY-MM-DD. */
function today(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/** A calendar date plus days (no zone involved: dates are labels here). */
function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function firstOfMonth(date, monthsBack) {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - monthsBack);
  return d.toISOString().slice(0, 10);
}

/** The range of a view's parameters; by default the last 7 days in the browser's zone, by day. */
export function rangeOf(params) {
  const zone = params.get('zone') || browserZone();
  const to = params.get('to') || addDays(today(zone), 1);
  const from = params.get('from') || (DATE.test(to) ? addDays(to, -7) : to);
  return { from, to, zone, granularity: params.get('granularity') || 'day' };
}

/** Quick ranges, each ending tomorrow (so today is included). */
function presets(zone) {
  const end = addDays(today(zone), 1);
  return [
    ['48 h', { from: addDays(end, -2), to: end, granularity: 'hour' }],
    ['7 days', { from: addDays(end, -7), to: end, granularity: 'day' }],
    ['30 days', { from: addDays(end, -30), to: end, granularity: 'day' }],
    ['12 months', { from: firstOfMonth(end, 11), to: firstOfMonth(end, -1), granularity: 'month' }],
  ];
}

function input(name, label, value) {
  const type = DATE.test(value) ? 'date' : 'text';
  return `<label>${label}<input name="${name}" type="${type}" value="${esc(value)}" required></label>`;
}

/**
 * The controls of a range (and of the filters a view takes): submitting them rewrites the fragment, which renders the
 * view again. {@code extra} are [name, label, value] text inputs.
 */
export function controls(form, path, range, { granularity = true, extra = [] } = {}) {
  const zones = [...new Set([browserZone(), ...ZONES, range.zone])];
  form.className = 'controls';
  form.innerHTML = `${input('from', 'from', range.from)}${input('to', 'to (exclusive)', range.to)}
    ${granularity ? `<label>granularity<select name="granularity">${['hour', 'day', 'month'].map(g =>
      `<option${g === range.granularity ? ' selected' : ''}>${g}</option>`).join('')}</select></label>` : ''}
    <label>zone<input name="zone" list="zones" value="${esc(range.zone)}" size="18" required></label>
    <datalist id="zones">${zones.map(z => `<option value="${esc(z)}">`).join('')}</datalist>
    ${extra.map(([name, label, value]) => `<label>${label}<input name="${name}" value="${esc(value ?? '')}"
      size="14"></label>`).join('')}
    <button type="submit">Show</button>
    <span class="presets">${granularity ? presets(range.zone).map(([label], i) =>
      `<button type="button" class="secondary" data-preset="${i}">${label}</button>`).join(' ') : ''}</span>`;
  const go = values => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(values)) {
      if (value) {
        params.set(name, value);
      }
    }
    location.hash = `${path}?${params}`;
  };
  form.addEventListener('submit', event => {
    event.preventDefault();
    go(Object.fromEntries(new FormData(form)));
  });
  form.querySelectorAll('[data-preset]').forEach(button => button.addEventListener('click', () => {
    const values = Object.fromEntries(new FormData(form));
    go({ ...values, ...presets(values.zone || range.zone)[Number(button.dataset.preset)][1] });
  }));
}
