/**
 * Samples built with a fixed context (a fixed clock and a seeded random source), for the shape and
 * golden tests: the same inputs give the same bytes, so a changed literal in sampleData.ts shows.
 */
import { createHash } from 'node:crypto';
import { buildSample, samples, type SampleInfo, type SampleRequest } from '../../../src/core/forward/index';

/** Milliseconds not zero, so the providers' second-precision timestamps differ from `toISOString()`. */
export const FIXED_NOW = new Date('2026-03-14T15:09:26.535Z');
export const FIXED_UNIX = Math.floor(FIXED_NOW.getTime() / 1000);

/** A deterministic stand-in for `randomBytes(n).toString('hex')`: successive SHA-256 blocks of `seed:counter`. */
export function seededHex(seed = 'sample'): (bytes: number) => string {
  let counter = 0;
  return (bytes) => {
    let out = '';
    while (out.length < bytes * 2) {
      out += createHash('sha256').update(`${seed}:${counter++}`).digest('hex');
    }
    return out.slice(0, bytes * 2);
  };
}

/** A parsed sample body: tests read nested fields directly and let assertions catch a wrong shape. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BuiltSample {
  info: SampleInfo;
  req: SampleRequest;
  text: string;
  json: Json;
}

/** Builds one sample (unsigned) with the fixed clock; each build gets a fresh seeded source unless one is given. */
export function buildFixed(info: SampleInfo, randomHex: (bytes: number) => string = seededHex()): BuiltSample {
  const req = buildSample(info.provider, info.event, { now: FIXED_NOW, randomHex });
  const text = Buffer.from(req.body).toString('utf8');
  return { info, req, text, json: JSON.parse(text) as Json };
}

export const allFixed = (): BuiltSample[] => samples.map((info) => buildFixed(info));

export function headerOf(req: Pick<SampleRequest, 'headers'>, name: string): string | undefined {
  return req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}
