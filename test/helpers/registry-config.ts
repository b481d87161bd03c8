// The config.yml for one test registry. Values are JSON-quoted, which YAML accepts.
import type { StartRegistryOptions } from './registry-process.js';

export function registryConfigYaml(options: StartRegistryOptions & { htpasswdPath: string; storageDir: string }): string {
  const q = (value: string) => JSON.stringify(value);
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info            # the bound port is only printed at info level',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(options.storageDir)}`,
    '  delete:',
    `    enabled: ${options.deletes === false ? 'false' : 'true'}`,
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: regctl-test-only-secret',
  ];
  if (options.tls) {
    lines.push('  tls:', `    certificate: ${q(options.tls.certPath)}`, `    key: ${q(options.tls.keyPath)}`);
    if (options.tls.clientCaPath) lines.push('    clientcas:', `      - ${q(options.tls.clientCaPath)}`);
  }
  if (options.mode === 'htpasswd') {
    lines.push('auth:', '  htpasswd:', '    realm: test-realm', `    path: ${q(options.htpasswdPath)}`);
  }
  if (options.mode === 'token' && options.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${q(options.token.realm)}`,
      `    service: ${q(options.token.service ?? 'test-registry')}`,
      `    issuer: ${q(options.token.issuer ?? 'test-issuer')}`,
      `    rootcertbundle: ${q(options.token.certPath)}`,
    );
  }
  if (options.mode === 'mirror' && options.upstream) {
    lines.push('proxy:', `  remoteurl: ${q(options.upstream.url)}`);
    if (options.upstream.username) lines.push(`  username: ${q(options.upstream.username)}`);
    if (options.upstream.password) lines.push(`  password: ${q(options.upstream.password)}`);
  }
  return `${lines.join('\n')}\n`;
}
