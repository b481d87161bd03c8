import { describe, expect, it } from 'vitest';
import {
  DOCKER_FOREIGN_LAYER,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V1,
  DOCKER_MANIFEST_V1_SIGNED,
  DOCKER_MANIFEST_V2,
  MANIFEST_ACCEPT,
  MANIFEST_ACCEPT_HEADER,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
  OCI_LAYER_TAR_GZIP,
  baseMediaType,
  isForeignLayerMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  isSchema1MediaType,
} from '../../../src/oci/media-types.js';

describe('MANIFEST_ACCEPT', () => {
  it("is docker's Accept list in docker's order, frozen", () => {
    expect(MANIFEST_ACCEPT).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
    expect(Object.isFrozen(MANIFEST_ACCEPT)).toBe(true);
    expect(MANIFEST_ACCEPT_HEADER).toBe(MANIFEST_ACCEPT.join(', '));
  });
});

describe('media type predicates', () => {
  it('strips parameters and case before comparing', () => {
    expect(baseMediaType(' Application/VND.OCI.image.index.v1+json ; charset=utf-8')).toBe(OCI_IMAGE_INDEX);
    expect(isIndexMediaType(`${DOCKER_MANIFEST_LIST}; charset=utf-8`)).toBe(true);
  });

  it.each([
    [OCI_IMAGE_INDEX, true, false, false],
    [DOCKER_MANIFEST_LIST, true, false, false],
    [OCI_IMAGE_MANIFEST, false, true, false],
    [DOCKER_MANIFEST_V2, false, true, false],
    [DOCKER_MANIFEST_V1, false, false, true],
    [DOCKER_MANIFEST_V1_SIGNED, false, false, true],
    [OCI_IMAGE_CONFIG, false, false, false],
    ['application/json', false, false, false],
  ])('%s: index=%s image=%s schema1=%s', (mt, index, image, schema1) => {
    expect(isIndexMediaType(mt)).toBe(index);
    expect(isImageManifestMediaType(mt)).toBe(image);
    expect(isSchema1MediaType(mt)).toBe(schema1);
  });

  it('recognises foreign (non-distributable) layers only', () => {
    expect(isForeignLayerMediaType(DOCKER_FOREIGN_LAYER)).toBe(true);
    expect(isForeignLayerMediaType(OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP)).toBe(true);
    expect(isForeignLayerMediaType(DOCKER_LAYER_TAR_GZIP)).toBe(false);
    expect(isForeignLayerMediaType(OCI_LAYER_TAR_GZIP)).toBe(false);
  });
});
