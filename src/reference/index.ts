// Public surface of the reference folder: parsing, the grammar's limits and Docker Hub naming.
export { parseReference, parseRepository } from './parse.js';
export type { Reference, Repository } from './parse.js';
export {
  DOCKER_HUB,
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_CREDENTIAL_KEY,
  DOCKER_HUB_SEARCH_HOST,
  apiHost,
  credentialKey,
  isLoopbackHost,
  normalizeRegistryHost,
} from './hosts.js';
export { NAME_MAX_LENGTH, TAG_MAX_LENGTH, isValidDomain, isValidPath, isValidTag } from './grammar.js';
