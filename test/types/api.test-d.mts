// Type tests of the public API, compiled by tsc against the package's own .d.ts (imported by
// name, through package.json "exports"), by test/unit/types/api.test.ts. Nothing here runs.
import { expectTypeOf } from 'vitest';
import {
  RegistryClient,
  createClient,
  RegctlError,
  isRegctlError,
  parseReference,
  pull,
  push,
  type AuthConfig,
  type BlobState,
  type CopyOptions,
  type ManifestResult,
  type ProgressListener,
  type PullOptions,
  type PullResult,
  type PushBlobResult,
  type PushOptions,
  type PushResult,
  type TransferEvent,
  type Reference,
  type RegctlErrorCode,
  type RegistryClientOptions,
  type SearchOutcome,
  type LoginResult,
  type LogoutResult,
  type CopiedReferrer,
  type CopyResult,
  type ReferrerEvent,
  type LoadedImage,
} from 'regctl-cli';
import type { AttachArtifactResult, ListArtifactsResult, PullArtifactResult, PushArtifactResult, ReferrerNode } from 'regctl-cli';
import type { Descriptor, ReferrersResult } from 'regctl-cli';
import type { AppendOptions, AppendResult } from 'regctl-cli';

declare const client: RegistryClient;
declare const signal: AbortSignal;

// Construction: options are optional and typed.
expectTypeOf(createClient).returns.toEqualTypeOf<RegistryClient>();
expectTypeOf<RegistryClientOptions['storeDir']>().toEqualTypeOf<string | undefined>();
expectTypeOf<RegistryClientOptions['insecureRegistries']>().toEqualTypeOf<readonly string[] | undefined>();
new RegistryClient();
new RegistryClient({ configDir: '/tmp/docker', storeDir: '/tmp/store', insecureRegistries: ['10.0.0.0/8'], credentials: false });
new RegistryClient({ credentials: async () => ({ username: 'u', password: 'p' }) });
// @ts-expect-error credentials are a function or false, not a record
new RegistryClient({ credentials: { username: 'u' } });

// References.
expectTypeOf(RegistryClient.parseReference).returns.toEqualTypeOf<Reference>();
expectTypeOf(parseReference('busybox').digest).toEqualTypeOf<string | undefined>();

// Progress: pull, push and copy report the transfer engine's neutral events (docker's words are the CLI's).
expectTypeOf<TransferEvent['type']>().toEqualTypeOf<'start' | 'resolved' | 'blob' | 'manifest' | 'done'>();
expectTypeOf<Extract<TransferEvent, { type: 'blob' }>['state']>().toEqualTypeOf<BlobState>();
expectTypeOf<BlobState>().toEqualTypeOf<'queued' | 'waiting' | 'exists' | 'mounted' | 'transferring' | 'retrying' | 'done'>();
expectTypeOf<Extract<TransferEvent, { type: 'done' }>['unchanged']>().toEqualTypeOf<boolean | undefined>();
expectTypeOf<PullOptions['onProgress']>().toEqualTypeOf<ProgressListener<TransferEvent> | undefined>();
expectTypeOf<PushOptions['onProgress']>().toEqualTypeOf<ProgressListener<TransferEvent> | undefined>();
expectTypeOf<CopyOptions['onProgress']>().toEqualTypeOf<ProgressListener<TransferEvent> | undefined>();

// pull: result has digest: string; onProgress receives transfer events; signal accepted.
expectTypeOf(client.pull).returns.resolves.toEqualTypeOf<PullResult>();
expectTypeOf<PullResult['digest']>().toEqualTypeOf<string>();
expectTypeOf<PullResult['bytesDownloaded']>().toEqualTypeOf<number>();
expectTypeOf<Parameters<NonNullable<PullOptions['onProgress']>>[0]>().toEqualTypeOf<TransferEvent>();
client.pull('busybox', {
  signal,
  onProgress: (event) => {
    expectTypeOf(event).toEqualTypeOf<TransferEvent>();
    if (event.type === 'blob') expectTypeOf(event.current).toEqualTypeOf<number | undefined>();
    if (event.type === 'done') expectTypeOf(event.unchanged).toEqualTypeOf<boolean | undefined>();
  },
});
// @ts-expect-error docker's pull words are the CLI's, not the library's
client.pull('busybox', { onProgress: (event: { type: 'layer'; status: 'Pull complete' }) => event });
// The free functions take the same options.
expectTypeOf(pull).returns.resolves.toEqualTypeOf<PullResult>();
expectTypeOf(push).returns.resolves.toEqualTypeOf<PushResult>();

// push: typed result and events.
expectTypeOf(client.push).returns.resolves.toEqualTypeOf<PushResult>();
expectTypeOf<PushResult['digest']>().toEqualTypeOf<string>();
expectTypeOf<PushResult['mounted']>().toEqualTypeOf<number>();
client.push('localhost:5000/app:1', {
  signal,
  onProgress: (event) => {
    expectTypeOf(event).toEqualTypeOf<TransferEvent>();
    if (event.type === 'blob' && event.state === 'mounted') expectTypeOf(event.from).toEqualTypeOf<string | undefined>();
  },
});

