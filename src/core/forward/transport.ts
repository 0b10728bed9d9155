/**
 * The default transport: node:http / node:https directly (not fetch), so header order, case and
 * duplicates are kept and the body goes out as the exact bytes. No timeout unless a signal aborts.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { OutgoingRequest, Transport, TransportResponse } from './types';
import { DeliveryError } from './types';

export interface HttpTransportOptions {
  /** Accept self-signed certificates (https on localhost during development). Default false. */
  insecureTls?: boolean;
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  return (req, opts) => send(req, opts.maxResponseBytes, opts.signal, options);
}

/** The shared default transport. */
export const httpTransport: Transport = createHttpTransport();

function send(req: OutgoingRequest, limit: number, signal: AbortSignal | undefined, options: HttpTransportOptions): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const isHttps = req.origin.protocol === 'https:';
    const flat: string[] = [];
    for (const [k, v] of req.headers) {
      flat.push(k, v);
    }
    let client: http.ClientRequest;
    const base = {
      method: req.method,
      hostname: req.origin.hostname.replace(/^\[|\]$/g, ''),
      port: req.origin.port || (isHttps ? 443 : 80),
      path: req.path,
      headers: flat as unknown as http.OutgoingHttpHeaders,
      agent: false as const,
      setHost: false,
    };
    try {
      client = isHttps ? https.request({ ...base, rejectUnauthorized: !options.insecureTls }) : http.request(base);
    } catch (err) {
      reject(new DeliveryError(`The request could not be built: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code ?? 'INVALID_REQUEST', { cause: err }));
      return;
    }
    let settled = false;
    const fail = (err: DeliveryError) => {
      if (!settled) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      }
    };
    const onAbort = () => {
      fail(abortError(signal));
      client.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', (err: NodeJS.ErrnoException) => fail(describeError(err, req.origin)));
    client.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (kept < limit) {
          const part = chunk.length > limit - kept ? chunk.subarray(0, limit - kept) : chunk;
          chunks.push(part);
          kept += part.length;
        }
      });
      res.on('error', (err: NodeJS.ErrnoException) => fail(describeError(err, req.origin)));
      res.on('close', () => {
        if (!res.complete) {
          fail(new DeliveryError(`The handler on ${req.origin.host} closed the connection in the middle of its answer.`, 'ECONNRESET'));
        }
      });
      res.on('end', () => {
        if (settled) {
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const headers: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks, kept), bodySize: size, truncated: size > kept });
      });
    });
    client.end(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
  });
}

function abortError(signal: AbortSignal | undefined): DeliveryError {
  const reason: unknown = signal?.reason;
  return reason instanceof DeliveryError ? reason : new DeliveryError('The request was cancelled.', 'ABORTED');
}

/** Turns socket errors into sentences that say what to do. */
export function describeError(err: NodeJS.ErrnoException, origin: URL): DeliveryError {
  const host = origin.host;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new DeliveryError(`Nothing is listening on ${host} — start your handler or change webhookInspector.forward.target`, 'ECONNREFUSED', { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DeliveryError(`The host ${origin.hostname} could not be found (DNS). Check webhookInspector.forward.target.`, err.code, { cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
      return new DeliveryError(`The handler on ${host} closed the connection without answering (${err.code}). Did it crash? Check its log.`, err.code, { cause: err });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new DeliveryError(`${host} cannot be reached (${err.code}). Check the address and your network.`, err.code, { cause: err });
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
      return new DeliveryError(`${host} did not answer with HTTP. Is it a TLS (https:) server, or not a web server at all?`, err.code, { cause: err });
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new DeliveryError(`TLS with ${host} failed (${err.code}). Is the target http: rather than https:?`, err.code, { cause: err });
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new DeliveryError(`The TLS certificate of ${host} is not trusted (${err.code}).`, err.code, { cause: err });
    default:
      return new DeliveryError(`The request to ${host} failed: ${err.message}`, err.code ?? 'ERROR', { cause: err });
  }
}
