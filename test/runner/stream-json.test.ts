import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addUsage, createStreamReader, usageOf } from '../../src/runner/agent/stream-json.ts';

/** Captured from the real @anthropic-ai/claude-code 2.1.197 against a scripted Messages API. */
function read(fixture: string) {
  const reader = createStreamReader();
  for (const line of fs.readFileSync(path.join(import.meta.dirname, 'fixtures', fixture), 'utf8').split('\n'))
    reader.push(line);
  return reader;
}

describe('stream-json parsing', () => {
  it('reads the result, usage and model of a real successful run', () => {
    const reader = read('claude-code-2.1.197-stream.jsonl');
    expect(reader.model).toBe('claude-sonnet-4-6');
    expect(reader.result).toMatchObject({
      subtype: 'success',
      is_error: false,
      num_turns: 2,
      result: 'Done.',
    });
    expect(usageOf(reader.result!)).toEqual({
      costUsd: 0.0012000000000000001,
      inputTokens: 200,
      outputTokens: 40,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
      turns: 2,
    });
    expect(reader.counts).toMatchObject({ assistant: 2, toolUses: 1, unparsed: 0 });
  });

  it('reads a real run stopped by --max-turns', () => {
    const reader = read('claude-code-2.1.197-max-turns.jsonl');
    expect(reader.result).toMatchObject({ subtype: 'error_max_turns', is_error: true });
    expect(reader.result?.result).toBeUndefined();
  });

  it('skips lines that are not JSON and counts them', () => {
    const reader = createStreamReader();
    reader.push('warning: something on stdout');
    reader.push('');
    expect(reader.result).toBeUndefined();
    expect(reader.counts.unparsed).toBe(1);
  });

  it('adds usages, keeping cost to micro-dollars', () => {
    const a = {
      costUsd: 0.1,
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 1,
      cacheCreationTokens: 0,
      turns: 3,
    };
    const b = {
      costUsd: 0.2,
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheCreationTokens: 1,
      turns: 1,
    };
    expect(addUsage(a, b)).toEqual({
      costUsd: 0.3,
      inputTokens: 2,
      outputTokens: 3,
      cacheReadTokens: 1,
      cacheCreationTokens: 1,
      turns: 4,
    });
  });
});
