import type { Warning } from '../../ports/index.js';
import type { WireWarning } from './wire/generator-v1.js';

/** The port's warnings from the wire's (`unsupported` with a feature, anything else as `other`). */
export function fromWireWarnings(warnings: readonly WireWarning[] | undefined): Warning[] {
  return (warnings ?? []).map((warning): Warning => {
    if (warning.type === 'unsupported' && warning.feature !== undefined) {
      return { type: 'unsupported', feature: warning.feature, ...(warning.details === undefined ? {} : { details: warning.details }) };
    }
    return { type: 'other', message: warning.message ?? warning.details ?? JSON.stringify(warning) };
  });
}

/** `known` plus the warnings of `more` it does not have yet. */
export function mergeWarnings(known: readonly Warning[], more: readonly Warning[]): Warning[] {
  const merged = [...known];
  for (const warning of more) {
    if (!merged.some((existing) => JSON.stringify(existing) === JSON.stringify(warning))) merged.push(warning);
  }
  return merged;
}
