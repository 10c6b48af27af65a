/**
 * Ctrl-C (or SIGTERM) stops a running stack once: `stop` runs on the first signal, later ones are
 * ignored while it works. The process exits 0 when it finished, or 1 with the reason when it
 * failed, so a store that cannot be closed is reported, never an unhandled rejection.
 */
export function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stopping failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
