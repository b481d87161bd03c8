import { createRequire } from 'node:module';

// Read from package.json so the version has one source; the path is the same from src/ and dist/.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string; name: string };

export const VERSION: string = pkg.version;
export const PACKAGE_NAME: string = pkg.name;
