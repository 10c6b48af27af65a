/**
 * Table string properties hold at most 32K UTF-16 characters, so longer text is split across
 * numbered properties (Name, Name_1, Name_2...) with the part count in NameParts.
 */
const PART_CHARS = 30_000;
/** Keeps an entity well under the 1 MB limit (strings count two bytes a character). */
export const MAX_TEXT_CHARS = 15 * PART_CHARS;

export function writeChunkedText(entity: Record<string, unknown>, name: string, text: string | undefined): void {
  if (text === undefined) return;
  if (text.length > MAX_TEXT_CHARS) {
    throw new Error(`${name} is ${text.length} characters, over the ${MAX_TEXT_CHARS} a table row can hold; pass references (e.g. blob names) instead of data`);
  }
  const parts = Math.max(1, Math.ceil(text.length / PART_CHARS));
  for (let i = 0; i < parts; i++) entity[i === 0 ? name : `${name}_${i}`] = text.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
  entity[`${name}Parts`] = parts;
}

export function readChunkedText(entity: Record<string, unknown>, name: string): string | undefined {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== 'number') return undefined;
  let text = '';
  for (let i = 0; i < parts; i++) {
    const part = entity[i === 0 ? name : `${name}_${i}`];
    if (typeof part !== 'string') throw new Error(`row is missing part ${i} of ${name}`);
    text += part;
  }
  return text;
}
