import { randomBytes } from 'node:crypto';

/**
 * The Machines of the fake Fly (fake-fly-server.ts), which has already validated the request
 * against Fly's description and validates the reply. Behaviour follows Fly's docs
 * (https://fly.io/docs/machines/machine-states/, https://docs.machines.dev):
 * - create answers the Machine in `created`; unless `skip_launch` (or `autoStart: false` here)
 *   it is `started` by the next request (created → starting → started, as Fly boots it);
 * - stop: started → stopped, or destroyed with `auto_destroy`; `exit(id)` is the main process
 *   ending on its own, the same way;
 * - delete: a Machine not stopped needs `force=true` (412 otherwise); destroyed Machines are
 *   listed only with `include_deleted=true` and answer 404 to further writes;
 * - update: replaces the config of a Machine (and its name when given); a created or stopped one
 *   is then started by the next request, unless `skip_launch` — how a warm-pool Machine is used;
 * - wait: answers at once when the Machine is in the state, else when it gets there, else 408
 *   after `timeout` seconds (default 60).
 * Test hooks: `plant` a Machine made elsewhere, `age` one, `exit`/`setState`, and
 * `failCreateWithCapacity` for Fly's capacity refusal.
 */

export interface FakeMachine {
  id: string;
  app: string;
  name: string;
  state: string;
  region: string;
  /** `config` as sent (image, env, guest, metadata, auto_destroy, restart …). */
  config: Record<string, unknown> & {
    metadata?: Record<string, string>;
    env?: Record<string, string>;
    auto_destroy?: boolean;
  };
  createdAt: Date;
  updatedAt: Date;
  instanceId: string;
}

export interface PlantOptions {
  metadata?: Record<string, string>;
  /** How long ago it was created, ms (default 0). */
  ageMs?: number;
  state?: string;
  image?: string;
  name?: string;
  region?: string;
}

type Reply = { status: number; body: unknown };

export interface FakeMachines {
  /** Every Machine of `app` (every app when omitted), destroyed ones included. */
  all(app?: string): FakeMachine[];
  /** The Machines of `app` that are not destroyed. */
  live(app: string): FakeMachine[];
  get(id: string): FakeMachine | undefined;
  plant(app: string, options?: PlantOptions): FakeMachine;
  /** Moves the creation time `ms` into the past. */
  age(id: string, ms: number): void;
  /** The main process exits: destroyed with `auto_destroy`, else stopped. */
  exit(id: string): void;
  setState(id: string, state: string): void;
  /** The next `count` creates answer Fly's capacity refusal (412, nothing created). */
  failCreateWithCapacity(count?: number): void;
  /** When false, created Machines stay `created` until `setState` (default true). */
  autoStart: boolean;
  handle(
    operationId: string,
    app: string,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply>;
  close(): void;
}

interface Waiter {
  id: string;
  state: string;
  resolve: (reply: Reply) => void;
  timer: NodeJS.Timeout;
}

export function createFakeMachines(options: { clock: () => Date }): FakeMachines {
  const machines = new Map<string, FakeMachine>();
  const waiters = new Set<Waiter>();
  const toStart = new Set<string>();
  let capacityFailures = 0;
  const newId = () => randomBytes(7).toString('hex');

  const view = (m: FakeMachine) => ({
    id: m.id,
    name: m.name,
    state: m.state,
    region: m.region,
    instance_id: m.instanceId,
    private_ip: 'fdaa:0:1:a7b:1::2',
    config: m.config,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  });

  function setState(id: string, state: string) {
    const machine = machines.get(id);
    if (!machine) throw new Error(`the fake Fly has no Machine ${id}`);
    machine.state = state;
    machine.updatedAt = options.clock();
    for (const waiter of [...waiters]) {
      if (waiter.id === id && waiter.state === state) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve({ status: 200, body: { ok: true } });
      }
    }
  }

  /** Fly boots a created Machine in the background: by the next request it runs. */
  function bootPending() {
    for (const id of toStart) {
      const machine = machines.get(id);
      if (machine?.state === 'created' || machine?.state === 'stopped') {
        setState(id, 'starting');
        setState(id, 'started');
      }
    }
    toStart.clear();
  }

  function stop(machine: FakeMachine) {
    if (machine.state === 'destroyed') return;
    setState(machine.id, 'stopping');
    setState(machine.id, machine.config.auto_destroy ? 'destroyed' : 'stopped');
  }

  const notFound = (id: string): Reply => ({ status: 404, body: { error: `machine ${id} not found` } });

