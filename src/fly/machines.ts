import pRetry from 'p-retry';
import { z } from 'zod';
import { IntegrationError, isRetryable } from '../domain/errors.ts';
import type { FlyClient } from './fly-client.ts';

/**
 * The Machines operations of Fly's Machines API (https://docs.machines.dev, "Machines"), typed
 * over `FlyClient.request`: create, get, list (by app, filtered by state and metadata), wait for a
 * state, stop, destroy. Every failure is an `IntegrationError('fly', …)` (errors.ts).
 *
 * Retries (p-retry, jittered exponential backoff):
 * - reads (get, list, wait) and the idempotent writes (stop, destroy) retry rate limits and
 *   transient failures;
 * - create retries only what certainly created nothing: a rate limit, or Fly saying it has no
 *   capacity (Fly asks callers to retry those, and to try another region: the last attempt
 *   leaves the region to Fly). A create whose answer was lost (timeout, 5xx) is not repeated
 *   here — it may have created the Machine; the caller finds it by its dispatch id instead
 *   (`listMachines` with `metadata`, docs/decisions/convergence.md).
 */

/** Machine states (https://fly.io/docs/machines/machine-states/). */
export type FlyMachineState =
  | 'created'
  | 'starting'
  | 'started'
  | 'stopping'
  | 'stopped'
  | 'suspending'
  | 'suspended'
  | 'replacing'
  | 'destroying'
  | 'destroyed'
  | (string & {});

/** A Machine as this project reads it. Never its env: that holds the run's credentials. */
export interface FlyMachine {
  id: string;
  name: string;
  state: FlyMachineState;
  region: string;
  /** ISO-8601 as Fly sends it. */
  createdAt: string;
  image: string | undefined;
  guest: { cpus: number | undefined; memoryMb: number | undefined };
  /** `config.metadata`: string keys and values (ours are `ai_implement_*`). */
  metadata: Record<string, string>;
}

/** What `createMachine` sends (`CreateMachineRequest`, the fields this project uses). */
export interface CreateMachineInput {
  name?: string;
  /** Create it without starting it (a warm-pool Machine, started later by an update). */
  skip_launch?: boolean;
  /** Region code; omitted, Fly picks one near its API edge. */
  region?: string;
  config: {
    image: string;
    env: Record<string, string>;
    guest: { cpus: number; memory_mb: number; cpu_kind?: string };
    metadata: Record<string, string>;
    auto_destroy: boolean;
    restart: { policy: 'no' | 'always' | 'on-failure'; max_retries?: number };
  };
}

export interface FlyMachinesClient {
  /** `POST /apps/{app}/machines` (Machines_create). See the module comment for retries. */
  createMachine(app: string, input: CreateMachineInput): Promise<FlyMachine>;
  /**
   * `POST /apps/{app}/machines/{id}` (Machines_update): replaces the config of a stopped or
   * created Machine, which Fly then starts with it (unless `skip_launch`). Undefined when Fly no
   * longer has it (404) or it is not in a state to take it (412). Only rate limits are retried:
   * an update whose answer was lost may have started the run, which the caller finds by its
   * metadata like a lost create.
   */
  updateMachine(
    app: string,
    id: string,
    input: Pick<CreateMachineInput, 'name' | 'config' | 'skip_launch'>,
  ): Promise<FlyMachine | undefined>;
  /** `GET /apps/{app}/machines/{id}` (Machines_show); undefined when Fly does not have it. */
  getMachine(app: string, id: string): Promise<FlyMachine | undefined>;
  /**
   * `GET /apps/{app}/machines` (Machines_list), then kept to `states` (default: every state but
   * destroyed, or every state with `includeDestroyed`, which asks Fly for `include_deleted`) and
   * to Machines whose metadata has every `metadata` pair. Filtered here: the
   * description this project validates against (test/fixtures/fly) has no server-side filter.
   */
  listMachines(
    app: string,
    filter?: {
      states?: readonly FlyMachineState[];
      metadata?: Record<string, string>;
      includeDestroyed?: boolean;
    },
  ): Promise<FlyMachine[]>;
  /**
   * `GET /apps/{app}/machines/{id}/wait` (Machines_wait): resolves true once the Machine is in
   * `state`, false when Fly's wait timed out (408) first. `timeoutSeconds` at most 60.
   */
  waitForState(
    app: string,
    id: string,
    state: 'started' | 'stopped' | 'destroyed',
    timeoutSeconds?: number,
  ): Promise<boolean>;
  /** `POST /apps/{app}/machines/{id}/stop` (Machines_stop). False when the Machine is gone. */
  stopMachine(app: string, id: string): Promise<boolean>;
  /**
   * `DELETE /apps/{app}/machines/{id}?force=true` (Machines_delete): destroys it even while it
   * runs. False when Fly no longer has it (already destroyed): not an error.
   */
  destroyMachine(app: string, id: string): Promise<boolean>;
}

