// The agreement card: detection and label agreement with the reference annotations, the five-class confusion
// matrix, and the AAMI class scores (N, S = SVEB, V = VEB, F, Q; stats.js aamiScores).
import { CLASSES, aamiScores } from './stats.js';

const pct = (x, digits = 2) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : '–');

function confusionTable(label, rows, cols, matrix) {
  let html = `<table class="confusion" aria-label="${label}"><thead><tr><th scope="col">ref \\ pred</th>` +
    cols.map((c) => `<th scope="col">${c}</th>`).join('') + '</tr></thead><tbody>';
  matrix.forEach((row, r) => {
    html += `<tr><th scope="row">${rows[r]}</th>` + row.map((v, c) =>
      `<td class="${v ? (rows[r] === cols[c] ? 'diag' : 'off') : 'zero'}">${v}</td>`).join('') + '</tr>';
  });
  return html + '</tbody></table>';
}

function aamiTable(s) {
  let html = '<table class="confusion aami" aria-label="AAMI classes: sensitivity and positive predictivity" data-testid="aami">' +
    '<thead><tr><th scope="col">AAMI class</th><th scope="col">Reference</th><th scope="col">Predicted</th>' +
    '<th scope="col">TP</th><th scope="col">Se</th><th scope="col">PPV</th></tr></thead><tbody>';
  const names = { N: 'N', S: 'S (SVEB)', V: 'V (VEB)', F: 'F', Q: 'Q' };
  for (const c of s.perClass) {
    html += `<tr data-class="${c.class}"><th scope="row">${names[c.class]}</th><td>${c.reference}</td><td>${c.predicted}</td>` +
      `<td>${c.tp}</td><td>${pct(c.se, 1)}</td><td>${pct(c.ppv, 1)}</td></tr>`;
  }
  return html + '</tbody></table>';
}

/** Fills the card for agreement() result `a` over the analysed beats. */
export function renderAgreement(box, note, a, beats) {
  note.textContent = `Detected beats matched to the .atr reference beats within ${a.toleranceMs} ms; ` +
    'labels compared on matched beats whose reference is N, L, R, A or V. In the chart, hollow markers are detections ' +
    'without a reference beat, boxed reference symbols were missed and red ones disagree.';
  const stat = (label, value, sub) => `<div class="stat"><div class="stat-value">${value}</div>` +
    `<div class="stat-label">${label}</div><div class="muted">${sub}</div></div>`;
  const others = Object.entries(a.otherReference).map(([k, v]) => `${k}: ${v}`).join(', ');
  let html = '<div class="stats">' +
    stat('Sensitivity', pct(a.sensitivity), `${a.truePositives} of ${a.referenceBeats} reference beats`) +
    stat('Positive predictivity', pct(a.positivePredictivity), `${a.falsePositives} false detections`) +
    stat('Label agreement', pct(a.labelAgreement), `${a.labelCompared} matched N/L/R/A/V beats`) +
    '</div>';
  html += confusionTable('Confusion matrix: reference rows, predicted columns', CLASSES, CLASSES, a.confusion);
  if (others) html += `<p class="muted">Matched reference beats of other types (not compared): ${others}</p>`;
  const s = aamiScores(beats, a);
  html += '<h3>AAMI classes</h3><div class="aami-row">' + aamiTable(s) +
    confusionTable('AAMI confusion matrix: reference rows, predicted columns', s.classes, s.classes, s.confusion) + '</div>' +
    '<p class="muted aami-note">Reference N L R e j (B) → N, A a J S (n) → S, V E (r) → V, F → F, / f Q → Q; predicted ' +
    'N L R → N, A → S, V → V. Se counts missed reference beats, PPV false detections. The model has no F or Q class: ' +
    'those reference beats are counted, each one as an error of the class it was given.</p>';
  box.innerHTML = html;
}
