// Builders for test data, so tests say what matters and not how rows are laid out.
import type { Composition } from '../../src/composition.js';

let counter = 0;

export async function makeStore(services: Composition['services'], overrides: { name?: string } = {}) {
  counter += 1;
  return services.stores.create(overrides.name ?? `Test Store ${counter}`, { actor: 'admin' });
}
