import { describe, expect, it } from 'vitest';
import type { Refusal } from '../../src/domain/admission.ts';
import type { Mapping } from '../../src/domain/mapping.ts';
import type { TicketCandidate } from '../../src/domain/ticket.ts';
import { blockerRow, pickupFor, trackedRow } from '../../src/orchestrator/tick-rows.ts';

/**
 * What a tick builds per waiting ticket is kept with the ticket object (tick-rows.ts): a steady
 * tick gets last tick's draft and rows back, and anything that changes what they say gets new ones.
 */
describe('the per-ticket pieces of a tick', () => {
  const mapping = (fields: Partial<Mapping> = {}) =>
    ({ teamKey: 'ENG', ticketingProvider: 'linear', planningEnabled: true, ...fields }) as Mapping;
  const ticket = (): TicketCandidate => ({
    provider: 'linear',
    id: 'issue-1',
    identifier: 'ENG-1',
    title: 'One',
    url: 'https://linear.app/acme/issue/ENG-1',
    stateType: 'unstarted',
    teamKey: 'ENG',
    stateName: 'Todo',
    priority: 2,
    createdAt: '2026-12-01T00:00:00.000Z',
    markers: ['ready'],
  });
  const capacity = (detail: string): Refusal => ({ reason: 'capacity', detail });

  it('hands back the same inbox row, draft and blocker row while the ticket, mapping and refusal say the same', () => {
    const [eng, one] = [mapping(), ticket()];
    const row = trackedRow(one, eng, '2026-12-06T09:00:00.000Z');
    expect(trackedRow(one, eng, '2026-12-06T09:00:10.000Z')).toBe(row);
    expect(row).toMatchObject({
      issue_id: 'issue-1',
      stage: 'planning_pending',
      seen_at: '2026-12-06T09:00:00.000Z',
    });
    const draft = pickupFor(one, eng)!;
    expect(pickupFor(one, eng)).toBe(draft);
    expect(draft).toMatchObject({ kind: 'pickup', phase: 'planning' });
    const blocker = blockerRow(
      '2026-12-06T09:00:00.000Z',
      draft,
      capacity('1 of 1 runs in progress for linear:ENG'),
    );
    expect(
      blockerRow('2026-12-06T09:00:10.000Z', draft, capacity('1 of 1 runs in progress for linear:ENG')),
    ).toBe(blocker);
    expect(blocker).toMatchObject({ bucket: 'linear:ENG', reason: 'capacity', blocking_json: '[]' });
  });

  it('builds new ones when the ticket object, the mapping or the refusal changes', () => {
    const [eng, one] = [mapping(), ticket()];
    const row = trackedRow(one, eng, 'a');
    const draft = pickupFor(one, eng)!;
    const blocker = blockerRow('a', draft, capacity('1 of 1'));
    expect(trackedRow(ticket(), eng, 'b')).not.toBe(row);
    const noPlanning = mapping({ planningEnabled: false });
    expect(trackedRow(one, noPlanning, 'b')).toMatchObject({ stage: 'ready', seen_at: 'b' });
    expect(pickupFor(one, noPlanning)).toMatchObject({ phase: 'implementation', mapping: noPlanning });
    expect(blockerRow('b', draft, capacity('2 of 2'))).toMatchObject({ detail: '2 of 2', recorded_at: 'b' });
    const blocked: Refusal = {
      reason: 'dependency',
      detail: 'blocked by unresolved ENG-2',
      blocking: [{ identifier: 'ENG-2', url: 'https://linear.app/acme/issue/ENG-2' }],
    };
    const dependency = blockerRow('c', draft, blocked);
    expect(dependency).not.toBe(blocker);
    expect(JSON.parse(dependency.blocking_json!)).toEqual(blocked.blocking);
    expect(pickupFor({ ...one, markers: ['planApproved'] }, eng)).toBeUndefined();
  });
});
