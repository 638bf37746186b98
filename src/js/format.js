// Formatting shared by the strip chart and the demo page.

/** "hh:mm:ss.mmm" (or "mm:ss.mmm" below an hour) for a time in seconds. */
export function formatTime(sec, withMs = true) {
  const neg = sec < 0;
  sec = Math.abs(sec);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const ss = withMs ? s.toFixed(3).padStart(6, '0') : String(Math.floor(s)).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  return (neg ? '−' : '') + (h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`);
}
