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
