import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeEnv, readDotEnv } from '../../src/config/dot-env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { PRIVATE_KEY_PEM } from './config-fixtures.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ai-implement-dotenv-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readDotEnv', () => {
  it('returns nothing, silently, when there is no .env', () => {
    expect(readDotEnv(dir)).toEqual({ path: join(dir, '.env'), found: false, values: {}, warnings: [] });
  });

  it('parses KEY=value, export, comments, quotes and a multi-line PEM', () => {
    writeFileSync(
      join(dir, '.env'),
      [
        '# local development',
        'PORT=3000',
        'export LINEAR_API_KEY=lin_api_abc',
        "ADMIN_ACCESS_CODE='with spaces'",
        `GITHUB_APP_PRIVATE_KEY="${PRIVATE_KEY_PEM.trimEnd()}"`,
        'GITHUB_APP_ID=42 # trailing comment',
        '',
      ].join('\n'),
    );
    const file = readDotEnv(dir);
    expect(file.found).toBe(true);
    expect(file.warnings).toEqual([]);
    expect(file.values).toMatchObject({
      PORT: '3000',
      LINEAR_API_KEY: 'lin_api_abc',
      ADMIN_ACCESS_CODE: 'with spaces',
      GITHUB_APP_ID: '42',
    });
    expect(loadConfig(file.values).github.privateKey).toBe(PRIVATE_KEY_PEM);
  });

  it('keeps the good lines of a malformed file and names the bad lines without their content', () => {
    writeFileSync(
      join(dir, '.env'),
      'PORT=3000\nLINEAR_API_KEY: lin_api_secret\njust some words\nPOLL_INTERVAL_MS=20000\n',
    );
    const file = readDotEnv(dir);
    expect(file.values).toEqual({ PORT: '3000', POLL_INTERVAL_MS: '20000' });
    expect(file.warnings).toHaveLength(2);
    expect(file.warnings[0]).toContain('line 2 is not KEY=value');
    expect(file.warnings[1]).toContain('line 3 is not KEY=value');
    expect(file.warnings.join('\n')).not.toContain('lin_api_secret');
  });

  it('does not fail when .env cannot be read', () => {
    mkdirSync(join(dir, '.env'));
    const file = readDotEnv(dir);
    expect(file).toMatchObject({ found: false, values: {} });
    expect(file.warnings).toEqual([expect.stringMatching(/could not be read \(EISDIR\) and was ignored$/)]);
  });
});

describe('mergeEnv', () => {
  it('lets real environment variables win over .env', () => {
    const merged = mergeEnv({ PORT: '3000', LINEAR_API_KEY: 'from-file' }, { PORT: '4000', HOME: '/root' });
    expect(merged).toEqual({ PORT: '4000', LINEAR_API_KEY: 'from-file', HOME: '/root' });
  });

  it('keeps the file value when the process leaves a variable undefined, and an empty one when set empty', () => {
    expect(mergeEnv({ PORT: '3000' }, { PORT: undefined }).PORT).toBe('3000');
    expect(mergeEnv({ PORT: '3000' }, { PORT: '' }).PORT).toBe('');
  });

  it('feeds loadConfig end to end', () => {
    writeFileSync(join(dir, '.env'), `GITHUB_APP_ID=1\nLINEAR_API_KEY=file-key\nPORT=3000\n`);
    const env = mergeEnv(readDotEnv(dir).values, {
      GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY_PEM,
      PORT: '5000',
    });
    const config = loadConfig(env);
    expect(config.port).toBe(5000);
    expect(config.linear?.apiKey).toBe('file-key');
  });
});
