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
