import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../../', import.meta.url);

test("the README's example app is the compiled test/packaging/readme-app/index.ts, word for word", () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const block = /```ts\n\/\/ functions\/index\.ts[^\n]*\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has the example app block');
  const source = readFileSync(new URL('test/packaging/readme-app/index.ts', root), 'utf8');
  const code = source.split('\n').filter((l, i) => !(i < 2 && l.startsWith('//'))).join('\n');
  assert.equal(block[1], code);
});
