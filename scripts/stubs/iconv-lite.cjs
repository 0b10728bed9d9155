// Webhook Inspector reads request bodies as raw bytes itself and never uses express's body parsers,
// the only code that calls iconv-lite (through body-parser and raw-body). This stub keeps iconv-lite's
// ~0.5 MB of code tables out of the bundles; if a parser were ever used, it fails loudly.
function unavailable() {
  throw new Error('iconv-lite is not bundled: Webhook Inspector does not use express body parsers.');
}
module.exports = { encodingExists: () => false, getDecoder: unavailable, decode: unavailable, encode: unavailable };
