/**
 * The status pages' script, loaded as a native ES module (no bundler): every refresh fetches a
 * full snapshot, then updates the existing nodes in place. Rows, points and bars are reused and
 * only text that changed is written, so nothing flickers and nothing accumulates; one timer is
 * ever pending and all listeners are attached once, delegated to their table bodies.
 */
import { pageSettings } from './api-client.js';
import { indexPage } from './index-page.js';
import { streamPage } from './stream-page.js';

const settings = pageSettings();
if (document.body.getAttribute('data-page') === 'index') indexPage(settings);
else streamPage(settings);
