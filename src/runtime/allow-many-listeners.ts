import { setMaxListeners } from 'node:events';

/**
 * Node's side of EngineDeps.allowManyListeners: no listener limit on this signal. Every port call in
 * flight and every queued task of a generation listens to its signals, and Node warns
 * (MaxListenersExceededWarning) past 10 listeners on one EventTarget.
 */
export function allowManyListeners(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}
