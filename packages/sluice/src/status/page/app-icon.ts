/**
 * The tab icon: the header's wave mark. Served from the page's own assets and linked from the
 * page, so the browser never asks for /favicon.ico (outside the status routes, a 404 that shows
 * as an error in the browser console).
 */
export const APP_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#1e1b4b"/><path d="M3 7c3 0 3 3 6 3s3-3 6-3 3 3 6 3M3 14c3 0 3 3 6 3s3-3 6-3 3 3 6 3" fill="none" stroke="#a5b4fc" stroke-width="2.2" stroke-linecap="round"/></svg>\n';
