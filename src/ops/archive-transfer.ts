// How an image goes into a docker-archive tar (store/archive/docker-archive-writer.ts) on the
// transfer engine, for `save` and for copy's docker-archive: destination: every platform of an
// index, configs then layers base layer first (docker save's order), one blob at a time since a
// tar is written front to back. No diff IDs are read: they only name progress lines, and the
// config is then read once, as a blob.
import type { ImageDestination, ImageSource } from '../store/backend.js';
import { planTransfer, transfer, type TransferPlan, type TransferResult } from './transfer.js';

export function planArchiveTransfer(src: ImageSource): Promise<TransferPlan> {
  return planTransfer(src, { layerOrder: 'base-first', diffIds: false });
}

export interface ArchiveTransferOptions {
  /** A plan the caller made (save checks every blob before the first byte); default: planArchiveTransfer. */
  plan?: TransferPlan;
  signal?: AbortSignal;
}

export async function transferIntoArchive(src: ImageSource, dst: ImageDestination, opts: ArchiveTransferOptions = {}): Promise<TransferResult> {
  const plan = opts.plan ?? (await planArchiveTransfer(src));
  return transfer(src, dst, { plan, concurrency: 1, ...(opts.signal ? { signal: opts.signal } : {}) });
}
