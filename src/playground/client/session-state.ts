/** The part of the Web Storage API the page uses (sessionStorage in the browser; a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEYS = { apiKey: 'diffalign.apiKey', consent: 'diffalign.consent', appUser: 'diffalign.appUser', session: 'diffalign.session' } as const;

/**
 * What the page remembers for this browser tab only (sessionStorage: gone when the tab closes): the API
 * key, the consent switch (off until the user turns it on) and a pseudonymous user id made up here.
 */
export class SessionState {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly randomId: () => string,
  ) {}

  /** The API key entered on the page, if any. */
  get apiKey(): string | undefined {
    return this.storage.getItem(KEYS.apiKey) ?? undefined;
  }

  set apiKey(key: string | undefined) {
    if (key === undefined || key.trim() === '') this.storage.removeItem(KEYS.apiKey);
    else this.storage.setItem(KEYS.apiKey, key.trim());
  }

  /** Whether the user agreed that their picks may be stored and used to train models. */
  get consent(): boolean {
    return this.storage.getItem(KEYS.consent) === 'yes';
  }

  set consent(value: boolean) {
    this.storage.setItem(KEYS.consent, value ? 'yes' : 'no');
  }

  /** The pseudonymous `app_user` of this tab's feedback and generations (`pg-` and random hex, never a name). */
  get appUser(): string {
    return this.remembered(KEYS.appUser, () => `pg-${this.randomId()}`);
  }

  /** An id of this tab's session, part of every `client_event_id`. */
  get sessionId(): string {
    return this.remembered(KEYS.session, this.randomId);
  }

  /** A fresh pseudonymous user (after an erasure request, say). */
  renewAppUser(): string {
    this.storage.removeItem(KEYS.appUser);
    return this.appUser;
  }

  private remembered(key: string, make: () => string): string {
    const known = this.storage.getItem(key);
    if (known) return known;
    const made = make();
    this.storage.setItem(key, made);
    return made;
  }
}
