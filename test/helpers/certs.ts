// Test PKI made with openssl at setup time (~50-150 ms): a CA, a server
// certificate for the TLS registry, a client certificate (mutual TLS tests), and
// the EC key whose certificate the token-auth registry trusts for JWTs.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run-process.js';

export interface TestCerts {
  dir: string;
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  tokenCertPath: string;
  tokenKeyPath: string;
  /** libtrust key ID of the token key: what distribution 2.8 matches the JWT `kid` against. */
  tokenKid: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = ['-days', '30'];

export async function generateCerts(dir: string): Promise<TestCerts> {
  await mkdir(dir, { recursive: true });
  const p = (name: string) => path.join(dir, name);
  const certs: Omit<TestCerts, 'tokenKid'> = {
    dir,
    caCertPath: p('ca.crt'),
    caKeyPath: p('ca.key'),
    serverCertPath: p('server.crt'),
    serverKeyPath: p('server.key'),
    clientCertPath: p('client.cert'),
    clientKeyPath: p('client.key'),
    tokenCertPath: p('token.crt'),
    tokenKeyPath: p('token.key'),
  };
  await Promise.all([
    writeFile(p('server.ext'), 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n'),
    writeFile(p('client.ext'), 'extendedKeyUsage=clientAuth\n'),
  ]);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

  // The three key pairs are independent: make them in parallel, then sign the leaves.
  await Promise.all([
    openssl('req', '-x509', ...EC, '-keyout', certs.caKeyPath, '-out', certs.caCertPath, ...DAYS,
      '-subj', '/CN=regctl Test Registry CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'),
    openssl('req', '-new', ...EC, '-keyout', certs.serverKeyPath, '-out', p('server.csr'), '-subj', '/CN=127.0.0.1'),
    openssl('req', '-new', ...EC, '-keyout', certs.clientKeyPath, '-out', p('client.csr'), '-subj', '/CN=regctl-test-client'),
    openssl('req', '-x509', ...EC, '-keyout', certs.tokenKeyPath, '-out', certs.tokenCertPath, ...DAYS,
      '-subj', '/CN=test-token-issuer'),
  ]);
  const sign = (csr: string, ext: string, out: string, serial: string) =>
    openssl('x509', '-req', '-in', p(csr), '-CA', certs.caCertPath, '-CAkey', certs.caKeyPath,
      '-set_serial', serial, ...DAYS, '-extfile', p(ext), '-out', out);
  await Promise.all([
    sign('server.csr', 'server.ext', certs.serverCertPath, '1001'),
    sign('client.csr', 'client.ext', certs.clientCertPath, '1002'),
  ]);
  return { ...certs, tokenKid: libtrustKeyId(await readFile(certs.tokenCertPath, 'utf8')) };
}

/**
 * libtrust key ID (docker/libtrust `keyIDFromCryptoKey`): SHA-256 of the DER
 * SubjectPublicKeyInfo, first 240 bits, base32 without padding, 12 groups of 4
 * joined by ':'. distribution 2.8 rejects a token whose `kid` differs.
 */
export function libtrustKeyId(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(digest).match(/.{4}/g)!.join(':');
}

function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1; // keep only the bits not yet emitted
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
