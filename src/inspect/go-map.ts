/**
 * Marks an object Docker holds as a Go map (Networks, Options, Labels, Containers, Ports) in
 * the JSON nslab's inspect builds: a `--format` template reading a key such a map lacks prints
 * "<no value>", where a struct's missing field is an error (Docker parses with missingkey=error).
 * The map comes back with its keys in the order Docker prints them.
 */
const goMaps = new WeakSet<object>();

export function goMap<T extends object>(o: T): T {
  // encoding/json writes a map's keys sorted, byte by byte (and templates range them so):
  // the same object, its keys put in that order.
  const record = o as Record<string, unknown>;
  const entries = Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k] of entries) delete record[k];
  for (const [k, v] of entries) record[k] = v;
  goMaps.add(o);
  return o;
}

export const isGoMap = (o: object): boolean => goMaps.has(o);
