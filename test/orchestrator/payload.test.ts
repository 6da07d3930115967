import { describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import type { Ticket } from '../../src/domain/ticket.ts';
import { buildPayload, MAX_PAYLOAD_CHARS } from '../../src/orchestrator/payload.ts';

const ticket: Ticket = {
  id: 'id-1',
  identifier: 'ENG-1',
  title: 'Add export',
  description: 'Export users as CSV',
  url: 'https://linear.app/acme/issue/ENG-1',
  provider: 'linear',
  teamKey: 'ENG',
  stateName: 'Todo',
  stateType: 'unstarted',
  priority: 2,
  createdAt: '2026-11-20T10:00:00.000Z',
  markers: ['ready'],
  dependencies: [],
  parent: undefined,
  siblings: [],
};
const mapping = MappingInputSchema.parse({
  teamKey: 'ENG',
  owner: 'acme',
  repo: 'api',
  defaultBranch: 'main',
});

describe('dispatch payload', () => {
  it('leaves out what is not relevant', () => {
    const payload = buildPayload({
      dispatchId: 'd1',
      phase: 'planning',
      ticket,
      mapping,
      image: undefined,
      pullRequest: undefined,
      callback: undefined,
    });
    expect(payload).toEqual({
      version: 1,
      dispatchId: 'd1',
      phase: 'planning',
      issue: {
        id: 'id-1',
        identifier: 'ENG-1',
        title: 'Add export',
        description: 'Export users as CSV',
        url: ticket.url,
        provider: 'linear',
      },
      provider: { name: 'anthropic' },
    });
  });

  it('carries caps, bedrock region, related issues and callback when set', () => {
    const bedrock = MappingInputSchema.parse({
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      provider: 'bedrock',
      awsRegion: 'us-west-2',
      maxTurns: 20,
    });
    const payload = buildPayload({
      dispatchId: 'd1',
      phase: 'implementation',
      ticket: {
        ...ticket,
        parent: { id: 'p', identifier: 'ENG-0', title: 'Epic', url: 'u', stateType: 'started' },
        dependencies: [
          { id: 'b', identifier: 'ENG-9', title: 'Dep', url: 'u', stateType: 'completed', resolved: true },
        ],
      },
      mapping: bedrock,
      image: undefined,
      pullRequest: undefined,
      callback: { url: 'https://orch.example', resultToken: 'r', progressToken: 'p' },
    });
    expect(payload.caps).toEqual({ maxTurns: 20 });
    expect(payload.provider).toEqual({ name: 'bedrock', awsRegion: 'us-west-2' });
    expect(payload.related?.parent?.identifier).toBe('ENG-0');
    expect(payload.related?.dependencies).toEqual([
      { id: 'b', identifier: 'ENG-9', title: 'Dep', url: 'u', resolved: true },
    ]);
    expect(payload.callback?.url).toBe('https://orch.example');
  });

  it('cuts a long description with a marker to stay under the limit', () => {
    const long = { ...ticket, description: 'é"\n'.repeat(40_000) };
    const payload = buildPayload({
      dispatchId: 'd1',
      phase: 'planning',
      ticket: long,
      mapping,
      image: undefined,
      pullRequest: undefined,
      callback: undefined,
    });
    expect(JSON.stringify(payload).length).toBeLessThanOrEqual(MAX_PAYLOAD_CHARS);
    expect(payload.issue.description).toMatch(
      /\[… description cut by AI-Implement: \d+ of 120000 characters omitted\]$/,
    );
  });
});
