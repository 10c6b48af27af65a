/**
 * The Functions entry (package.json "main"): one import per function file, each registering
 * its functions with the v4 programming model. The real worker and the local host load this.
 */
import './receiver.js';
import './driver.js';
import './driver-activities.js';
import './supervisor.js';
import './http-commands.js';
import './replay.js';
import './http-status.js';

import { useJob } from '#sluice/app/app-context.js';
import { pageViewsJob } from '../sample/page-views-job.js';

useJob(pageViewsJob);
