// Calls to stats-api's /v1 reads with the analyst token. The token lives in this tab's sessionStorage only: never in
// localStorage, a cookie or a URL the server sees.

const TOKEN_KEY = 'usage-ledger.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: value => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The API answered 401: the token is not an analyst or admin token. */
export class TokenRefused extends Error {
  constructor() {
    super('token refused');
  }
}

/** Any other non-2xx answer, with the API's error body (message and violations) when it sent one. */
export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

function describe(status, body) {
  if (!body) {
    return `the API answered ${status}`;
  }
  const violations = (body.violations || []).map(v => `${v.field} ${v.message}`).join('; ');
  return `${body.message || body.error || 'error'}${violations ? ` (${violations})` : ''} [${status}]`;
}

/** A query string of the parameters that have a value. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      q.set(name, value);
    }
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

async function call(path, params, accept) {
  const answer = await fetch(`${path}${query(params)}`, {
    headers: { Authorization: `Bearer ${token.get()}`, Accept: accept },
    cache: 'no-store',
  });
  if (answer.status === 401) {
    throw new TokenRefused();
  }
  return answer;
}

async function failure(answer) {
  const body = await answer.json().catch(() => null);
  return new ApiError(answer.status, body);
}

/** The JSON answer of a read; a 401 throws TokenRefused, any other failure ApiError. */
export async function getJson(path, params = {}) {
  const answer = await call(path, params, 'application/json');
  if (!answer.ok) {
    throw await failure(answer);
  }
  return answer.json();
}

/**
 * As getJson, but the API's own 404 ({"error": "not_found"}: a key without stored limits) is null; any other 404
 * (no such path) is an ApiError.
 */
export async function getJsonOrNull(path, params = {}) {
  const answer = await call(path, params, 'application/json');
  if (!answer.ok) {
    const error = await failure(answer);
    if (answer.status === 404 && error.body && error.body.error === 'not_found') {
      return null;
    }
    throw error;
  }
  return answer.json();
}

/**
 * Downloads a read as CSV (format=csv): a plain link cannot carry the Authorization header, so the answer is fetched
 * with the token, then saved through a temporary object URL.
 */
export async function downloadCsv(path, params, filename) {
  const answer = await call(path, { ...params, format: 'csv' }, 'text/csv');
  if (!answer.ok) {
    throw await failure(answer);
  }
  const url = URL.createObjectURL(await answer.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
