/**
 * Loaded into every test process (node --test --import): an unhandled rejection fails the run,
 * whichever test it belongs to, and even after that test has passed. In the Functions worker it
 * would crash the process, so a test suite that tolerated one would hide a crash.
 */
process.on('unhandledRejection', (reason) => {
  const detail = reason instanceof Error ? reason.stack ?? reason.message : String(reason);
  process.stderr.write(`unhandled promise rejection (fails the test run): ${detail}\n`);
  process.exit(1);
});
