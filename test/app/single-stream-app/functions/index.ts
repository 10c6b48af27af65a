/**
 * A single-stream app, as an app written before streams had names in code: the stream takes its
 * name and hub from SLUICE_STREAM_NAME and SLUICE_EVENTHUB_NAME. Tests run it so each can pick
 * its own stream name through settings.
 */
import { sluiceApp } from 'sluice';
import { pageViewsJob } from '../../../../sample/page-views-job.js';

sluiceApp().stream({ job: pageViewsJob });
