/**
 * Runs a create-if-missing call (a container, a table) once per adapter and shares the result;
 * a failure is forgotten so the next call tries again.
 */
export function createOnce(create: () => Promise<unknown>): () => Promise<unknown> {
  let ready: Promise<unknown> | undefined;
  return () => {
    ready ??= create().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };
}
