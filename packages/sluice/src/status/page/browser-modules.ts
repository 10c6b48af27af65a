import { readdirSync, readFileSync } from 'node:fs';

/**
 * The page's browser modules (src/status/page/browser/, compiled by tsconfig.browser.json next to
 * this file's output), read once and served as native ES modules: no bundler, no copy step.
 */
const DIR = new URL('./browser/', import.meta.url);
const MODULE_NAME = /^[a-z][a-z0-9-]*\.js$/;

let modules: ReadonlyMap<string, string> | undefined;

function load(): ReadonlyMap<string, string> {
  if (!modules) {
    const names = readdirSync(DIR).filter((n) => MODULE_NAME.test(n));
    if (!names.includes('app.js')) throw new Error(`the status page's browser modules are missing from ${DIR.pathname}: run npm run build (it compiles tsconfig.browser.json too)`);
    modules = new Map(names.map((n) => [n, readFileSync(new URL(n, DIR), 'utf8')]));
  }
  return modules;
}

/**
 * A module's text, or undefined when there is no module of that name. In Azure every request
 * to a route with authLevel 'function' needs a key, read from the x-functions-key header or the
 * `code` query parameter (Azure/azure-functions-host,
 * src/WebJobs.Script.WebHost/Security/Authentication/Keys/AuthenticationLevelHandler.cs). A
 * browser resolves a module's relative imports against the module's URL without its query
 * string and sends no custom header, so with a key the relative imports are rewritten to carry it.
 */
export function browserModule(name: string, key: string | undefined): string | undefined {
  const all = load();
  const text = all.get(name);
  if (text === undefined || !key) return text;
  const code = encodeURIComponent(key);
  return text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])\.\/([a-z][a-z0-9-]*\.js)\2/g, (whole, lead: string, quote: string, file: string) =>
    all.has(file) ? `${lead}${quote}./${file}?code=${code}${quote}` : whole);
}