export interface FlyMachinesOptions {
  /** Further attempts after the first failure (default 3). */
  retries?: number;
  /** First backoff delay, ms (default 1000; tests pass 1). */
  minDelayMs?: number;
}

const MachineSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  state: z.string().optional(),
  region: z.string().optional(),
  created_at: z.string().optional(),
  config: z
    .object({
      image: z.string().optional(),
      guest: z.object({ cpus: z.number().optional(), memory_mb: z.number().optional() }).optional(),
      metadata: z.record(z.string(), z.string()).nullish(),
    })
    .optional(),
});

function toMachine(raw: z.output<typeof MachineSchema>): FlyMachine {
  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    state: raw.state ?? 'unknown',
    region: raw.region ?? '',
    createdAt: raw.created_at ?? '',
    image: raw.config?.image,
    guest: { cpus: raw.config?.guest?.cpus, memoryMb: raw.config?.guest?.memory_mb },
    metadata: raw.config?.metadata ?? {},
  };
}

/**
 * Fly's wording when a region has no room for the Machine ("insufficient resources", "could not
 * reserve resource", "no capacity"): nothing was created, so another attempt is safe.
 */
export function isCapacityError(error: unknown): boolean {
  return (
    error instanceof IntegrationError &&
    error.service === 'fly' &&
    /insufficient (resources|memory|cpu)|could not reserve|capacity/i.test(error.message)
  );
}

