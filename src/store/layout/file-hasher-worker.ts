// The code of a file-hasher worker thread (see file-hasher.ts). It is given as source text and
// started with `new Worker(source, { eval: true })` rather than as a module file: a file would
// have to be found next to whichever copy of the code is running (dist/*.js for the CLI, the .ts
// sources under vitest, which a plain Node worker cannot load, a transpiled copy in the tests, a
// bundle), while source text runs the same from all of them. It is CommonJS (eval workers are)
// and uses nothing but Node built-ins.
//
// Protocol (all messages are small objects; no blob bytes cross threads, the worker reads the
// staging file itself, from the page cache):
//   -> { type: 'start', id, file, algorithm, length }  open `file`, hash its first `length` bytes
//   -> { type: 'mark', id, length }                    the file now holds `length` bytes: hash up to there
//   -> { type: 'finish', id, length }                  hash up to `length`, reply, forget the job
//   -> { type: 'cancel', id }                          forget the job, no reply
//   <- { type: 'done', id, digest } | { type: 'failed', id, reason }
// A failed job (open or read error, file shorter than a mark) is answered 'failed' at its finish;
// the caller then hashes the file itself, which reports the real error if there is one.
export const FILE_HASHER_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');

// One read buffer for all jobs: they are served one message at a time. 256 KiB reads of a
// page-cached 256 MiB file hash as fast as 1 MiB or 4 MiB ones (235-250 ms) in less memory.
const buffer = Buffer.allocUnsafe(256 * 1024);
const jobs = new Map();

function hashUpTo(job, length) {
  if (job.failed !== undefined) return;
  try {
    while (job.hashed < length) {
      const read = readSync(job.fd, buffer, 0, Math.min(buffer.length, length - job.hashed), job.hashed);
      if (read === 0) throw new Error('file ended at ' + job.hashed + ' of ' + length + ' bytes');
      job.hash.update(buffer.subarray(0, read));
      job.hashed += read;
    }
  } catch (err) {
    job.failed = String((err && err.message) || err);
  }
}

function forget(id) {
  const job = jobs.get(id);
  jobs.delete(id);
  if (job && job.fd !== undefined) {
    try {
      closeSync(job.fd);
    } catch {}
  }
  return job;
}

parentPort.on('message', (message) => {
  const { type, id } = message;
  if (type === 'start') {
    const job = { algorithm: message.algorithm, fd: undefined, hash: undefined, hashed: 0, failed: undefined };
    jobs.set(id, job);
    try {
      job.hash = createHash(message.algorithm);
      job.fd = openSync(message.file, 'r');
    } catch (err) {
      job.failed = String((err && err.message) || err);
    }
    hashUpTo(job, message.length);
  } else if (type === 'mark') {
    const job = jobs.get(id);
    if (job) hashUpTo(job, message.length);
  } else if (type === 'finish') {
    const job = jobs.get(id);
    if (job) hashUpTo(job, message.length);
    forget(id);
    if (!job) parentPort.postMessage({ type: 'failed', id, reason: 'unknown job' });
    else if (job.failed !== undefined) parentPort.postMessage({ type: 'failed', id, reason: job.failed });
    else parentPort.postMessage({ type: 'done', id, digest: job.algorithm + ':' + job.hash.digest('hex') });
  } else if (type === 'cancel') {
    forget(id);
  }
});
`;
