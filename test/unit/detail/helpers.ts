import type { CapturedEvent } from '../../../src/core/model/event';

/** An event; `overrides` may hold any fields (also malformed ones, as an old or damaged store could). */
export function makeEvent(overrides: Record<string, unknown> = {}): CapturedEvent {
  return {
    id: 'evt_test0000001',
    receivedAt: '2026-01-02T03:04:05.000Z',
    method: 'POST',
    url: '/webhooks/stripe?x=1',
    headers: [
      ['Host', '127.0.0.1:4000'],
      ['Content-Type', 'application/json'],
    ],
    remoteAddress: '127.0.0.1',
    size: 0,
    response: { status: 200, body: 'OK', contentType: 'text/plain' },
    ...overrides,
  } as CapturedEvent;
}

/** Strings that try to become markup, script, URLs or misleading text. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(document.cookie)',
  'data:text/html,<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "'><iframe srcdoc='<script>alert(4)</script>'>",
  '</style><style>*{display:none}</style>',
  '</textarea></pre></code><b onmouseover=alert(5)>x</b>',
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(6)</script></svg>',
  '{{constructor.constructor("alert(7)")()}}',
  'command:workbench.action.terminal.new',
  '<a href="javascript:alert(8)">click</a>',
] as const;

export const RTL = 'user\u202Egnp.exe\u202C';
