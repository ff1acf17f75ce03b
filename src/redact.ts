/**
 * Every secret the configuration loaded is registered here; `redact` removes them (and any password written
 * inside a URL) from text before it reaches the terminal, a log line or `export_logs`.
 */
const secrets = new Set<string>();

export function registerSecret(value: string): void {
  if (value.length >= 3) secrets.add(value);
  try {
    const decoded = decodeURIComponent(value);
    if (decoded.length >= 3) secrets.add(decoded);
  } catch {
    // not URI-encoded: the raw value is already registered
  }
}

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s/]+)@/gi;

export function redact(text: string): string {
  let result = text.replace(URL_PASSWORD, '$1:***@');
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join('***');
  }
  return result;
}

/** A URL as it may be shown: password replaced by `***`. */
export function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}
