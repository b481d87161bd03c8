// The fields `inspect --format` templates can use: docker's image.InspectResponse, by JSON key
// (as docker's raw-JSON fallback accepts) and by Go field name where the two differ (.ID).
import { ANY, BOOL, NUMBER, STRING, STRING_MAP, STRINGS, struct, type Shape } from './template-shape.js';

const EMPTY_STRUCT_MAP: Shape = { kind: 'map', elem: struct('struct {}', {}) };

const HEALTHCHECK = struct('v1.HealthcheckConfig', {
  Test: STRINGS,
  Interval: NUMBER,
  Timeout: NUMBER,
  StartPeriod: NUMBER,
  StartInterval: NUMBER,
  Retries: NUMBER,
});

const CONFIG = struct('v1.DockerOCIImageConfig', {
  User: STRING,
  ExposedPorts: EMPTY_STRUCT_MAP,
  Env: STRINGS,
  Entrypoint: STRINGS,
  Cmd: STRINGS,
  Volumes: EMPTY_STRUCT_MAP,
  WorkingDir: STRING,
  Labels: STRING_MAP,
  StopSignal: STRING,
  ArgsEscaped: BOOL,
  Healthcheck: HEALTHCHECK,
  OnBuild: STRINGS,
  Shell: STRINGS,
});

export const IMAGE_INSPECT_SHAPE = struct(
  'image.InspectResponse',
  {
    Id: STRING,
    RepoTags: STRINGS,
    RepoDigests: STRINGS,
    Parent: STRING,
    Comment: STRING,
    Created: STRING,
    DockerVersion: STRING,
    Author: STRING,
    Config: CONFIG,
    Architecture: STRING,
    Variant: STRING,
    Os: STRING,
    OsVersion: STRING,
    Size: NUMBER,
    RootFS: struct('image.RootFS', { Type: STRING, Layers: STRINGS }),
    Metadata: struct('image.Metadata', { LastTagTime: STRING }),
    Descriptor: struct(
      'v1.Descriptor',
      { mediaType: STRING, digest: STRING, size: NUMBER, annotations: STRING_MAP, platform: ANY },
      { MediaType: 'mediaType', Digest: 'digest', Size: 'size', Annotations: 'annotations', Platform: 'platform' },
    ),
  },
  { ID: 'Id' },
);
