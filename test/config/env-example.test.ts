import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../src/config/env-variables.ts';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

describe('.env.example', () => {
  it('lists every variable of CONTRACTS.md §1, and only those', () => {
    expect(Object.keys(parseEnv(example)).sort()).toEqual([...ENV_NAMES].sort());
  });

  it('lists the required variables first', () => {
    const order = example.split('\n').flatMap((line) => /^([A-Z_]+)=/.exec(line)?.[1] ?? []);
    expect(order.slice(0, 2)).toEqual(['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY']);
  });

  it('holds no values, so copying it never leaks or pins a setting', () => {
    expect(Object.values(parseEnv(example)).every((value) => value === '')).toBe(true);
  });
});
