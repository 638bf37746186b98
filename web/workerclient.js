// The demo's client of its analysis worker (worker.js): requests and replies matched by id, progress messages,
// and a restart that rejects whatever was pending (cancelling a long analysis terminates the worker).
export function createWorkerClient(onFailure) {
  let worker = null;
  const pending = new Map();
  let nextId = 1;
  const rejectAll = (code, message) => {
    for (const p of pending.values()) p.reject(Object.assign(new Error(message), { code }));
    pending.clear();
  };
  const start = () => {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      const p = pending.get(data.id);
      if (!p) return;
      if ('progress' in data) return p.onProgress?.(data.progress);
      pending.delete(data.id);
      if (data.ok) p.resolve(data.value);
      else p.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      onFailure(e);
      rejectAll('worker_failed', 'the analysis engine stopped');
    };
  };
  start();
  return {
    call(type, args = {}, { onProgress, transfer = [] } = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        worker.postMessage({ id, type, ...args }, transfer);
      });
    },
    restart() {
      worker.terminate();
      rejectAll('cancelled', 'cancelled');
      start();
    },
  };
}
