// docker's manifest list bytes. The digests below are what docker 28 (`docker manifest push`)
// produced for these very entries against distribution 2.8; the same inputs must give the same
// bytes here.
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../../src/oci/digest.js';
import { goCompact, goIndent, goMarshal, objectMemberTexts } from '../../../src/oci/go-json.js';
import { dockerInspectIndexText, marshalManifestList, type ManifestListEntry } from '../../../src/oci/manifest-list-json.js';
import { DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2, OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../src/oci/media-types.js';

const OCI_AMD64: ManifestListEntry = {
  mediaType: OCI_IMAGE_MANIFEST,
  size: 401,
  digest: 'sha256:8c7a3995cccc0e93ed98797071ee2b644671a0b2eed9d28d1bf45e6868852351',
  platform: { architecture: 'amd64', os: 'linux' },
};
const OCI_ARM64: ManifestListEntry = {
  mediaType: OCI_IMAGE_MANIFEST,
  size: 401,
  digest: 'sha256:ae88913980817d9056179afb0cbbd515ccb9098842deb3db0839d01f7d47679f',
  platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
};
const V2_AMD64: ManifestListEntry = {
  mediaType: DOCKER_MANIFEST_V2,
  size: 423,
  digest: 'sha256:429de7cab58193a8be7b2582b0518651e0d4682574fce249aaab39879231ff3f',
  platform: { architecture: 'amd64', os: 'linux' },
};

describe('marshalManifestList (docker manifestlist.FromDescriptors)', () => {
  it('two OCI images: an OCI index, docker 28 digest', () => {
    const list = marshalManifestList([OCI_AMD64, OCI_ARM64]);
    expect(list.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(digestOf(list.bytes)).toBe('sha256:d8231dfe1d488393937d1f20eb39f67e17ab76384cd8b3d3c7a07170e1611a04');
    expect(list.bytes.toString().startsWith('{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.oci.image.index.v1+json",\n   "manifests": [\n      {\n         "mediaType"')).toBe(true);
    expect(list.bytes.at(-1)).toBe('}'.charCodeAt(0)); // no trailing newline
  });

  it('the first entry decides: OCI first is an index even with a Docker entry after it', () => {
    const list = marshalManifestList([OCI_ARM64, V2_AMD64]);
    expect(list.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(digestOf(list.bytes)).toBe('sha256:0e6333e97aee8d9ef97d583d5c6abffbac9e7994a95b78a5edec25f98cfcc310');
  });

  it('Docker first is a Docker manifest list; os.features before variant, HTML characters escaped as Go does', () => {
    const annotated = { ...OCI_ARM64, platform: { ...OCI_ARM64.platform!, 'os.features': ['x<y&z'] } };
    const list = marshalManifestList([V2_AMD64, annotated]);
    expect(list.mediaType).toBe(DOCKER_MANIFEST_LIST);
    expect(list.bytes.toString()).toContain('"os.features": [\n               "x\\u003cy\\u0026z"\n            ],\n            "variant": "v8"');
    expect(digestOf(list.bytes)).toBe('sha256:1cb6b57ed60cf016e297115fb46772629d4c475cb225d54c77e1ff65779e7c7e');
  });

  it('a missing platform is still written, with empty architecture and os; no entries is []', () => {
    const text = marshalManifestList([{ ...OCI_AMD64, platform: undefined }]).bytes.toString();
    expect(text).toContain('"platform": {\n            "architecture": "",\n            "os": ""\n         }');
    expect(marshalManifestList([]).bytes.toString()).toBe(
      '{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",\n   "manifests": []\n}',
    );
  });
});

describe('dockerInspectIndexText (docker manifest inspect of a remote index)', () => {
  it('rebuilds the index in docker field order, dropping annotations, urls and platform features', () => {
    const index = {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      annotations: { a: 'b' },
      manifests: [
        { mediaType: OCI_IMAGE_MANIFEST, digest: OCI_AMD64.digest, size: 401, annotations: { x: 'y' }, platform: { os: 'linux', architecture: 'amd64', features: ['sse4'] } },
        { mediaType: OCI_IMAGE_MANIFEST, digest: OCI_ARM64.digest, size: 401, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    };
    expect(dockerInspectIndexText(Buffer.from(JSON.stringify(index)))).toBe(marshalManifestList([OCI_AMD64, OCI_ARM64]).bytes.toString());
  });

  it('a referrers index keeps each entry artifactType and annotations, without an empty platform', () => {
    const entry = { mediaType: OCI_IMAGE_MANIFEST, digest: OCI_AMD64.digest, size: 530, artifactType: 'application/spdx+json', annotations: { 'org.example.tool': 'syft' } };
    const text = dockerInspectIndexText(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [entry] })));
    expect(JSON.parse(text)).toEqual({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [{ mediaType: OCI_IMAGE_MANIFEST, size: 530, digest: OCI_AMD64.digest, artifactType: 'application/spdx+json', annotations: { 'org.example.tool': 'syft' } }] });
    expect(text.startsWith('{\n   "schemaVersion": 2,')).toBe(true);
  });

  it('an index that is itself a referrer keeps its subject and artifactType next to docker fields', () => {
    const subject = { mediaType: OCI_IMAGE_MANIFEST, digest: OCI_ARM64.digest, size: 401 };
    const index = { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, artifactType: 'application/vnd.example.bundle', manifests: [{ ...OCI_AMD64 }], subject, annotations: { a: 'b' } };
    const parsed = JSON.parse(dockerInspectIndexText(Buffer.from(JSON.stringify(index))));
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'mediaType', 'artifactType', 'manifests', 'subject', 'annotations']);
    expect(parsed.subject).toEqual(subject);
    expect(parsed.manifests).toEqual([{ mediaType: OCI_IMAGE_MANIFEST, size: 401, digest: OCI_AMD64.digest, platform: { architecture: 'amd64', os: 'linux' } }]);
  });
});

describe('Go encoding/json text rules', () => {
  it('goIndent: json.Indent layout, empty containers compact, strings untouched, trailing space kept', () => {
    expect(goIndent('{"a":[],"b":{},"c":[1,{"d":"x, y: \\"z\\""}]}\n', '\t')).toBe(
      '{\n\t"a": [],\n\t"b": {},\n\t"c": [\n\t\t1,\n\t\t{\n\t\t\t"d": "x, y: \\"z\\""\n\t\t}\n\t]\n}\n',
    );
    expect(goIndent('  {"k":1.0, "u":"\\u0041<"}', '  ')).toBe('{\n  "k": 1.0,\n  "u": "\\u0041<"\n}');
  });

  it('goCompact: space outside strings dropped, <>& and U+2028 escaped inside them', () => {
    expect(goCompact('{ "a" : "<b> & c\u2028" ,\n "n": 10 }\n')).toBe('{"a":"\\u003cb\\u003e \\u0026 c\\u2028","n":10}');
  });

  it('goMarshal escapes like json.Marshal', () => {
    expect(goMarshal({ s: 'a&b', n: undefined, l: ['<'] })).toBe('{"s":"a\\u0026b","l":["\\u003c"]}');
  });

  it('objectMemberTexts: each member of the top-level object as written', () => {
    const members = objectMemberTexts('{"Ref":"x","M":{"a": [1, 2],"b":"},"} , "N":null}');
    expect([...members]).toEqual([['Ref', '"x"'], ['M', '{"a": [1, 2],"b":"},"}'], ['N', 'null']]);
  });
});
