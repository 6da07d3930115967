/**
 * The GraphQL operation's name (`query IssuesToDispatch(…)` → `IssuesToDispatch`, else
 * `anonymous`), for metrics. Its own module so the agent client (src/main.ts imports it
 * statically) does not pull the Linear request function and with it `@linear/sdk`.
 */
export function operationName(document: string): string {
  return /^\s*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(document)?.[1] ?? 'anonymous';
}
