/**
 * The pipeline this app runs. Replace the import with your own StreamingJob: the Functions app,
 * the local stack and replays all build their pipeline from here.
 */
export { pageViewsJob as job } from '../sample/page-views-job.js';
