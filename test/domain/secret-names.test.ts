import { describe, expect, it } from 'vitest';
import {
  belongsToOtherTeam,
  globalNameClash,
  owningTeam,
  runSecretScope,
  runSecretValue,
  secretNameProblem,
  teamSecretStoredName,
} from '../../src/domain/secret-names.ts';
import { parseWorkflowFile } from '../../src/runner/workflow-file.ts';

describe('secret names', () => {
  it('stores team secrets under the team prefix and refuses bad names', () => {
    expect(teamSecretStoredName('ENG', 'MY_TOKEN')).toBe('ENG_MY_TOKEN');
    expect(teamSecretStoredName('web-app', 'KEY')).toBe('web_app_KEY');
    expect(secretNameProblem('MY-TOKEN')).toMatch(/letters, digits and underscores/);
    expect(secretNameProblem('')).toBe('is required');
    expect(secretNameProblem('OK_1')).toBeUndefined();
  });

  it('gives a stored name to the mapping with the longest matching prefix', () => {
    expect(owningTeam('ENG_WEB_TOKEN', ['ENG', 'ENG_WEB'])).toBe('ENG_WEB');
    expect(owningTeam('ENG_TOKEN', ['ENG', 'ENG_WEB'])).toBe('ENG');
    expect(owningTeam('SHARED', ['ENG'])).toBeUndefined();
    expect(globalNameClash('ENG_X', ['OPS', 'ENG'])).toBe('ENG');
    expect(globalNameClash('ENGINE', ['ENG'])).toBeUndefined();
  });

  it('scopes a run: own prefix first, then global; other teams never', () => {
    const scope = runSecretScope('ENG', ['ENG', 'OPS', 'ENG_WEB']);
    expect(scope).toEqual({ prefix: 'ENG_', otherPrefixes: ['ENG_WEB_', 'OPS_'] });
    expect(belongsToOtherTeam('OPS_KEY', scope)).toBe(true);
    expect(belongsToOtherTeam('ENG_WEB_KEY', scope)).toBe(true);
    expect(belongsToOtherTeam('ENG_KEY', scope)).toBe(false);
    expect(belongsToOtherTeam('SHARED', scope)).toBe(false);
    const env = { ENG_KEY: 'mine', KEY: 'global', OPS_KEY: 'theirs', ENG_WEB_X: 'web', SHARED: 'g' };
    expect(runSecretValue(env, scope, 'KEY')).toBe('mine');
    expect(runSecretValue(env, scope, 'SHARED')).toBe('g');
    expect(runSecretValue(env, scope, 'OPS_KEY')).toBeUndefined();
    expect(runSecretValue(env, scope, 'WEB_X')).toBeUndefined();
  });

  it('reads WORKFLOW.md `secrets:` and refuses a bad name with its line', () => {
    const ok = parseWorkflowFile(
      '---\nsecrets: [DEPLOY_KEY, DEPLOY_KEY, NPM_TOKEN]\n---\nbody',
      'WORKFLOW.md',
    );
    expect(ok.settings.secrets).toEqual(['DEPLOY_KEY', 'NPM_TOKEN']);
    expect(() => parseWorkflowFile('---\nsecrets:\n  - BAD-NAME\n---\nbody', 'WORKFLOW.md')).toThrow(
      /WORKFLOW.md line 3: .*secret name/,
    );
  });
});
