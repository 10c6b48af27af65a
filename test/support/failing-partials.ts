import type { StreamStorage } from '#sluice/ports/stream-storage.js';

/**
 * Wraps a stream's stores so that task partial writes throw `error()` while `state.failing` is set:
 * a storage outage (a 503 from the SDK) or a step that fails however often it is retried.
 * Storage stays real underneath; only this one call is made to fail.
 */
export function failingPartials(error: () => Error) {
  const state = { failing: false, failures: 0 };
  const wrap = (storage: StreamStorage): StreamStorage => ({
    ...storage,
    partials: {
      create: (n, d) => storage.partials.create(n, d), get: (n) => storage.partials.get(n), delete: (n) => storage.partials.delete(n), list: (p) => storage.partials.list(p),
      put: async (name, data) => {
        if (state.failing) {
          state.failures++;
          throw error();
        }
        return storage.partials.put(name, data);
      },
    },
  });
  return { state, wrap };
}
