/**
 * A small well-formedness check for the SVG and HTML the report writes: every tag closed in order, no
 * raw `<` or `&` outside markup, attribute values quoted. Not a full XML parser, and none is installed:
 * enough to catch an unescaped genre name breaking the document.
 */
import assert from 'node:assert/strict';

const VOID_HTML = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);

export function assertWellFormed(markup: string, options: { html?: boolean } = {}): void {
  const body = options.html === true ? markup.replace(/^<!doctype html>\s*/i, '') : markup;
  const stack: string[] = [];
  // A tag: name, then attributes whose values are double-quoted and hold no `<` or `"`.
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    assert.doesNotMatch(text, /&(?!(?:[a-zA-Z]+|#\d+|#x[\da-fA-F]+);)/, `raw & in text: ${text.slice(0, 80)}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    assert.ok(m !== null, `malformed tag at ${lt}: ${body.slice(lt, lt + 80)}`);
    const [whole, closing, name, , selfClosing] = m;
    if (closing === '/') {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element at ${lt}`);
    } else if (selfClosing !== '/' && !(options.html === true && VOID_HTML.has(name.toLowerCase()))) {
      if (name === 'style' || name === 'title') {
        // Raw-text elements: skip to their end tag.
        const end = body.indexOf(`</${name}>`, lt + whole.length);
        assert.ok(end !== -1, `<${name}> is not closed`);
        i = end + name.length + 3;
        continue;
      }
      stack.push(name);
    }
    i = lt + whole.length;
  }
  assert.deepEqual(stack, [], 'every element is closed');
}
