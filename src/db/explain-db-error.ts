import { classifyNetworkError, networkErrorReason } from '../net/explain-network-error.js';
import { displayUrl } from '../redact.js';

/** PostgreSQL connection failures as sentences a user can act on (no stack trace). */
export function explainDatabaseError(error: unknown, databaseUrl: URL): string {
  const err = error as { code?: string; message?: string } | undefined;
  const message = err?.message ?? String(error);
  // SQLSTATE codes: PostgreSQL's src/backend/utils/errcodes.txt.
  switch (err?.code) {
    case '28P01':
    case '28000':
      return `PostgreSQL rejected the login of user "${decodeURIComponent(databaseUrl.username)}": check the user and password in DATABASE_URL.`;
    case '3D000':
      return `the database in DATABASE_URL does not exist (${message}): point it at MyElectricalData's database.`;
    case '42P01':
      return `a MyElectricalData table is missing (${message}): is DATABASE_URL MyElectricalData's database?`;
    case '42501':
      return `PostgreSQL refused an operation (${message}): the user in DATABASE_URL needs to read MyElectricalData's tables and create med-export's own tables (export_logs, export_state).`;
  }
  if (classifyNetworkError(error).kind === 'other') return `database error: ${message}`;
  const server = new URL(databaseUrl.href);
  // The port pg connects to when the URL names none (node-postgres lib/defaults.js:29).
  if (!server.port) server.port = '5432';
  const reason = networkErrorReason(error, { service: 'PostgreSQL', url: server, urlOption: 'DATABASE_URL' });
  return `cannot connect to PostgreSQL at ${displayUrl(databaseUrl)}: ${reason}`;
}
