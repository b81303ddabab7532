import {
  initAuthCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';

/**
 * Baileys' SignalKeyStore kept in a Map: for tests and for the simulator's fake contacts.
 * `get` omits missing ids and `set` treats null as delete, as the interface requires.
 */
export function makeMemoryKeyStore(): SignalKeyStore {
  const byType = new Map<string, Map<string, unknown>>();
  return {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const stored = byType.get(type);
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = stored?.get(id);
        if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
      }
      return found;
    },
    set(data: SignalDataSet) {
      for (const [type, values] of Object.entries(data)) {
        let stored = byType.get(type);
        if (!stored) byType.set(type, (stored = new Map()));
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) stored.delete(id);
          else stored.set(id, value);
        }
      }
    },
    clear() {
      byType.clear();
    },
  };
}

/** A fresh, unregistered client identity held in memory (what a new daemon slot starts with). */
export function makeMemoryAuthState(): AuthenticationState {
  return { creds: initAuthCreds(), keys: makeMemoryKeyStore() };
}
