/**
 * Naming rules of Fly app secrets (seed 002 "Secrets", CONTRACTS.md §9): a per-team secret NAME
 * of mapping TEAM is stored as `TEAM_NAME`; a global one is stored as given. Pure rules, shared
 * by the orchestrator (storing, listing) and the runner (scoping a run's environment).
 */

/** A secret name: letters, digits and underscores (an environment variable name Fly accepts). */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_]+$/;

/** The rule in words, for 400 messages and form hints. */
export const SECRET_NAME_RULE = 'must contain only letters, digits and underscores (^[A-Za-z0-9_]+$)';

/**
 * The prefix of a mapping's secrets: its teamKey with `-` turned into `_` (a teamKey may contain
 * `-`, an environment variable name may not), then `_`. `ENG` → `ENG_`, `web-app` → `web_app_`.
 */
export function secretPrefix(teamKey: string): string {
  return `${teamKey.replaceAll('-', '_')}_`;
}

/** Why `name` is not a valid secret name, or undefined when it is. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is required';
  if (name.length > 200) return 'must be at most 200 characters';
  return SECRET_NAME_PATTERN.test(name) ? undefined : SECRET_NAME_RULE;
}

/** The stored (Fly) name of team secret `name`: `ENG` + `MY_TOKEN` → `ENG_MY_TOKEN`. */
export function teamSecretStoredName(teamKey: string, name: string): string {
  return secretPrefix(teamKey) + name;
}

/**
 * The mapping that owns a stored name: the one with the longest matching prefix, so with
 * mappings `ENG` and `ENG_WEB`, `ENG_WEB_TOKEN` is ENG_WEB's `TOKEN`. Undefined: a global secret.
 */
export function owningTeam(storedName: string, teamKeys: readonly string[]): string | undefined {
  let owner: string | undefined;
  for (const teamKey of teamKeys) {
    const prefix = secretPrefix(teamKey);
    if (storedName.startsWith(prefix) && storedName.length > prefix.length) {
      if (!owner || prefix.length > secretPrefix(owner).length) owner = teamKey;
    }
  }
  return owner;
}

/** The mapping whose prefix a global name would start with (refused: it would look like that team's). */
export function globalNameClash(name: string, teamKeys: readonly string[]): string | undefined {
  return teamKeys.find((teamKey) => name.startsWith(secretPrefix(teamKey)));
}

/**
 * Which secrets a run may see, carried in the dispatch payload (`secrets`): its own mapping's
 * prefix and every other mapping's. The runner removes variables that belong to another mapping
 * before anything runs, and serves names the repository's WORKFLOW.md asks for from its own
 * prefix first, then from the global secrets.
 */
export interface RunSecretScope {
  /** This run's mapping's prefix, e.g. `ENG_`. */
  prefix: string;
  /** Every other mapping's prefix. */
  otherPrefixes: string[];
}

/** The scope of a run of `teamKey` among mappings `teamKeys`. */
export function runSecretScope(teamKey: string, teamKeys: readonly string[]): RunSecretScope {
  const prefix = secretPrefix(teamKey);
  const otherPrefixes = [...new Set(teamKeys.filter((key) => key !== teamKey).map(secretPrefix))].filter(
    (other) => other !== prefix,
  );
  return { prefix, otherPrefixes: otherPrefixes.sort() };
}

/** The prefix, among the run's own and the others, that owns `name` (the longest match), if any. */
function owningPrefix(name: string, scope: RunSecretScope): string | undefined {
  let owner: string | undefined;
  for (const prefix of [scope.prefix, ...scope.otherPrefixes]) {
    if (name.startsWith(prefix) && name.length > prefix.length && (!owner || prefix.length > owner.length)) {
      owner = prefix;
    }
  }
  return owner;
}

/** True when variable `name` is another mapping's secret (its longest matching prefix is not ours). */
export function belongsToOtherTeam(name: string, scope: RunSecretScope): boolean {
  const owner = owningPrefix(name, scope);
  return owner !== undefined && owner !== scope.prefix;
}

/**
 * The value a run gets for secret `name` asked for by WORKFLOW.md: its own team's `PREFIX_name`
 * when set, else a global `name` that belongs to no mapping; undefined when neither is set.
 */
export function runSecretValue(
  env: Readonly<Record<string, string | undefined>>,
  scope: RunSecretScope,
  name: string,
): string | undefined {
  const own = env[scope.prefix + name];
  if (own !== undefined && !belongsToOtherTeam(scope.prefix + name, scope)) return own;
  if (owningPrefix(name, scope) !== undefined) return undefined;
  return env[name];
}
