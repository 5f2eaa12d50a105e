import type { BlobStore } from '../ports/blob-store.js';
import { instanceKey } from './generation-layout.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A liveness document older than this many heartbeats belongs to a process that died. */
export const STALE_AFTER_BEATS = 4;

/** The process instance that owns a running generation, as its record names it. */
export interface InstanceRef {
  /** Unique per process start. */
  readonly instance: string;
  /** OS process id and host name, when the runtime has them (Node): a reader on the same host checks the pid. */
  readonly pid?: number;
  readonly host?: string;
  /**
   * Set when no process owns the generation yet because it was handed to a job runner that runs it
   * elsewhere (a Lambda worker): it counts as alive until this ISO time, past which a job that never
   * started reads as lost. The worker that starts it replaces this owner with its own.
   */
  readonly pendingUntil?: string;
}

/** What the runtime knows about its own process (Node passes pid, host name and a pid check). */
export interface ProcessInfo {
  readonly pid?: number;
  readonly host?: string;
  /** Whether a process with this pid runs on this host (Node: `process.kill(pid, 0)`). */
  readonly isProcessAlive?: (pid: number) => boolean;
}

interface LivenessDocument {
  readonly instance: string;
  readonly pid?: number;
  readonly host?: string;
  readonly started_at: string;
  readonly heartbeat_at: string;
  readonly stopped_at?: string;
}

/**
 * This process's liveness on the BlobStore (`instances/<id>.json`, re-written every heartbeat while it owns
 * generations) and the check of another instance's: dead when its document says it stopped, when it runs
 * on this host and its pid is gone (known at once after a crash), or when its heartbeat is stale.
 */
export class InstanceLiveness {
  readonly self: InstanceRef;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly startedAt: string;
  private beat: Promise<void> = Promise.resolve();
  private readonly tickListeners: (() => void)[] = [];

  constructor(
    private readonly store: BlobStore,
    instanceId: string,
    private readonly heartbeatMs: number,
    private readonly processInfo: ProcessInfo = {},
    private readonly now: () => number = Date.now,
  ) {
    this.self = {
      instance: instanceId,
      ...(processInfo.pid !== undefined ? { pid: processInfo.pid } : {}),
      ...(processInfo.host !== undefined ? { host: processInfo.host } : {}),
    };
    this.startedAt = new Date(now()).toISOString();
  }

  /** Calls `listener` on every heartbeat (the supervisor polls cancellation markers there). */
  onTick(listener: () => void): void {
    this.tickListeners.push(listener);
  }

  /** Starts heart-beating (the first beat is durable when this resolves); a no-op when already running. */
  async start(): Promise<void> {
    if (this.timer !== undefined) return this.beat;
    this.timer = setInterval(() => {
      this.beat = this.write();
      for (const listener of this.tickListeners) listener();
    }, this.heartbeatMs);
    this.timer.unref?.();
    this.beat = this.write();
    return this.beat;
  }

  /** Stops heart-beating; with `stopped`, writes that this instance is gone so readers know at once. */
  async stop(stopped = false): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.beat;
    if (stopped) await this.write(true);
  }

  /** Whether the instance that owns a record is still alive. */
  async isAlive(owner: InstanceRef): Promise<boolean> {
    if (owner.pendingUntil !== undefined) return this.now() < Date.parse(owner.pendingUntil);
    if (owner.instance === this.self.instance) return true;
    if (owner.pid !== undefined && owner.host !== undefined && owner.host === this.processInfo.host && this.processInfo.isProcessAlive) {
      if (!this.processInfo.isProcessAlive(owner.pid)) return false;
    }
    const blob = await this.store.get(instanceKey(owner.instance));
    if (!blob) return false;
    const document = JSON.parse(decoder.decode(blob.body)) as LivenessDocument;
    if (document.stopped_at) return false;
    return this.now() - Date.parse(document.heartbeat_at) <= STALE_AFTER_BEATS * this.heartbeatMs;
  }

  private async write(stopped = false): Promise<void> {
    const nowIso = new Date(this.now()).toISOString();
    const document: LivenessDocument = {
      ...this.self,
      started_at: this.startedAt,
      heartbeat_at: nowIso,
      ...(stopped ? { stopped_at: nowIso } : {}),
    };
    try {
      await this.store.put(instanceKey(this.self.instance), encoder.encode(`${JSON.stringify(document)}\n`), { contentType: 'application/json' });
    } catch {
      // a missed beat is survivable; STALE_AFTER_BEATS of them read as death
    }
  }
}
