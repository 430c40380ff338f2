import * as ldapjs from 'ldapjs';

/**
 * StartTLS as ldapauth-fork (passport-ldapauth's engine) uses it is unsafe on ldapjs 2: it starts STARTTLS on
 * both of its clients in its constructor and sends the reader's bind at once, so the bind goes out in plain text
 * while the TLS negotiation is pending (the server then drops the connection), and when the negotiation fails
 * ldapjs "goes back to plain mode" (ldapauth-fork issue #94, open). This gate, installed once on ldapjs's client,
 * holds every request a client sends while its STARTTLS is in flight, sends them over TLS once it succeeded, and
 * fails them (and closes the client) when it did not: nothing is ever sent in clear after STARTTLS was asked for.
 */
const GATE = Symbol('capstan.starttls.gate');
const INSTALLED = Symbol.for('capstan.ldapjs.starttls-gate');

type Callback = (err: Error | null, ...rest: unknown[]) => void;
interface GatedClient {
  [GATE]?: Promise<Error | undefined>;
  destroy(err?: Error): void;
  _send: (
    this: GatedClient,
    message: unknown,
    expect: unknown,
    emitter: unknown,
    callback: Callback,
    bypass?: boolean,
  ) => unknown;
  starttls: (
    this: GatedClient,
    options: unknown,
    controls: unknown,
    callback: Callback,
    bypass?: boolean,
  ) => unknown;
}

const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';

export function installStartTlsGate(): void {
  // ldapjs's typings declare Client as an interface; the module exports the class (the one ldapauth-fork uses).
  const { Client } = ldapjs as unknown as { Client: { prototype: unknown } };
  const proto = Client.prototype as GatedClient & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const send = proto._send;
  const starttls = proto.starttls;

  proto.starttls = function (this: GatedClient, options, controls, callback, bypass) {
    let settle: (err: Error | undefined) => void = () => undefined;
    this[GATE] = new Promise((resolve) => (settle = resolve));
    return starttls.call(
      this,
      options,
      controls,
      (err, ...rest) => {
        if (err) {
          // Every later request fails with this error; none is sent without TLS.
          this[GATE] = Promise.resolve(err);
          this.destroy(err);
        } else {
          this[GATE] = undefined;
        }
        settle(err ?? undefined);
        callback(err, ...rest);
      },
      bypass,
    );
  };

  proto._send = function (this: GatedClient, message, expect, emitter, callback, bypass) {
    const gate = this[GATE];
    if (!gate || (message as { requestName?: string }).requestName === STARTTLS_OID)
      return send.call(this, message, expect, emitter, callback, bypass);
    void gate.then((err) =>
      err ? callback(err) : send.call(this, message, expect, emitter, callback, bypass),
    );
    return false;
  };
}
