import { describe, expect, it } from 'vitest';
import { type KeyValueStorage, SessionState } from '../../../src/playground/client/session-state.js';

function memoryStorage(): KeyValueStorage & { readonly items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}

describe('SessionState (what the page keeps for the tab)', () => {
  it('keeps the API key trimmed, and forgets it when cleared or blank', () => {
    // Prepare
    const state = new SessionState(memoryStorage(), () => 'abc');
    // Act
    state.apiKey = '  da_key  ';
    const kept = state.apiKey;
    state.apiKey = ' ';
    // Assess
    expect(kept).toBe('da_key');
    expect(state.apiKey).toBeUndefined();
  });

  it('starts with consent off, remembers the switch, and makes up one pseudonymous user until renewed', () => {
    // Prepare
    let counter = 0;
    const storage = memoryStorage();
    const state = new SessionState(storage, () => `id${(counter += 1)}`);
    // Act
    const before = state.consent;
    state.consent = true;
    const user = state.appUser;
    const sameUser = new SessionState(storage, () => 'other').appUser;
    const renewed = state.renewAppUser();
    // Assess
    expect(before).toBe(false);
    expect(new SessionState(storage, () => 'x').consent).toBe(true);
    expect(user).toBe('pg-id1');
    expect(sameUser).toBe('pg-id1');
    expect(renewed).toBe('pg-id2');
  });
});
