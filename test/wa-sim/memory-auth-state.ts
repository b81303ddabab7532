import {
  BufferJSON,
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
  const store: SignalKeyStore = {
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
  contents.set(store, byType);
  return store;
}

const contents = new WeakMap<SignalKeyStore, Map<string, Map<string, unknown>>>();
const deepCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value, BufferJSON.replacer), BufferJSON.reviver) as T;

/**
 * A copy of a memory auth state as it is now: what a client process that died at this moment
 * would find on disk. Later writes to the original do not reach the copy.
 */
export function copyMemoryAuthState(auth: AuthenticationState): AuthenticationState {
  const byType = contents.get(auth.keys);
  if (!byType) throw new Error('not a memory key store');
  const keys = makeMemoryKeyStore();
  for (const [type, values] of byType) void keys.set({ [type]: deepCopy(Object.fromEntries(values)) });
  return { creds: deepCopy(auth.creds), keys };
}

/** A fresh, unregistered client identity held in memory (what a new daemon slot starts with). */
export function makeMemoryAuthState(): AuthenticationState {
  return { creds: initAuthCreds(), keys: makeMemoryKeyStore() };
}
