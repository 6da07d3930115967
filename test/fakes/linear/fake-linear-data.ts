import { randomUUID } from 'node:crypto';
import { createWorkspace, WorkspaceError, type Workspace } from '../../../src/ticketing/memory/workspace.ts';
import { linearError } from './fake-linear-errors.ts';

/**
 * The fake Linear's state: the shared in-memory workspace model (src/ticketing/memory), which the
 * in-memory provider uses too, plus what only the API has — the viewer and the sync counter.
 */
export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeLinearData extends Workspace {
  viewer: FakeUser;
  /** Mutations so far; Linear returns it as `lastSyncId`. */
  syncId: number;
  /** The workspace's organization id (webhook payloads, `organization { id }`). */
  organizationId: string;
}

export function createFakeLinearData(urlKey: string): FakeLinearData {
  return {
    ...createWorkspace(urlKey),
    viewer: { id: randomUUID(), name: 'AI-Implement Bot', email: 'bot@example.com' },
    syncId: 1000,
    organizationId: randomUUID(),
  };
}

/**
 * A workspace refusal as Linear words it: "Entity not found: Issue" and other user errors come
 * back with `code: INPUT_ERROR`, `type: invalid input` (HTTP 200, `data: null`).
 */
export function toLinearError(error: unknown): unknown {
  if (!(error instanceof WorkspaceError)) return error;
  if (error.kind === 'not_found') {
    return linearError(`Entity not found: ${error.entity}`, {
      code: 'INPUT_ERROR',
      type: 'invalid input',
      userPresentableMessage: `Could not find referenced ${error.entity}.`,
    });
  }
  return linearError(error.message, {
    code: 'INPUT_ERROR',
    type: 'invalid input',
    userPresentableMessage: error.message,
  });
}
