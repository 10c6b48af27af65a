/**
 * The suite's one way to wait for something another event loop or process makes true: check a
 * condition every few milliseconds and fail with the given message after a bound. The bound is a
 * failure guard, never a measurement: no outcome depends on how fast the machine is.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Settles as `promise` does, or fails with `what` after `timeoutMs`: a bound on one awaited step. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Advances a manual clock by one batch interval once the driver waits on its batch timer, then
 * waits until the WAL shows that batch completed. Returns the batch time.
 */
export async function runOneBatch(clock: { readonly waiting: number; advance(ms: number): void; now(): number }, batches: { get(time: number): Promise<{ status: string } | undefined> }, intervalMs: number): Promise<number> {
  await waitUntil(() => clock.waiting > 0, 'the driver waits on its batch timer');
  clock.advance(intervalMs);
  const time = clock.now();
  await waitUntil(async () => (await batches.get(time))?.status === 'completed', `batch ${time} completed`);
  return time;
}