  const api: FakeMachines = {
    autoStart: true,
    all: (app) => [...machines.values()].filter((m) => app === undefined || m.app === app),
    live: (app) => api.all(app).filter((m) => m.state !== 'destroyed'),
    get: (id) => machines.get(id),
    plant(app, plant = {}) {
      const at = new Date(options.clock().getTime() - (plant.ageMs ?? 0));
      const id = newId();
      const machine: FakeMachine = {
        id,
        app,
        name: plant.name ?? `planted-${id}`,
        state: plant.state ?? 'started',
        region: plant.region ?? 'iad',
        config: {
          image: plant.image ?? 'registry.fly.io/planted:latest',
          metadata: plant.metadata ?? {},
          auto_destroy: true,
          restart: { policy: 'no' },
        },
        createdAt: at,
        updatedAt: at,
        instanceId: newId(),
      };
      machines.set(id, machine);
      return machine;
    },
    age(id, ms) {
      const machine = machines.get(id);
      if (!machine) throw new Error(`the fake Fly has no Machine ${id}`);
      machine.createdAt = new Date(machine.createdAt.getTime() - ms);
    },
    exit(id) {
      const machine = machines.get(id);
      if (!machine) throw new Error(`the fake Fly has no Machine ${id}`);
      stop(machine);
    },
    setState,
    failCreateWithCapacity(count = 1) {
      capacityFailures += count;
    },
    async handle(operationId, app, params, query, body) {
      bootPending();
      const id = params.machine_id ?? '';
      const machine = machines.get(id);
      const mine = machine && machine.app === app ? machine : undefined;
      switch (operationId) {
        case 'Machines_create': {
          if (capacityFailures > 0) {
            capacityFailures -= 1;
            return {
              status: 412,
              body: { error: 'insufficient resources to create new machine with existing volume' },
            };
          }
          const request = body as {
            name?: string;
            region?: string;
            config: FakeMachine['config'];
            skip_launch?: boolean;
          };
          const now = options.clock();
          const created: FakeMachine = {
            id: newId(),
            app,
            name: request.name ?? `machine-${machines.size + 1}`,
            state: 'created',
            region: request.region ?? 'iad',
            config: structuredClone(request.config ?? {}),
            createdAt: now,
            updatedAt: now,
            instanceId: newId(),
          };
          machines.set(created.id, created);
          const reply = { status: 200, body: view(created) };
          if (!request.skip_launch && api.autoStart) toStart.add(created.id);
          return reply;
        }
        case 'Machines_list':
          return {
            status: 200,
            body: api
              .all(app)
              .filter((m) => query.get('include_deleted') === 'true' || m.state !== 'destroyed')
              .filter((m) => !query.get('region') || m.region === query.get('region'))
              .map(view),
          };
        case 'Machines_update': {
          if (!mine || mine.state === 'destroyed') return notFound(id);
          const request = body as { name?: string; config: FakeMachine['config']; skip_launch?: boolean };
          mine.config = structuredClone(request.config ?? {});
          if (request.name) mine.name = request.name;
          mine.updatedAt = options.clock();
          mine.instanceId = newId();
          const idle = mine.state === 'created' || mine.state === 'stopped';
          if (idle && !request.skip_launch && api.autoStart) toStart.add(mine.id);
          return { status: 200, body: view(mine) };
        }
        case 'Machines_show':
          return mine ? { status: 200, body: view(mine) } : notFound(id);
        case 'Machines_stop':
          if (!mine || mine.state === 'destroyed') return notFound(id);
          stop(mine);
          return { status: 200, body: { ok: true } };
        case 'Machines_delete':
          if (!mine || mine.state === 'destroyed') return notFound(id);
          if (query.get('force') !== 'true' && mine.state !== 'stopped' && mine.state !== 'created') {
            return {
              status: 412,
              body: { error: 'failed_precondition: unable to destroy machine, not currently stopped' },
            };
          }
          setState(mine.id, 'destroying');
          setState(mine.id, 'destroyed');
          return { status: 200, body: { ok: true } };
        case 'Machines_wait': {
          if (!mine) return notFound(id);
          const state = query.get('state') ?? 'started';
          if (mine.state === state) return { status: 200, body: { ok: true } };
          const seconds = Number(query.get('timeout') ?? 60);
          return new Promise<Reply>((resolve) => {
            const waiter: Waiter = {
              id,
              state,
              resolve,
              timer: setTimeout(() => {
                waiters.delete(waiter);
                resolve({
                  status: 408,
                  body: { error: `deadline_exceeded: machine did not reach ${state} in ${seconds}s` },
                });
              }, seconds * 1000),
            };
            waiters.add(waiter);
          });
        }
        default:
          return { status: 501, body: { error: `the fake does not implement ${operationId}` } };
      }
    },
    close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve({ status: 503, body: { error: 'the fake Fly is closing' } });
      }
      waiters.clear();
    },
  };
  return api;
}
