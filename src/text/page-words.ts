// The words of the web page (src/web/page/): in its HTML as data-say="...", in its script as
// w('...'). They are catalogue keys like any said text, found by these patterns.

const PATTERNS = [/\bdata-say="([^"]+)"/g, /\bw\('((?:[^'\\]|\\.)+)'\)/g];

export function pageWords(source: string): string[] {
  return PATTERNS.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!.replace(/\\'/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')));
}
