import type { Marker } from '../domain/markers.ts';
import type { Phase } from '../domain/phases.ts';

/** The marker a ticket carries while a run of `phase` is active (CONTRACTS.md §2). */
export function markerWhileRunning(phase: Phase): Marker {
  return phase === 'planning' ? 'planning' : 'working';
}

/** The marker a failed run of `phase` leaves. */
export function failureMarker(phase: Phase): Marker {
  return phase === 'planning' ? 'planningFailed' : 'failed';
}
