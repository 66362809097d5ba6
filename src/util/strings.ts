/**
 * Orders strings by Unicode code point. JavaScript's `<` compares UTF-16 units, which puts characters
 * beyond U+FFFF (emoji) before U+E000-U+FFFF; sorting by code point gives one order on every platform.
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}
