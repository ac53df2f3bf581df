/**
 * Live project events (GET /api/projects/{pid}/events, backend/events/routes.py).
 * One shared stream per project however many components listen. Read with fetch
 * rather than EventSource: the backend names each event by kind (annotation.create,
 * code.updated, ...) and EventSource cannot listen to "any name".
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { createSseParser } from './sse';
import { projectPath, useProjectId } from './project';

export interface ProjectEvent {
  kind: string; // e.g. "annotation.create"
  id: number | null; // the entity's id
  user_id: number | null;
  at: string;
  document_id?: number;
  version?: number;
  [key: string]: unknown;
}

export type LiveStatus = 'off' | 'connecting' | 'live' | 'retrying';
type Listener = (e: ProjectEvent) => void;

class EventHub {
  private listeners = new Set<Listener>();
  private statusListeners = new Set<() => void>();
  private controller: AbortController | null = null;
  private pid: number | null = null;
  private lastId: string | null = null;
  private retryMs = 2000;
  private timer: ReturnType<typeof setTimeout> | null = null;
  status: LiveStatus = 'off';

  subscribe(pid: number, fn: Listener): () => void {
    if (this.pid !== pid) this.stop();
    this.pid = pid;
    this.listeners.add(fn);
    if (!this.controller && !this.timer) this.connect();
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
  }

  private stop() {
    this.controller?.abort();
    this.controller = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastId = null;
    this.setStatus('off');
  }

  private async connect() {
    const pid = this.pid;
    if (pid == null) return;
    const controller = new AbortController();
    this.controller = controller;
    this.setStatus('connecting');
    const query = this.lastId ? `?after=${encodeURIComponent(this.lastId)}` : '';
    try {
      const response = await fetch(projectPath('/events', pid) + query, {
        credentials: 'same-origin',
        headers: { Accept: 'text/event-stream' },
        signal: controller.signal,
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
          let payload: ProjectEvent;
          try {
            payload = { ...JSON.parse(message.data), kind: message.event };
          } catch {
            continue;
          }
          this.listeners.forEach((fn) => fn(payload));
        }
        if (parser.retry) this.retryMs = parser.retry;
      }
    } catch {
      if (controller.signal.aborted) return;
    }
    if (this.controller !== controller) return;
    this.controller = null;
    this.setStatus('retrying');
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.listeners.size) this.connect();
    }, this.retryMs);
  }
}

export const hub = new EventHub();

/** Calls `handler` for every event of the current project (handler may change freely). */
export function useProjectEvents(handler: Listener): void {
  const pid = useProjectId();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (pid == null) return;
    return hub.subscribe(pid, (e) => ref.current(e));
  }, [pid]);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(hub.onStatus, () => hub.status);
}
