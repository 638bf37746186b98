// The one error type of the JS API, and the wrapper that turns a WASM module's answers into it.
export class ArrhythmiaVisionError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ArrhythmiaVisionError';
    this.code = code;
  }
}

// Core calls return a value or {avError, code, message}; raw throws (traps, Embind type errors) get a code too.
export function call(fn) {
  let value;
  try {
    value = fn();
  } catch (e) {
    if (e instanceof ArrhythmiaVisionError) throw e;
    const trap = typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
    throw new ArrhythmiaVisionError(trap ? 'internal_error' : 'invalid_argument', String(e?.message ?? e));
  }
  if (value && typeof value === 'object' && value.avError === true) throw new ArrhythmiaVisionError(value.code, value.message);
  return value;
}
