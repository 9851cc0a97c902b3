// `ss -Hltn`: the TCP sockets listening in a namespace, as why needs them to say that a
// connection arrived where nothing listens (a host service bound to 127.0.0.1 only).

export interface Listener {
  /** The bound address: 0.0.0.0, ::, or one address ("127.0.0.1"); "*" for any. */
  readonly address: string;
  readonly port: number;
}

export function parseListening(text: string): Listener[] {
  return text.split('\n').flatMap((line) => {
    const local = line.trim().split(/\s+/)[3];
    const m = local ? /^\[?([^\]]*?)\]?(?:%\S+)?:(\d+)$/.exec(local) : null;
    return m ? [{ address: m[1]!, port: Number(m[2]) }] : [];
  });
}

/** Whether a connection to address:port finds a socket: one bound to it, or to every address. */
export function listensOn(listeners: readonly Listener[], address: string, port: number): boolean {
  return listeners.some((l) => l.port === port && (l.address === address || l.address === '0.0.0.0' || l.address === '::' || l.address === '*'));
}
