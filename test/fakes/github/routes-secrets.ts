import sodium from 'libsodium-wrappers';
import { errorBody } from './github-objects.ts';
import {
  notFound,
  repoKey,
  visibleRepo,
  type FakeWorld,
  type RouteContext,
  type RouteHandler,
} from './fake-world.ts';

/**
 * Repository Actions secrets (https://docs.github.com/rest/actions/secrets): each repository has
 * a libsodium key pair; `GET …/actions/secrets/public-key` gives its public half, and
 * `PUT …/actions/secrets/{secret_name}` must carry a value sealed to it (`crypto_box_seal`) with
 * the matching `key_id`: the fake opens the box, as GitHub does, and keeps the plaintext for the
 * test to check (`actionsSecretOf`). 201 for a new secret, 204 for a replaced one.
 */

await sodium.ready;

interface RepoSecrets {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  values: Map<string, string>;
}

const byWorld = new WeakMap<FakeWorld, Map<string, RepoSecrets>>();

function secretsOf(world: FakeWorld, key: string): RepoSecrets {
  let repos = byWorld.get(world);
  if (!repos) byWorld.set(world, (repos = new Map()));
  let entry = repos.get(key);
  if (!entry) {
    const pair = sodium.crypto_box_keypair();
    entry = {
      keyId: String(568250167242549743n + BigInt(repos.size)),
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      values: new Map(),
    };
    repos.set(key, entry);
  }
  return entry;
}

/** The plaintext the fake received for a repository's Actions secret, or undefined. */
export function actionsSecretOf(
  world: FakeWorld,
  owner: string,
  repo: string,
  name: string,
): string | undefined {
  return byWorld.get(world)?.get(repoKey(owner, repo))?.values.get(name);
}

function getPublicKey(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const entry = secretsOf(context.world, repoKey(repo.owner.login, repo.name));
  return {
    status: 200,
    body: { key_id: entry.keyId, key: sodium.to_base64(entry.publicKey, sodium.base64_variants.ORIGINAL) },
  };
}

function putSecret(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const entry = secretsOf(context.world, repoKey(repo.owner.login, repo.name));
  const body = context.body as { encrypted_value: string; key_id: string };
  if (body.key_id !== entry.keyId) {
    return { status: 422, body: errorBody(422, 'Bad request - key_id does not match the public key') };
  }
  let plain: string;
  try {
    const sealed = sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL);
    plain = sodium.to_string(sodium.crypto_box_seal_open(sealed, entry.publicKey, entry.privateKey));
  } catch {
    return { status: 422, body: errorBody(422, 'Bad request - encrypted_value could not be decrypted') };
  }
  const name = context.params.secret_name ?? '';
  const existed = entry.values.has(name);
  entry.values.set(name, plain);
  return existed ? { status: 204, body: undefined } : { status: 201, body: {} };
}

export const SECRET_ROUTES: Record<string, RouteHandler> = {
  'actions/get-repo-public-key': getPublicKey,
  'actions/create-or-update-repo-secret': putSecret,
};
