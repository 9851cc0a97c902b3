/**
 * Marks an object Docker holds as a Go map (Networks, Options, Labels, Containers, Ports) in
 * the JSON nslab's inspect builds: a `--format` template reading a key such a map lacks prints
 * "<no value>", where a struct's missing field is an error (Docker parses with missingkey=error).
 */
const goMaps = new WeakSet<object>();

export function goMap<T extends object>(o: T): T {
  goMaps.add(o);
  return o;
}

export const isGoMap = (o: object): boolean => goMaps.has(o);
