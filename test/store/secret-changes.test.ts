import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.ts';
import { lastSetTimes, listSecretChanges, recordSecretChange } from '../../src/store/secret-changes.ts';
import { getSetting, setSetting } from '../../src/store/settings.ts';
import { storeDialects } from '../support/store-dialects.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute));

for (const dialect of storeDialects()) {
  describe(`secrets audit and settings on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(async () => {
      await store?.close();
    });
    afterAll(() => dialect.shutdown());

    it('keeps who changed which secret when, newest first, and the last set per stored name', async () => {
      const change = {
        actor: 'admin UI',
        scope: 'team' as const,
        teamKey: 'ENG',
        name: 'KEY',
        storedAs: 'ENG_KEY',
      };
      await recordSecretChange(store.db, { ...change, action: 'set' }, at(1));
      await recordSecretChange(store.db, { ...change, action: 'set' }, at(5));
      await recordSecretChange(store.db, { ...change, action: 'delete' }, at(7));
      await recordSecretChange(
        store.db,
        { ...change, action: 'set', target: 'github:acme/api', storedAs: 'KEY' },
        at(9),
      );
      const changes = await listSecretChanges(store.db, 10);
      expect(changes.map((c) => [c.action, c.storedAs, c.target])).toEqual([
        ['set', 'KEY', 'github:acme/api'],
        ['delete', 'ENG_KEY', 'fly'],
        ['set', 'ENG_KEY', 'fly'],
        ['set', 'ENG_KEY', 'fly'],
      ]);
      expect(await lastSetTimes(store.db)).toEqual(new Map([['ENG_KEY', at(5).toISOString()]]));
    });

    it('stores and replaces settings', async () => {
      await setSetting(store.db, 'flySessionsApp', 'one', at(1));
      await setSetting(store.db, 'flySessionsApp', 'two', at(2));
      expect(await getSetting(store.db, 'flySessionsApp')).toBe('two');
    });
  });
}
