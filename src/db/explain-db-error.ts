import { displayUrl } from '../redact.js';

/** PostgreSQL connection failures as sentences a user can act on (no stack trace). */
export function explainDatabaseError(error: unknown, databaseUrl: URL): string {
  const where = `${displayUrl(databaseUrl)}`;
  const err = error as { code?: string; message?: string } | undefined;
  const message = err?.message ?? String(error);
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `cannot connect to PostgreSQL at ${where}: connection refused. Is the server running on ${databaseUrl.hostname}:${databaseUrl.port || 5432}? Check DATABASE_URL.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the PostgreSQL host "${databaseUrl.hostname}": check DATABASE_URL.`;
    case 'ETIMEDOUT':
      return `PostgreSQL at ${where} did not answer in time: check the host, port and firewall in DATABASE_URL.`;
    case '28P01':
    case '28000':
      return `PostgreSQL rejected the login of user "${decodeURIComponent(databaseUrl.username)}": check the user and password in DATABASE_URL.`;
    case '3D000':
      return `the database in DATABASE_URL does not exist (${message}): point it at MyElectricalData's database.`;
    case '42P01':
      return `a MyElectricalData table is missing (${message}): is DATABASE_URL MyElectricalData's database?`;
    case '42501':
      return `PostgreSQL refused an operation (${message}): the user in DATABASE_URL needs to read MyElectricalData's tables and create med-export's own tables (export_logs, export_state).`;
    default:
      if (/timeout/i.test(message)) {
        return `PostgreSQL at ${where} did not answer in time (${message}): check DATABASE_URL.`;
      }
      return `database error: ${message}`;
  }
}
