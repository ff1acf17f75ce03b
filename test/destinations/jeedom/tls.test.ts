import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsProxy } from '../../support/tls-proxy.js';
import type { TlsProxy } from '../../support/tls-proxy.js';
import { createJeedomClient } from '../../../src/destinations/jeedom/client.js';
import { JeedomError } from '../../../src/destinations/jeedom/rpc-errors.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';

/** The stand-in behind an HTTPS reverse proxy whose certificate a throwaway CA signed. */
describe('Jeedom over HTTPS', () => {
  let standin: JeedomStandin;
  let proxy: TlsProxy;
  let url: URL;
  const client = (options: { caCert?: string; tlsInsecure?: boolean }) =>
    createJeedomClient({ url, apiKey: standin.apiKey, timeoutMs: 5000, ...options });

  beforeAll(async () => {
    standin = await startJeedomStandin();
    proxy = await startTlsProxy(standin.url);
    url = new URL(proxy.url);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await standin?.close();
  });

  it('refuses a certificate it cannot verify and says how to fix it', async () => {
    const jeedom = client({});
    const error = await jeedom.call('version').then(
      () => null,
      (caught: unknown) => caught,
    );
    jeedom.close();
    expect(error).toBeInstanceOf(JeedomError);
    expect((error as JeedomError).kind).toBe('network');
    expect((error as JeedomError).hint).toContain('JEEDOM_CA_CERT');
  });

  it('trusts the CA given in JEEDOM_CA_CERT, or skips verification when told to', async () => {
    for (const options of [{ caCert: proxy.caFile }, { tlsInsecure: true }]) {
      const jeedom = client(options);
      expect(await jeedom.call('version')).toBe(standin.version);
      jeedom.close();
    }
  });
});
