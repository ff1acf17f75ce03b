import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
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

/** A throwaway CA and a certificate for 127.0.0.1 it signed, in a directory of their own. */
function throwawayCertificates(): { dir: string; key: Buffer; cert: Buffer; caFile: string } {
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
  return {
    dir,
    key: readFileSync(join(dir, 'server.key')),
    cert: readFileSync(join(dir, 'server.pem')),
    caFile: join(dir, 'ca.pem'),
  };
}

/** Listens on 127.0.0.1 at an ephemeral port; `close` also removes the certificates. */
async function serve(server: Server, dir: string, scheme: string) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTPS reverse proxy in front of `backendUrl`, its certificate (for 127.0.0.1) signed by a throwaway CA. */
export async function startTlsProxy(backendUrl: string): Promise<TlsProxy> {
  const { dir, key, cert, caFile } = throwawayCertificates();
  const proxy = createServer({ key, cert }, (incoming, outgoing) =>
    forwardRequest(backendUrl, incoming, outgoing),
  );
  return { caFile, ...(await serve(proxy, dir, 'https')) };
}

/**
 * A TLS endpoint in front of a plain TCP service (an MQTT broker): each connection's bytes are piped both ways;
 * `url` is `mqtts://127.0.0.1:<port>`.
 */
export async function startTlsTunnel(target: { host: string; port: number }): Promise<TlsProxy> {
  const { dir, key, cert, caFile } = throwawayCertificates();
  const sockets = new Set<Socket>();
  const tunnel = createTlsServer({ key, cert }, (client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const served = await serve(tunnel, dir, 'mqtts');
  return {
    caFile,
    url: served.url,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await served.close();
    },
  };
}
