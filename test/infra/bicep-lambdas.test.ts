import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deploymentOf } from './bicep/check-infra.js';
import { formatDiagnostic } from './bicep/diagnostic.js';
import { SCENARIOS } from './bicep/scenarios.js';
import type { Value } from './bicep/values.js';
import { INFRA_DIR } from './support/bicep-reader.js';

// The checker's lambda functions, items, flatten and loadJsonContent, evaluated on the examples
// of the Bicep function reference (learn.microsoft.com/azure/azure-resource-manager/bicep/
// bicep-functions-lambda), whose documented outputs are the expected values.

const TEMPLATE = `targetScope = 'subscription'

var dogs = [
  {
    name: 'Evie'
    age: 5
  }
  {
    name: 'Casper'
    age: 3
  }
  {
    name: 'Indy'
    age: 2
  }
  {
    name: 'Kira'
    age: 8
  }
]
var pets = loadJsonContent('pets.json')

output oldDogs array = filter(dogs, dog => (dog.age >= 5))
output dogNames array = map(dogs, dog => (dog.name))
output sayHi array = map(dogs, dog => 'Hello \${dog.name}!')
output totalAge int = reduce(map(dogs, dog => (dog.age)), 0, (cur, next) => (cur + next))
output isEven array = filter(range(0, 10), i => (0 == i % 2))
output reduceObjectUnion object = reduce([
  { foo: 123 }
  { bar: 456 }
  { baz: 789 }
], {}, (cur, next) => union(cur, next))
output ages object = toObject(dogs, entry => (entry.name), entry => (entry.age))
output indexed array = map(dogs, (dog, i) => '\${i}:\${dog.name}')
output flat array = flatten([
  [1, 2]
  [3]
])
output keys array = map(items({ b: 1, a: 2 }), e => (e.key))
output kiraAt int = indexOf(map(dogs, dog => (dog.name)), 'Kira')
output petNames array = map(pets.pets, p => (p.name))
`;

/** A checker value as plain JSON, for comparing with documented outputs. */
function plain(v: Value | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
    case 'int':
    case 'bool':
      return v.value;
    case 'null':
      return null;
    case 'array':
      return v.items.map((i) => plain(i.value));
    case 'object':
      return Object.fromEntries([...v.props].map(([k, e]) => [k, plain(e.value)]));
    default:
      return `<${v.kind}>`;
  }
}

describe('the template checker evaluates lambdas as the Bicep reference documents them', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-lambdas-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'infra'));
  symlinkSync(join(INFRA_DIR, 'types'), join(root, 'infra', 'types'));
  writeFileSync(join(root, 'infra', 'main.bicep'), TEMPLATE);
  writeFileSync(join(root, 'infra', 'pets.json'), JSON.stringify({ pets: [{ name: 'Rex' }, { name: 'Tom' }] }));
  const deployment = deploymentOf(root, SCENARIOS[0]!);
  const out = (name: string): unknown => plain(deployment.outputs.get(name));

  it('finds nothing wrong in the examples', () => {
    assert.deepEqual(deployment.diagnostics.map(formatDiagnostic), []);
  });

  it('filter, map, reduce and toObject give the documented outputs', () => {
    assert.deepEqual(out('oldDogs'), [{ name: 'Evie', age: 5 }, { name: 'Kira', age: 8 }]);
    assert.deepEqual(out('dogNames'), ['Evie', 'Casper', 'Indy', 'Kira']);
    assert.deepEqual(out('sayHi'), ['Hello Evie!', 'Hello Casper!', 'Hello Indy!', 'Hello Kira!']);
    assert.equal(out('totalAge'), 18);
    assert.deepEqual(out('isEven'), [0, 2, 4, 6, 8]);
    assert.deepEqual(out('reduceObjectUnion'), { foo: 123, bar: 456, baz: 789 });
    assert.deepEqual(out('ages'), { Evie: 5, Casper: 3, Indy: 2, Kira: 8 });
    assert.deepEqual(out('indexed'), ['0:Evie', '1:Casper', '2:Indy', '3:Kira']);
  });

  it('flatten, items, indexOf and loadJsonContent', () => {
    assert.deepEqual(out('flat'), [1, 2, 3]);
    assert.deepEqual(out('keys'), ['a', 'b']);
    assert.equal(out('kiraAt'), 3);
    assert.deepEqual(out('petNames'), ['Rex', 'Tom']);
  });
});
