// The content-addressed half of the embedded registry's directory: DIR/blobs/<alg>/<hex>, the
// same place an OCI layout (and a regctl store) keeps blobs. Files enter it only verified,
// fsynced and renamed into place, so a reader never sees a partial blob.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createDigester, parseDigest, type DigestAlgorithm } from '../oci/digest.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class ContentStore {
  readonly blobsDir: string;

  constructor(readonly dir: string) {
    this.blobsDir = path.join(dir, 'blobs');
  }

  blobPath(digest: string): string {
    const d = parseDigest(digest);
    return path.join(this.blobsDir, d.algorithm, d.hex);
  }

  async blobSize(digest: string): Promise<number | undefined> {
    try {
      const st = await fs.stat(this.blobPath(digest));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async deleteBlob(digest: string): Promise<boolean> {
    try {
      await fs.unlink(this.blobPath(digest));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Digest of a file's bytes, streamed. */
  async digestFile(file: string, algorithm: DigestAlgorithm): Promise<string> {
    const digester = createDigester(algorithm);
    for await (const chunk of createReadStream(file)) digester.update(chunk as Buffer);
    return digester.digest();
  }

  /** Moves a finished, verified file into the content store (fsynced first; rename is atomic). */
  async commitBlobFile(file: string, digest: string): Promise<void> {
    const handle = await fs.open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const target = this.blobPath(digest);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.chmod(file, 0o644);
    await fs.rename(file, target);
  }

  async putBlobBytes(digest: string, bytes: Uint8Array): Promise<void> {
    if ((await this.blobSize(digest)) !== undefined) return;
    await writeFileAtomic(this.blobPath(digest), bytes, { mode: 0o644, dirMode: 0o755 });
  }
}
