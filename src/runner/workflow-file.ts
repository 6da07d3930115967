import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { SECRET_NAME_PATTERN, SECRET_NAME_RULE } from '../domain/secret-names.ts';
import { TEMPLATE_VARIABLES, unknownPlaceholders } from './prompt-template.ts';

/**
 * `WORKFLOW.md` and `PLANNING.md`: YAML front matter between `---` lines, then the prompt
 * template (seed 003 step 5). Front matter keys:
 *
 * | Key | Type | Default |
 * |---|---|---|
 * | `model` | string | `claude-sonnet-4-6` (Anthropic); required for Bedrock |
 * | `gap_analysis_model` | string | `claude-haiku-4-5-20251001` (Anthropic); `model` on Bedrock |
 * | `review_model` | string | `model` |
 * | `setup`, `verify`, `teardown` | command or list of commands (run with `sh -c` in the checkout) | none |
 * | `agent_timeout_minutes` | number > 0, one agent pass | 60, capped by the job's time left |
 * | `hook_timeout_minutes` | number > 0, one hook command | 20 |
 * | `secrets` | list of secret names the hooks and the agent get (issue 13) | none |
 *
 * Unknown keys are reported as warnings (a newer template may carry keys this runner does not
 * know); a key with the wrong type, bad YAML, or an unknown `{{ placeholder }}` is an error that
 * names the file's line.
 */
export interface WorkflowSettings {
  model: string | undefined;
  gapAnalysisModel: string | undefined;
  reviewModel: string | undefined;
  setup: string[];
  verify: string[];
  teardown: string[];
  agentTimeoutMinutes: number | undefined;
  hookTimeoutMinutes: number | undefined;
  /** Secret names (`^[A-Za-z0-9_]+$`) exposed to the hooks and the agent: the team's, else global. */
  secrets: string[];
}

export interface WorkflowFile {
  /** File name as shown in messages, e.g. `WORKFLOW.md`. */
  name: string;
  settings: WorkflowSettings;
  /** The prompt template. */
  body: string;
  warnings: string[];
}

/** The file is malformed; the message starts with `<file> line <n>:`. */
export class WorkflowFileError extends Error {
  override name = 'WorkflowFileError';
  readonly line: number;
  constructor(file: string, line: number, problem: string) {
    super(`${file} line ${line}: ${problem}`);
    this.line = line;
  }
}

const EMPTY_SETTINGS: WorkflowSettings = {
  model: undefined,
  gapAnalysisModel: undefined,
  reviewModel: undefined,
  setup: [],
  verify: [],
  teardown: [],
  agentTimeoutMinutes: undefined,
  hookTimeoutMinutes: undefined,
  secrets: [],
};

/** Reads one key into `settings`; a problem names what is wrong and, optionally, the node at fault. */
type KeyReader = (
  node: Node | null,
  settings: WorkflowSettings,
) => string | { problem: string; at: Node } | undefined;

const text =
  (key: 'model' | 'gapAnalysisModel' | 'reviewModel'): KeyReader =>
  (node, settings) => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '')
      return 'must be a non-empty string';
    settings[key] = node.value.trim();
    return undefined;
  };

const commands =
  (key: 'setup' | 'verify' | 'teardown'): KeyReader =>
  (node, settings) => {
    const items = (isSeq(node) ? node.items : [node]) as (Node | null)[];
    const values: string[] = [];
    for (const item of items) {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
        const problem = 'must be a command or a list of commands';
        return item ? { problem, at: item } : problem;
      }
      values.push(item.value);
    }
    settings[key] = values;
    return undefined;
  };

const minutes =
  (key: 'agentTimeoutMinutes' | 'hookTimeoutMinutes'): KeyReader =>
  (node, settings) => {
    if (!isScalar(node) || typeof node.value !== 'number' || !(node.value > 0))
      return 'must be a number of minutes greater than 0';
    settings[key] = node.value;
    return undefined;
  };

const secretNames: KeyReader = (node, settings) => {
  const items = (isSeq(node) ? node.items : [node]) as (Node | null)[];
  const names: string[] = [];
  for (const item of items) {
    if (!isScalar(item) || typeof item.value !== 'string' || !SECRET_NAME_PATTERN.test(item.value.trim())) {
      const problem = `must be a secret name or a list of them (${SECRET_NAME_RULE})`;
      return item ? { problem, at: item } : problem;
    }
    names.push(item.value.trim());
  }
  settings.secrets = [...new Set(names)];
  return undefined;
};

const KEYS: Record<string, KeyReader> = {
  model: text('model'),
  gap_analysis_model: text('gapAnalysisModel'),
  review_model: text('reviewModel'),
  setup: commands('setup'),
  verify: commands('verify'),
  teardown: commands('teardown'),
  agent_timeout_minutes: minutes('agentTimeoutMinutes'),
  hook_timeout_minutes: minutes('hookTimeoutMinutes'),
  secrets: secretNames,
};

/**
 * Parses the file's text. Throws `WorkflowFileError` with the 1-based line in the file for YAML
 * syntax errors, front matter that is not a mapping or never closed, a key of the wrong type, and
 * a placeholder that names no template variable.
 */
export function parseWorkflowFile(source: string, name: string): WorkflowFile {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let body = lines.join('\n');
  let bodyStart = 1;
  const settings: WorkflowSettings = structuredClone(EMPTY_SETTINGS);
  const warnings: string[] = [];
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line));
    if (end === -1) throw new WorkflowFileError(name, 1, 'the front matter opened with --- is never closed');
    readFrontMatter(lines.slice(1, end).join('\n'), name, settings, warnings);
    body = lines.slice(end + 1).join('\n');
    bodyStart = end + 2;
  }
  for (const placeholder of unknownPlaceholders(body)) {
    throw new WorkflowFileError(
      name,
      bodyStart + placeholder.line - 1,
      `unknown placeholder {{ ${placeholder.name} }}; known: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}`,
    );
  }
  return { name, settings, body: body.trim(), warnings };
}

/** Front matter text starts on the file's line 2. */
const FRONT_MATTER_OFFSET = 1;

function readFrontMatter(yamlText: string, name: string, settings: WorkflowSettings, warnings: string[]) {
  const counter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (offset: number) => counter.linePos(offset).line + FRONT_MATTER_OFFSET;
  const syntax = document.errors[0];
  if (syntax) {
    const problem =
      syntax.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw new WorkflowFileError(name, lineOf(syntax.pos[0]), `invalid YAML front matter: ${problem}`);
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return;
  if (!isMap(root)) {
    throw new WorkflowFileError(
      name,
      lineOf(root.range?.[0] ?? 0),
      'the front matter must be key: value lines',
    );
  }
  for (const pair of root.items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key?.range?.[0] ?? 0);
    const reader = KEYS[key];
    if (!reader) {
      warnings.push(
        `${name} line ${line}: unknown key "${key}" is ignored (known: ${Object.keys(KEYS).join(', ')})`,
      );
      continue;
    }
    const found = reader(pair.value, settings);
    if (found === undefined) continue;
    const { problem, at } =
      typeof found === 'string' ? { problem: found, at: pair.value ?? pair.key } : found;
    throw new WorkflowFileError(name, lineOf(at?.range?.[0] ?? 0), `${key} ${problem}`);
  }
}
