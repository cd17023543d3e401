// Preloaded (node --import) into tools that phone home: any TCP connection to an address outside
// loopback fails at once, before a packet leaves. Electronegativity fetches translations and
// Electron's release list at start; neither is needed for its checks, and CI has no business
// reaching out.
import net from 'node:net';

const isLoopback = (host) =>
  host === undefined || host === 'localhost' || host === '::1' || /^127\./.test(String(host));

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes its arguments already normalised, as one array: [options, listener].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { host: args[1] };
  if (options.path === undefined && !isLoopback(options.host)) {
    const error = Object.assign(new Error(`refused: ${options.host} is outside loopback`), {
      code: 'ECONNREFUSED',
    });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
