import type { HostLog } from './host-log.js';

let installed = false;

/**
 * In the real Node worker an unhandled rejection takes the process down, with every invocation in
 * flight on it. The local host makes that impossible to miss: it prints the rejection and exits
 * with a failure, even if some library installed its own lenient handler. Once per process.
 */
export function failOnUnhandledRejections(log: HostLog): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    const detail = reason instanceof Error ? reason.stack ?? reason.message : String(reason);
    log(`[host] unhandled promise rejection; a Functions worker would crash here, so the local host stops: ${detail}`);
    process.exit(1);
  });
}
