import type { FaultHandle, FaultSpec, Obj } from './types.js';

/** What an armed fault makes the fake answer. */
export interface FaultOutcome {
  status: number;
  body: Obj;
  headers: Record<string, string>;
  delayMs: number;
  /** Whether the fault only delays and lets the call through. */
  passThrough: boolean;
  /** Whether the call is carried out before the error is answered. */
  afterProcessing?: boolean;
}

interface ArmedFault {
  spec: FaultSpec;
  hits: number;
  removed: boolean;
}

const STATUS_ERRORS: Record<number, string> = {
  429: 'ratelimited',
  500: 'internal_error',
  502: 'internal_error',
  503: 'service_unavailable',
  504: 'request_timeout',
};

/** Injected faults, matched in the order they were added. */
export class Faults {
  private readonly armed: ArmedFault[] = [];

  add(spec: FaultSpec): FaultHandle {
    const fault: ArmedFault = { spec, hits: 0, removed: false };
    this.armed.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      remove: () => {
        fault.removed = true;
      },
    };
  }

  clear(): void {
    for (const fault of this.armed) fault.removed = true;
    this.armed.length = 0;
  }

  /** The outcome for a call to `method`, or undefined when no fault fires. */
  take(method: string): FaultOutcome | undefined {
    for (const fault of this.armed) {
      if (fault.removed) continue;
      const { spec } = fault;
      if (spec.method !== undefined) {
        const matches = typeof spec.method === 'string' ? spec.method === method : spec.method.test(method);
        if (!matches) continue;
      }
      if (spec.times !== undefined && fault.hits >= spec.times) continue;
      if (spec.rate !== undefined && Math.random() >= spec.rate) continue;
      fault.hits += 1;
      return outcomeOf(spec);
    }
    return undefined;
  }
}

function outcomeOf(spec: FaultSpec): FaultOutcome {
  const delayMs = spec.delayMs ?? 0;
  if (spec.status !== undefined) {
    const headers: Record<string, string> = {};
    if (spec.status === 429) headers['retry-after'] = String(spec.retryAfter ?? 1);
    return {
      status: spec.status,
      body: { ok: false, error: spec.error ?? STATUS_ERRORS[spec.status] ?? 'internal_error' },
      headers,
      delayMs,
      passThrough: false,
      ...(spec.afterProcessing ? { afterProcessing: true } : {}),
    };
  }
  if (spec.error !== undefined) {
    return { status: 200, body: { ok: false, error: spec.error }, headers: {}, delayMs, passThrough: false };
  }
  return { status: 200, body: {}, headers: {}, delayMs, passThrough: true };
}
