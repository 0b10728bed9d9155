import { malformed, missing } from '../engine';
import { macProvider } from '../schemes';
import { isRecord, parseJson, parseTimestamp, text, utf8 } from '../util';

// ---------------------------------------------------------------------------------------------
// Mailgun: the signature is inside the body: hex HMAC-SHA256 of timestamp + token.
// ---------------------------------------------------------------------------------------------

interface MailgunSig {
  timestamp: string;
  token: string;
  signatures: string[];
}

function readMailgun(body: Uint8Array): MailgunSig | 'partial' | 'missing' | undefined {
  const json = parseJson(body);
  if (isRecord(json)) {
    const sig = json.signature;
    if (isRecord(sig)) {
      const { timestamp, token } = sig;
      const signatures = [sig.signature, sig['parent-signature']].filter((s): s is string => typeof s === 'string');
      if ((typeof timestamp === 'string' || typeof timestamp === 'number') && typeof token === 'string' && signatures.length > 0) {
        return { timestamp: String(timestamp), token, signatures };
      }
      return 'partial';
    }
    return 'event-data' in json ? 'missing' : undefined;
  }
  const form = new URLSearchParams(text(body));
  const timestamp = form.get('timestamp');
  const token = form.get('token');
  const signature = form.get('signature');
  if (timestamp !== null && token !== null && signature !== null) {
    return { timestamp, token, signatures: [signature] };
  }
  return undefined;
}

export const mailgun = macProvider({
  id: 'mailgun',
  name: 'Mailgun',
  detect: (req) => readMailgun(req.body) !== undefined,
  parse(req) {
    const sig = readMailgun(req.body);
    if (sig === undefined || sig === 'missing') {
      return missing('Mailgun', 'signature', 'Mailgun puts it in the body as signature {timestamp, token, signature}.');
    }
    if (sig === 'partial') {
      return malformed('Mailgun', 'signature', "the body's signature object needs timestamp, token and signature");
    }
    const time = parseTimestamp(sig.timestamp, 's');
    return {
      candidates: sig.signatures.map((value) => ({ value })),
      scheme: { alg: 'sha256', enc: 'hex', key: 'raw', messages: () => [utf8(sig.timestamp + sig.token)] },
      ...(time !== undefined ? { time } : {}),
    };
  },
});
