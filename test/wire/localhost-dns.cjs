// Preloaded into the CLI of the wire tests (NODE_OPTIONS=--require): resolves `<label>.localhost`
// to the loopback address, as browsers and systemd-resolved do. S3 Control puts the account id in
// front of the endpoint's host name (`111111111111.localhost`), which the machine's resolver does
// not know; every other name goes to the real lookup.
const dns = require('node:dns');

const lookup = dns.lookup;
dns.lookup = function lookupLocalhost(hostname, options, callback) {
  if (typeof hostname === 'string' && hostname.endsWith('.localhost')) {
    const done = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options !== null && options.all;
    process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