// Manifests and blobs.
expectTypeOf(client.getManifest).returns.resolves.toEqualTypeOf<ManifestResult>();
expectTypeOf<ManifestResult['bytes']>().toEqualTypeOf<Buffer>();
expectTypeOf(client.headManifest).returns.resolves.toHaveProperty('digest').toEqualTypeOf<string | undefined>();
expectTypeOf(client.putManifest).returns.resolves.toEqualTypeOf<{ digest: string; size: number }>();
expectTypeOf(client.headBlob).returns.resolves.toEqualTypeOf<boolean>();
expectTypeOf(client.mountBlob).returns.resolves.toEqualTypeOf<boolean>();
expectTypeOf(client.getBlob).returns.resolves.toEqualTypeOf<Buffer>();
expectTypeOf(client.openBlob).returns.resolves.toEqualTypeOf<AsyncIterable<Uint8Array>>();
expectTypeOf(client.putBlob).returns.resolves.toEqualTypeOf<PushBlobResult>();
expectTypeOf<PushBlobResult['kind']>().toEqualTypeOf<'exists' | 'mounted' | 'uploaded'>();
client.getManifest('busybox', { signal });
client.headBlob('busybox', 'sha256:00', { signal });

// Listing, search, credentials.
expectTypeOf(client.listTags).returns.resolves.toEqualTypeOf<string[]>();
expectTypeOf(client.catalog).returns.resolves.toEqualTypeOf<string[]>();
expectTypeOf(client.search).returns.resolves.toEqualTypeOf<SearchOutcome>();
expectTypeOf(client.resolveCredentials).returns.resolves.toEqualTypeOf<AuthConfig | undefined>();
expectTypeOf(client.login).returns.resolves.toEqualTypeOf<LoginResult>();
expectTypeOf(client.logout).returns.resolves.toEqualTypeOf<LogoutResult>();
expectTypeOf(client.bearerToken).returns.resolves.toEqualTypeOf<string>();
client.listTags('busybox', { signal, pageSize: 100 });
// @ts-expect-error login needs a password
client.login('docker.io', { username: 'u' });

// copy, save, load.
expectTypeOf(client.copy).returns.resolves.toEqualTypeOf<CopyResult>();
expectTypeOf<CopyResult['digest']>().toEqualTypeOf<string>();
client.copy('a/b:1', 'localhost:5000/b:1', { signal, onProgress: (event) => expectTypeOf(event).toEqualTypeOf<TransferEvent>() });
client.copy('a/b:1', 'oci:dir:b', { referrers: true, onReferrer: (event) => expectTypeOf(event).toEqualTypeOf<ReferrerEvent>() });
expectTypeOf<CopyResult['referrers']>().toEqualTypeOf<CopiedReferrer[] | undefined>();
expectTypeOf(client.save).returns.resolves.toEqualTypeOf<void>();
expectTypeOf(client.load).returns.resolves.toEqualTypeOf<LoadedImage[]>();

// artifacts (regctl artifact push|pull|attach|list).
expectTypeOf(client.pushArtifact).returns.resolves.toEqualTypeOf<PushArtifactResult>();
expectTypeOf(client.pullArtifact).returns.resolves.toEqualTypeOf<PullArtifactResult>();
expectTypeOf(client.attachArtifact).returns.resolves.toEqualTypeOf<AttachArtifactResult>();
expectTypeOf(client.listArtifacts).returns.resolves.toEqualTypeOf<ListArtifactsResult>();
expectTypeOf<PushArtifactResult['artifactType']>().toEqualTypeOf<string | undefined>();
expectTypeOf<PullArtifactResult['files'][number]['path']>().toEqualTypeOf<string>();
expectTypeOf<ListArtifactsResult['referrers']>().toEqualTypeOf<ReferrerNode[]>();
client.pushArtifact('localhost:5000/a:1', ['sbom.json', { path: 'report.json', mediaType: 'application/json' }], { artifactType: 'x/y', annotations: { k: 'v' }, signal });
client.pullArtifact('localhost:5000/a:1', { output: 'out', overwrite: true, signal });
client.listArtifacts('localhost:5000/a:1', { recursive: true, artifactType: 'x/y' });
// @ts-expect-error attach needs an artifactType
client.attachArtifact('localhost:5000/a:1', ['sig']);

// referrers (distribution-spec 1.1): the API, else the tag schema.
expectTypeOf(client.referrers).returns.resolves.toEqualTypeOf<ReferrersResult>();
expectTypeOf<ReferrersResult['descriptors']>().toEqualTypeOf<Descriptor[]>();
expectTypeOf<ReferrersResult['via']>().toEqualTypeOf<'api' | 'tag-schema'>();
client.referrers('localhost:5000/a@sha256:00', { artifactType: 'x/y', signal });

// append: layers from directories or tars on a base, typed options and result.
expectTypeOf(client.append).returns.resolves.toEqualTypeOf<AppendResult>();
expectTypeOf<AppendResult['layers'][number]['diffId']>().toEqualTypeOf<string>();
expectTypeOf<AppendOptions['timestamp']>().toEqualTypeOf<Date | undefined>();
client.append('localhost:5000/base:1', 'oci:build:app', { layers: [{ path: 'dist', dest: '/app' }], owner: { uid: 1000, gid: 1000 }, timestamp: new Date(0), signal });
// @ts-expect-error append needs its layers
client.append('localhost:5000/base:1', 'localhost:5000/app:1', {});

// Errors expose a stable code.
expectTypeOf<RegctlError['code']>().toEqualTypeOf<RegctlErrorCode>();
expectTypeOf<RegctlError['hint']>().toEqualTypeOf<string | undefined>();
expectTypeOf<'REGCTL_NOT_FOUND'>().toExtend<RegctlErrorCode>();
declare const caught: unknown;
if (isRegctlError(caught)) expectTypeOf(caught.code).toEqualTypeOf<RegctlErrorCode>();