export function createFlyMachinesClient(fly: FlyClient, options: FlyMachinesOptions = {}): FlyMachinesClient {
  const retries = options.retries ?? 3;
  const minTimeout = options.minDelayMs ?? 1000;
  const retry = <T>(attempt: (n: number) => Promise<T>, worth: (error: Error) => boolean) =>
    pRetry(attempt, {
      retries,
      minTimeout,
      maxTimeout: minTimeout * 10,
      shouldRetry: ({ error }) => worth(error),
    });
  const app = (name: string) => `/apps/${encodeURIComponent(name)}`;
  const machinePath = (name: string, id: string) => `${app(name)}/machines/${encodeURIComponent(id)}`;
  const parse = (body: unknown, action: string) => {
    const parsed = MachineSchema.safeParse(body);
    if (!parsed.success) {
      throw new IntegrationError('fly', 'transient', `Fly answered ${action} with an unexpected body`);
    }
    return toMachine(parsed.data);
  };
  const noApp = (name: string) =>
    `Fly has no app ${name}, or FLY_SESSIONS_TOKEN cannot see it: check FLY_SESSIONS_APP or the flySessionsApp setting`;
  /** 404 means "gone" for calls on one Machine. */
  const unlessGone = async <T>(call: () => Promise<T>, gone: T): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof IntegrationError && error.category === 'not_found') return gone;
      throw error;
    }
  };

  return {
    async createMachine(appName, input) {
      const action = `create a Machine in app ${appName}`;
      const body = await retry(
        (attempt) => {
          // The last attempt leaves the region to Fly: the asked one had no capacity.
          const lastTry = attempt === retries + 1 && attempt > 1;
          const region = lastTry ? undefined : input.region;
          return fly.request(
            { method: 'POST', path: `${app(appName)}/machines`, body: { ...input, region } },
            { action, notFound: noApp(appName) },
          );
        },
        (error) =>
          isCapacityError(error) || (error instanceof IntegrationError && error.category === 'rate_limited'),
      ).catch((error: unknown) => {
        // Still no room after every attempt: nothing was created, so it is a "not now" — the
        // caller's next poll asks again (rate_limited), not a refusal that fails the ticket.
        if (!isCapacityError(error)) throw error;
        throw new IntegrationError(
          'fly',
          'rate_limited',
          `Fly has no capacity for the Machine right now (${(error as Error).message}); the next poll tries again`,
          { retryAfterMs: 60_000, cause: error },
        );
      });
      return parse(body, action);
    },

    async updateMachine(appName, id, input) {
      const action = `update Machine ${id} of app ${appName}`;
      try {
        const body = await retry(
          () => fly.request({ method: 'POST', path: machinePath(appName, id), body: input }, { action }),
          (error) => error instanceof IntegrationError && error.category === 'rate_limited',
        );
        return parse(body, action);
      } catch (error) {
        if (error instanceof IntegrationError && error.category === 'not_found') return undefined;
        if (error instanceof IntegrationError && /\(412\)/.test(error.message)) return undefined;
        throw error;
      }
    },

    async getMachine(appName, id) {
      const action = `read Machine ${id} of app ${appName}`;
      return unlessGone(async () => {
        const body = await retry(
          () => fly.request({ method: 'GET', path: machinePath(appName, id) }, { action }),
          isRetryable,
        );
        return parse(body, action);
      }, undefined);
    },

    async listMachines(appName, filter = {}) {
      const action = `list the Machines of app ${appName}`;
      const body = await retry(
        () =>
          fly.request(
            {
              method: 'GET',
              path: `${app(appName)}/machines`,
              ...(filter.includeDestroyed ? { query: { include_deleted: 'true' } } : {}),
            },
            { action, notFound: noApp(appName) },
          ),
        isRetryable,
      );
      const parsed = z.array(MachineSchema).safeParse(body ?? []);
      if (!parsed.success) {
        throw new IntegrationError('fly', 'transient', `Fly answered ${action} with an unexpected body`);
      }
      const wanted = Object.entries(filter.metadata ?? {});
      return parsed.data
        .map(toMachine)
        .filter((machine) =>
          filter.states
            ? filter.states.includes(machine.state)
            : filter.includeDestroyed || machine.state !== 'destroyed',
        )
        .filter((machine) => wanted.every(([key, value]) => machine.metadata[key] === value));
    },

    async waitForState(appName, id, state, timeoutSeconds = 60) {
      const action = `wait for Machine ${id} of app ${appName} to be ${state}`;
      try {
        await retry(
          () =>
            fly.request(
              {
                method: 'GET',
                path: `${machinePath(appName, id)}/wait`,
                query: { state, timeout: String(Math.min(60, Math.max(1, Math.round(timeoutSeconds)))) },
              },
              { action, notFound: `app ${appName} has no Machine ${id}` },
            ),
          isRetryable,
        );
        return true;
      } catch (error) {
        // Fly answers 408 when the Machine did not reach the state within the timeout.
        if (
          error instanceof IntegrationError &&
          error.category === 'invalid' &&
          /\(408\)/.test(error.message)
        ) {
          return false;
        }
        throw error;
      }
    },

    async stopMachine(appName, id) {
      const action = `stop Machine ${id} of app ${appName}`;
      return unlessGone(async () => {
        await retry(
          () =>
            fly.request({ method: 'POST', path: `${machinePath(appName, id)}/stop`, body: {} }, { action }),
          isRetryable,
        );
        return true;
      }, false);
    },

    async destroyMachine(appName, id) {
      const action = `destroy Machine ${id} of app ${appName}`;
      return unlessGone(async () => {
        await retry(
          () =>
            fly.request(
              { method: 'DELETE', path: machinePath(appName, id), query: { force: 'true' } },
              { action },
            ),
          isRetryable,
        );
        return true;
      }, false);
    },
  };
}
