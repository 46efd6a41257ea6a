// How counts, shares and instants are shown. One place, so the browser test can follow the same rules.

/** 1234567 → "1,234,567" (en-US grouping whatever the browser's locale, so every reader sees the same figure). */
export function count(n) {
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** part / whole as a percentage with one decimal, or "—" when there is no whole (or no part to show). */
export function share(part, whole) {
  if (part === undefined || part === null || !whole) {
    return '—';
  }
  return `${(100 * part / whole).toFixed(1)}%`;
}

/**
 * Cache hit ratio: the share of prompt tokens read from the cache, cacheRead / (input + cacheCreate + cacheRead).
 */
export function cacheHitRatio(m) {
  return share(m.cacheReadTokens, m.inputTokens + m.cacheCreateTokens + m.cacheReadTokens);
}

/** Requests that no catalog priced, when the API reports them (unpricedRequests); "—" when it does not. */
export function unpricedShare(m) {
  return 'unpricedRequests' in m ? share(m.unpricedRequests, m.requests) : '—';
}

/** An instant as a wall-clock time in zone: "2026-03-29 14:05:09". */
export function instant(iso, zone) {
  if (!iso) {
    return '';
  }
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map(x => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "3 min ago" style age of an instant, for the freshness line. */
export function age(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) {
    return `${seconds} s ago`;
  }
  if (seconds < 90 * 60) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 36 * 3600) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return `${Math.round(seconds / 86400)} days ago`;
}

/** Escapes text for innerHTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
    "'": '&#39;' }[c]));
}
