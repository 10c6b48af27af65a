import { e2eBench, e2eFlags } from './e2e-bench.js';

/** The end-to-end section of `npm run bench` alone, with the same flags: `node dist/test/bench/e2e-run.js [--quick] [--profile] [--baseline <built checkout>]`. */
await e2eBench((line) => console.log(line), e2eFlags(process.argv));
