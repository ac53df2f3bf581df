/** One file per request so each has its own progress and its own refusal (413, 415...). */
import { HttpError } from 'react-admin';
import { messageOf } from '../api/errors';
import { unsafeHeaders } from '../api/http';
import type { IngestJob } from '../api/types';

export interface UploadOptions {
  source_type?: string;
  document_type?: string;
  organisation?: string;
}

export function uploadFile(
  url: string,
  file: File,
  options: UploadOptions,
  onProgress: (fraction: number) => void,
): { promise: Promise<IngestJob[]>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<IngestJob[]>((resolve, reject) => {
    const form = new FormData();
    form.append('files', file, file.name);
    for (const [k, v] of Object.entries(options)) if (typeof v === 'string' && v) form.append(k, v);
    xhr.open('POST', url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(unsafeHeaders('POST'))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = xhr.responseText;
      }
      // POST /ingest answers 202 with the jobs it queued (IngestJobPublic[], see api/schema.ts).
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as IngestJob[]);
      else reject(new HttpError(messageOf(xhr.status, body), xhr.status, body));
    };
    xhr.onerror = () => reject(new HttpError(messageOf(0, null), 0, null));
    xhr.onabort = () => reject(new HttpError('Upload cancelled', 0, null));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Runs `tasks` with at most `limit` at once. */
export async function runLimited(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
