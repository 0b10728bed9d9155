import { randomUUID } from 'node:crypto';
import type { GenericHmacConfig, SignedRequest } from './types';
import {
  type KeyFormat,
  type MacScheme,
  type ParseFailure,
  type ProviderDef,
  isParseFailure,
  malformed,
  missing,
  signWith,
  verifyMac,
} from './engine';
import { concat, header, parseTimestamp, unixSeconds } from './util';

const NAME = 'generic HMAC';
const PLACEHOLDER = /\{(body|timestamp|id|method|url)\}/g;

type Part = { literal: string } | { field: 'body' | 'timestamp' | 'id' | 'method' | 'url' };

function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const index = m.index ?? 0;
    if (index > last) {
      parts.push({ literal: template.slice(last, index) });
    }
    parts.push({ field: m[1] as 'body' | 'timestamp' | 'id' | 'method' | 'url' });
    last = index + m[0].length;
  }
  if (last < template.length) {
    parts.push({ literal: template.slice(last) });
  }
  return parts;
}

function keyFormat(config: GenericHmacConfig): KeyFormat {
  return config.secretEncoding === 'base64' ? 'base64' : config.secretEncoding === 'hex' ? 'hex' : 'raw';
}

interface Fields {
  timestamp: string | undefined;
  id: string | undefined;
}

function scheme(config: GenericHmacConfig, req: SignedRequest, fields: Fields): MacScheme {
  const parts = parseTemplate(config.template ?? '{body}');
  return {
    alg: config.algorithm ?? 'sha256',
    enc: config.encoding ?? 'hex',
    key: keyFormat(config),
    messages: (body) => [
      concat(
        ...parts.map((p) => {
          if ('literal' in p) {
            return p.literal;
          }
          if (p.field === 'body') {
            return body;
          }
          if (p.field === 'method') {
            return req.method.toUpperCase();
          }
          if (p.field === 'url') {
            return req.url;
          }
          return fields[p.field] ?? '';
        }),
      ),
    ],
  };
}

function usesField(config: GenericHmacConfig, field: string): boolean {
  return (config.template ?? '{body}').includes(`{${field}}`);
}

function readFields(config: GenericHmacConfig, req: SignedRequest): Fields | ParseFailure {
  const timestamp = config.timestampHeader ? header(req, config.timestampHeader) : undefined;
  const id = config.idHeader ? header(req, config.idHeader) : undefined;
  if (usesField(config, 'timestamp') && timestamp === undefined) {
    return malformed(
      NAME,
      config.header,
      `the template needs {timestamp}, but the ${config.timestampHeader ?? 'timestamp'} header is missing`,
    );
  }
  if (usesField(config, 'id') && id === undefined) {
    return malformed(NAME, config.header, `the template needs {id}, but the ${config.idHeader ?? 'id'} header is missing`);
  }
  return { timestamp, id };
}

function formatTimestamp(config: GenericHmacConfig, now: Date): string {
  if (config.timestampFormat === 'unix-ms') {
    return String(now.getTime());
  }
  if (config.timestampFormat === 'iso8601') {
    return now.toISOString();
  }
  return String(unixSeconds(now));
}

/** `generic-hmac`: every parameter comes from a {@link GenericHmacConfig} passed as `generic` in the options. */
export const genericHmac: ProviderDef = {
  id: 'generic-hmac',
  name: 'Generic HMAC',
  canSign: true,
  detect: () => false,
  verify(req, ctx) {
    const config = ctx.generic;
    if (!config || !config.header) {
      return {
        provider: 'generic-hmac',
        status: 'unsupported',
        reason: 'Generic HMAC verification needs a configuration (signature header, algorithm, encoding, signed content).',
        hint: 'Configure the generic HMAC settings for this endpoint.',
      };
    }
    const value = header(req, config.header);
    if (value === undefined) {
      return { provider: 'generic-hmac', ...missing(NAME, config.header) };
    }
    const fields = readFields(config, req);
    if (isParseFailure(fields)) {
      return { provider: 'generic-hmac', ...fields };
    }
    const prefix = config.prefix ?? '';
    const entries = (config.separator ? value.split(config.separator) : [value]).map((e) => e.trim()).filter(Boolean);
    const candidates = entries
      .filter((e) => e.startsWith(prefix))
      .map((e) => ({ value: e.slice(prefix.length) }))
      .filter((c) => c.value);
    if (candidates.length === 0) {
      return {
        provider: 'generic-hmac',
        ...malformed(NAME, config.header, prefix ? `no value starts with "${prefix}"` : 'the signature is empty'),
      };
    }
    let time: number | undefined;
    if (fields.timestamp !== undefined) {
      time = parseTimestamp(fields.timestamp, config.timestampFormat === 'unix-ms' ? 'ms' : 'auto');
      if (time === undefined) {
        return {
          provider: 'generic-hmac',
          ...malformed(NAME, config.timestampHeader ?? 'timestamp', `"${fields.timestamp}" is not a time`),
        };
      }
    }
    const tolerance = ctx.toleranceSeconds ?? config.toleranceSeconds ?? (config.timestampHeader ? 300 : undefined);
    return verifyMac(
      'generic-hmac',
      NAME,
      ctx.secrets,
      { candidates },
      scheme(config, req, fields),
      req.body,
      { time, tolerance },
      ctx.now,
    );
  },
  sign(req, secret, now, config) {
    if (!config || !config.header) {
      throw new Error('generic-hmac needs a GenericHmacConfig to sign.');
    }
    const out: Record<string, string> = {};
    let timestamp: string | undefined;
    let id: string | undefined;
    if (config.timestampHeader) {
      timestamp = formatTimestamp(config, now);
      out[config.timestampHeader.toLowerCase()] = timestamp;
    }
    if (config.idHeader) {
      id = header(req, config.idHeader) ?? randomUUID();
      out[config.idHeader.toLowerCase()] = id;
    }
    if (usesField(config, 'timestamp') && timestamp === undefined) {
      throw new Error('The template uses {timestamp} but no timestampHeader is set.');
    }
    if (usesField(config, 'id') && id === undefined) {
      throw new Error('The template uses {id} but no idHeader is set.');
    }
    out[config.header.toLowerCase()] = (config.prefix ?? '') + signWith(scheme(config, req, { timestamp, id }), secret, req.body);
    return out;
  },
};
