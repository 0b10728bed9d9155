// localtunnel's client requires axios only for its handshake (`Tunnel._init`), which Webhook Inspector
// replaces with its own fetch-based one (src/core/tunnel/localtunnelFactory.ts). This stub keeps axios
// and its dependencies (form-data, proxy and follow-redirects code) out of the bundles; if anything
// ever called it, it fails loudly instead of making a request.
function unavailable() {
  throw new Error('axios is not bundled: Webhook Inspector makes the localtunnel handshake with fetch.');
}
const axios = Object.assign(unavailable, { get: unavailable, post: unavailable, request: unavailable, create: unavailable });
module.exports = axios;
module.exports.default = axios;
