import { describe, expect, it } from 'vitest';
import { explainDatabaseError } from '../../src/db/explain-db-error.js';

const url = new URL('postgres://med:Db-Pa55word@db.example/med');
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('explainDatabaseError', () => {
  it('a network failure names the server (no password), the fault and DATABASE_URL', () => {
    expect(explainDatabaseError(withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'), url)).toBe(
      'cannot connect to PostgreSQL at postgres://med:***@db.example/med: connection refused (is PostgreSQL ' +
        'running and listening on db.example:5432? check DATABASE_URL)',
    );
    expect(explainDatabaseError(withCode('getaddrinfo ENOTFOUND db.example', 'ENOTFOUND'), url)).toBe(
      'cannot connect to PostgreSQL at postgres://med:***@db.example/med: unknown host name "db.example" (check ' +
        'the host name in DATABASE_URL)',
    );
    // node-postgres' words when its connectionTimeoutMillis runs out (pg lib/client.js:170).
    expect(explainDatabaseError(new Error('timeout expired'), url)).toMatch(
      /: no answer in time \(check the host, the port and any firewall\)$/,
    );
    expect(explainDatabaseError(new Error('The server does not support SSL connections'), url)).toMatch(
      /: TLS handshake failed: The server does not support SSL connections \(is the scheme .* DATABASE_URL/,
    );
  });

  it('keeps the port the URL names', () => {
    const onPort = new URL('postgres://med@127.0.0.1:6543/med');
    expect(explainDatabaseError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), onPort)).toContain(
      'listening on 127.0.0.1:6543?',
    );
  });

  it("PostgreSQL's own refusals say which part of DATABASE_URL to fix", () => {
    expect(explainDatabaseError(withCode('password authentication failed', '28P01'), url)).toBe(
      'PostgreSQL rejected the login of user "med": check the user and password in DATABASE_URL.',
    );
    expect(explainDatabaseError(withCode('database "x" does not exist', '3D000'), url)).toMatch(
      /^the database in DATABASE_URL does not exist \(database "x" does not exist\)/,
    );
    expect(explainDatabaseError(withCode('relation "pdls" does not exist', '42P01'), url)).toMatch(
      /a MyElectricalData table is missing/,
    );
    expect(explainDatabaseError(withCode('permission denied for table pdls', '42501'), url)).toMatch(
      /needs to read MyElectricalData's tables/,
    );
  });

  it('anything else is a database error in its own words', () => {
    expect(explainDatabaseError(withCode('syntax error at or near "x"', '42601'), url)).toBe(
      'database error: syntax error at or near "x"',
    );
  });
});
