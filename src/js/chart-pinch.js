// Pinch to zoom on the strip chart's detail canvas: two touch pointers zoom the view about the sample between them
// (the canvas has touch-action: none, so the page itself does not zoom). While pinching, chart.pinching is true and
// the chart's own one-pointer drag and click are off.

/** Listens on `canvas` for the chart until `signal` aborts. */
export function listenPinch(canvas, chart, signal) {
  const touches = new Map();   // pointerId -> clientX
  let pinch = null;
  const plot = () => {
    const r = canvas.getBoundingClientRect();
    const left = r.left + chart.plotLeftCss;
    return { left, width: Math.max(1, r.right - left) };
  };
  const pair = () => [...touches.values()];
  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch' || !chart.samples) return;
    touches.set(e.pointerId, e.clientX);
    if (touches.size !== 2) return;
    const [a, b] = pair();
    const { left, width } = plot();
    const f = ((a + b) / 2 - left) / width;
    const { start, end } = chart.view;
    pinch = { distance: Math.max(8, Math.abs(a - b)), f, center: start + f * (end - start), span: end - start };
    chart.pinching = true;
  }, { signal });
  canvas.addEventListener('pointermove', (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, e.clientX);
    if (!pinch || touches.size !== 2) return;
    const [a, b] = pair();
    const span = (pinch.span * pinch.distance) / Math.max(8, Math.abs(a - b));
    const start = pinch.center - pinch.f * span;
    chart.setView(start, start + span);
  }, { signal });
  const end = (e) => {
    touches.delete(e.pointerId);
    if (touches.size < 2) pinch = null;
    if (!touches.size) chart.pinching = false;
  };
  canvas.addEventListener('pointerup', end, { signal });
  canvas.addEventListener('pointercancel', end, { signal });
}
