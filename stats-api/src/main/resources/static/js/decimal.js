// Exact money: the API sends decimal strings with up to 10 fraction digits; sums and shares are done in BigInt units
// of 1e-10 USD, never in floating point. Numbers are used only to plot.

const DIGITS = 10;
const SCALE = 10n ** BigInt(DIGITS);

/** "-12.5" → -125000000000n; null or "" → 0n. */
export function units(text) {
  if (text === null || text === undefined || text === '') {
    return 0n;
  }
  let s = String(text);
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) {
    s = s.slice(1);
  }
  const [whole, fraction = ''] = s.split('.');
  const value = BigInt(whole || '0') * SCALE + BigInt((fraction + '0'.repeat(DIGITS)).slice(0, DIGITS));
  return negative ? -value : value;
}

/** Units back to the shortest exact decimal string ("12.5", "0", "-0.0000000001"). */
export function text(value) {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const fraction = (abs % SCALE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / SCALE}${fraction ? `.${fraction}` : ''}`;
}

/** The exact sum of decimal strings. */
export function sum(values) {
  return text(values.reduce((total, v) => total + units(v), 0n));
}

/** Rounded half away from zero to {@code digits} fraction digits, with thousands separators: "1,234.57". */
export function rounded(value, digits) {
  let u = units(value);
  const negative = u < 0n;
  if (negative) {
    u = -u;
  }
  const step = 10n ** BigInt(DIGITS - digits);
  const r = (u + step / 2n) / step;
  const unit = 10n ** BigInt(digits);
  const whole = (r / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits > 0 ? `.${(r % unit).toString().padStart(digits, '0')}` : '';
  return `${negative && r !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** US dollars as shown: 2 fraction digits from $1 up, 4 below (a small key's cost stays visible). */
export function usd(value) {
  const u = units(value);
  const big = (u < 0n ? -u : u) >= SCALE;
  const shown = rounded(value, big ? 2 : 4);
  return shown.startsWith('-') ? `-$${shown.slice(1)}` : `$${shown}`;
}
