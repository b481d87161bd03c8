// FILE[:MEDIATYPE] split as oras splits it (cmd/oras/internal/fileref, unix): at the last colon.
import { describe, expect, it } from 'vitest';
import { parseFileRef } from '../../../../src/store/files/file-ref.js';

describe('parseFileRef', () => {
  it.each([
    ['hi.txt', { path: 'hi.txt' }],
    ['hi.txt:application/vnd.me.hi', { path: 'hi.txt', mediaType: 'application/vnd.me.hi' }],
    // A colon in the name: a trailing colon ends the name, with the default type.
    ['hi:txt:', { path: 'hi:txt' }],
    ['az:b:c', { path: 'az:b', mediaType: 'c' }],
    [':az:b:c', { path: ':az:b', mediaType: 'c' }],
    ['::a', { path: ':', mediaType: 'a' }],
    ['::', { path: ':' }],
    ['dir/sub/:application/x', { path: 'dir/sub/', mediaType: 'application/x' }],
  ])('%s', (input, expected) => {
    expect(parseFileRef(input)).toEqual(expected);
  });

  it.each([':a', ':', ''])('refuses an empty path in %j', (input) => {
    expect(() => parseFileRef(input)).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE', message: `found empty file path in "${input}"` }));
  });
});
