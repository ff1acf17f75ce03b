import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardRequest } from './forward-request.js';

export interface TlsProxy {
  /** `https://127.0.0.1:<port>`, forwarding every request to the backend. */
  url: string;
  /** PEM file of the throwaway CA that signed the proxy's certificate. */
  caFile: string;
  close(): Promise<void>;
}

/** An HTTPS reverse proxy in front of `backendUrl`, its certificate (for 127.0.0.1) signed by a throwaway CA. */
export async function startTlsProxy(backendUrl: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'med-export-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const subject = (name: string) => ['-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`];
  openssl(
    'req',
    '-x509',
    ...subject('med-export test CA'),
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('req', ...subject('127.0.0.1'), '-keyout', 'server.key', '-out', 'server.csr');
  openssl(
    'x509',
    ...['-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
    ...['-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'],
  );
  const proxy = createServer(
    { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
    (incoming, outgoing) => forwardRequest(backendUrl, incoming, outgoing),
  );
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    caFile: join(dir, 'ca.pem'),
    close: async () => {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
