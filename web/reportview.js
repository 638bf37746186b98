// The demo's Report view: the Holter report (src/js/report.js) of the current result in an iframe, with Print,
// Save and Close. The report's stylesheet is allowed by its hash in index.html's CSP (srcdoc inherits the page's
// policy); the frame is sandboxed without scripts (the report has none).
import { renderReport } from '../src/js/report.js';
import { download } from './exporting.js';
import { $ } from './dom.js';

/**
 * state: the page's state ({result, record, lead}); chart: its StripChart, whose samples are the analysed lead's.
 * Returns {refresh()}, to call after each analysis (redraws an open report).
 */
export function initReportView(state, chart) {
  const card = $('report-card');
  const frame = $('report-frame');
  // Layout through the CSSOM (the CSP allows no style attributes): full width, after the other cards.
  Object.assign(card.style, { gridColumn: '1 / -1', order: '6' });
  Object.assign(frame.style, { display: 'block', width: '100%', height: '80vh', border: '1px solid #e5e7eb', background: '#fff' });
  let html = '';

  const render = () => {
    if (!state.result || !state.record) return false;
    const lead = state.lead;
    const record = { name: state.record.name, sampleRate: state.record.sampleRate, samples: (i) => (i === lead ? chart.samples : null) };
    html = renderReport(state.result, record);
    frame.srcdoc = html;
    return true;
  };

  $('open-report').addEventListener('click', () => {
    if (!render()) return;
    card.hidden = false;
    card.scrollIntoView({ block: 'start' });
  });
  $('report-close').addEventListener('click', () => { card.hidden = true; });
  $('report-print').addEventListener('click', () => frame.contentWindow?.print());
  $('report-save').addEventListener('click', () => html &&
    download(`${state.record?.name ?? 'record'}-holter-report.html`, html, 'text/html'));

  return {
    refresh() {
      if (card.hidden) html = '';
      else render();
    },
  };
}
