/**
 * Live project events (GET /api/projects/{pid}/events, backend/events/routes.py).
 * One shared stream per project however many components and tabs listen. Read with fetch
 * rather than EventSource: the backend names each event by kind (annotation.create,
 * code.updated, ...) and EventSource cannot listen to "any name".
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { createSseParser } from './sse';
import { projectPath, useProjectId } from './project';

/** What the backend sends for each event (backend/events/service.py): more fields per kind. */
export interface EventFields {
  id: number | null; // the entity's id
  user_id: number | null;
  at: string;
  document_id?: number;
  version?: number;
  [key: string]: unknown;
}

export type ProjectEvent = EventFields & { kind: string }; // kind e.g. "annotation.create"

export type LiveStatus = 'off' | 'connecting' | 'live' | 'retrying';
type Listener = (e: ProjectEvent) => void;

/** What tabs of one browser say to each other about a project's stream. */
type TabMessage =
  | { type: 'event'; event: ProjectEvent; lastId: string | null }
  | { type: 'status'; status: LiveStatus }
  | { type: 'hello' };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * One stream per project per browser, however many tabs: browsers allow six HTTP/1.1
 * connections per host, so a stream per tab hung the app at the sixth tab. The tab
 * holding the Web Lock `ew.events.<pid>` reads the stream and relays each event and its
 * status to the others over a BroadcastChannel; when it closes, the lock passes to a
 * waiting tab, which resumes after the last event id every tab has seen (no gap).
 * Without Web Locks (plain HTTP off localhost is not a secure context) each tab reads
 * its own stream, as before.
 */
class EventHub {
  private listeners = new Set<Listener>();
  private statusListeners = new Set<() => void>();
  private pid: number | null = null;
  private lease: AbortController | null = null; // ends this tab's leadership or its wait
  private channel: BroadcastChannel | null = null;
  private leading = false;
  private lastId: string | null = null;
  private retryMs = 2000;
  status: LiveStatus = 'off';

  subscribe(pid: number, fn: Listener): () => void {
    if (this.pid !== pid) this.stop();
    this.pid = pid;
    this.listeners.add(fn);
    if (!this.lease) this.start(pid);
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size) this.stop();
    };
  }

  onStatus = (fn: () => void) => {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  };

  private setStatus(status: LiveStatus) {
    this.status = status;
    this.statusListeners.forEach((fn) => fn());
    if (this.leading) this.channel?.postMessage({ type: 'status', status } satisfies TabMessage);
  }

  private start(pid: number) {
    const lease = new AbortController();
    this.lease = lease;
    this.setStatus('connecting');
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks || typeof BroadcastChannel === 'undefined') {
      void this.lead(pid, lease.signal);
      return;
    }
    const channel = new BroadcastChannel(`ew.events.${pid}`);
    this.channel = channel;
    channel.onmessage = (m: MessageEvent<TabMessage>) => this.fromTab(m.data);
    channel.postMessage({ type: 'hello' } satisfies TabMessage);
    // The callback holds the lock until leadership ends; aborting a wait rejects.
    locks.request(`ew.events.${pid}`, { signal: lease.signal }, () => this.lead(pid, lease.signal)).catch(() => {});
  }

  private fromTab(message: TabMessage) {
    if (message.type === 'hello') {
      if (this.leading) this.setStatus(this.status);
    } else if (!this.leading && message.type === 'status') {
      this.setStatus(message.status);
    } else if (!this.leading && message.type === 'event') {
      this.lastId = message.lastId;
      this.listeners.forEach((fn) => fn(message.event));
    }
  }

  private stop() {
    this.lease?.abort();
    this.lease = null;
    this.channel?.close();
    this.channel = null;
    this.leading = false;
    this.lastId = null;
    this.setStatus('off');
  }

  /** Reads the stream, reconnecting after a break, until the lease ends. */
  private async lead(pid: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return; // granted as this tab gave up waiting (another project now)
    this.leading = true;
    while (!signal.aborted) {
      await this.readOnce(pid, signal);
      if (signal.aborted) break;
      this.setStatus('retrying');
      await sleep(this.retryMs, signal);
    }
  }

  private async readOnce(pid: number, signal: AbortSignal): Promise<void> {
    this.setStatus('connecting');
    const query = this.lastId ? `?after=${encodeURIComponent(this.lastId)}` : '';
    try {
      const response = await fetch(projectPath('/events', pid) + query, {
        credentials: 'same-origin',
        headers: { Accept: 'text/event-stream' },
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.setStatus('live');
      const parser = createSseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          if (message.id) this.lastId = message.id;
          const event = parseEvent(message.event, message.data);
          if (event) this.dispatch(event);
        }
        if (parser.retry) this.retryMs = parser.retry;
      }
    } catch {
      /* a break: the caller reconnects unless the lease ended */
    }
  }

  private dispatch(event: ProjectEvent) {
    this.listeners.forEach((fn) => fn(event));
    this.channel?.postMessage({ type: 'event', event, lastId: this.lastId } satisfies TabMessage);
  }
}

function parseEvent(kind: string, data: string): ProjectEvent | null {
  try {
    const parsed: unknown = JSON.parse(data);
    if (!parsed || typeof parsed !== 'object') return null;
    // The backend writes every event's data as EventFields (backend/events/service.py).
    return { ...(parsed as EventFields), kind };
  } catch {
    return null;
  }
}

export const hub = new EventHub();

/** Calls `handler` for every event of the current project (handler may change freely). */
export function useProjectEvents(handler: Listener): void {
  const pid = useProjectId();
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    if (pid == null) return;
    return hub.subscribe(pid, (e) => ref.current(e));
  }, [pid]);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(hub.onStatus, () => hub.status);
}
