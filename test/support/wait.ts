/**
 * Waits until a condition holds, checking it every few milliseconds, and fails with the given
 * message after a bound. For conditions that other processes or event loops make true; the bound
 * is a failure guard, never a measurement.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
