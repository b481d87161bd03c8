import { describe, expect, it } from 'vitest';
import { isMarkedInsecure } from '../../../src/transport/insecure.js';

describe('isMarkedInsecure', () => {
  it.each([
    ['reg.example:5000', ['reg.example:5000']],
    ['reg.example:5000', ['reg.example']],
    ['REG.example:5000', ['https://reg.example:5000/']],
    ['10.1.2.3:5000', ['10.0.0.0/8']],
    ['[fd00::5]:5000', ['fd00::/8']],
  ])('%s is insecure with %j', (registry, list) => {
    expect(isMarkedInsecure(registry, list)).toBe(true);
  });

  it.each([
    ['reg.example:5000', []],
    ['reg.example:5000', ['reg.example:5001']],
    ['other.example', ['reg.example']],
    ['11.1.2.3:5000', ['10.0.0.0/8']],
    ['reg.example', ['10.0.0.0/8']],
    ['10.1.2.3', ['fd00::/8']],
  ])('%s is not insecure with %j', (registry, list) => {
    expect(isMarkedInsecure(registry, list as string[])).toBe(false);
  });
});
