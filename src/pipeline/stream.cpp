#include "pipeline/stream.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/annotation.h"
#include "core/error.h"
#include "core/insert_at.h"
#include "core/limits.h"
#include "core/stopwatch.h"
#include "dsp/beat_context.h"
#include "dsp/beats.h"
#include "dsp/filters.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"
#include "dsp/signal_quality.h"
#include "pipeline/intervals.h"
#include "pipeline/quality_gate.h"

namespace av::pipeline {
namespace {

// The indices that sort keys, equal keys in index order (what a stable sort gives). Both reorderings below use it,
// so the WASM build holds one sort, not two stable_sort instantiations.
struct KeyThenIndex {
  const int64_t* key;
  bool operator()(size_t a, size_t b) const { return key[a] < key[b] || (key[a] == key[b] && a < b); }
};
std::vector<size_t> stable_order(const std::vector<int64_t>& keys) {
  std::vector<size_t> idx(keys.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), KeyThenIndex{keys.data()});
  return idx;
}

constexpr double kFs = dsp::kModelRate;
// Reach of classification_signal() at 360 Hz: two centred moving averages of 0.6 s and a 0.1 s FIR, each
// side (filters.cpp). Taken twice over as a safety margin: exactness only needs margin >= reach.
const int64_t kClsReach = 2 * (2 * ((std::lround(0.6 * kFs) | 1) / 2) + (std::lround(0.1 * kFs) | 1) / 2);
const int kRadius = static_cast<int>(std::lround(dsp::kRefineRadiusSec * kFs));
const int64_t kRefineReach = 4 * kRadius + 1;  // refine_r_peak moves at most 4 x radius
// How far behind the samples pushed the detector usually reports a beat (look-ahead, learning period);
// beats further back (search-back after a long pause) take a slower path that recomputes their context.
const int64_t kDetectorLag = static_cast<int64_t>(3 * kFs);
// dsp::detect_flutter's windows at 360 Hz.
const int64_t kFlutterWindow = std::lround(4.0 * kFs), kFlutterStep = std::lround(kFs);

// A stretch of the classification signal: cls[i] is the value at absolute 360 Hz index first + i.
struct ClsBuffer {
  int64_t first = 0;
  std::vector<float> cls;
  int64_t end() const { return first + static_cast<int64_t>(cls.size()); }
};

}  // namespace

// ---- the chunked analysis ----

struct StreamAnalyzer::State {
  std::unique_ptr<SampleSource> source;
  StreamRecordInfo info;
  Classifier* classifier = nullptr;
  StreamOptions options;
  dsp::BeatWindowSpec spec;
  double fs = 0;
  int64_t n = 0, n360 = 0, chunk = 0, next = 0;  // next: first 360 Hz sample of the next chunk
  int64_t winBefore = 0, winAfter = 0;            // cls context a beat needs around its coarse position
  dsp::QrsDetector detector{kFs};
  std::vector<float> x360;  // scratch
  ClsBuffer cls;

  // Detected beats: appended refined peaks not yet final (could still be reordered), with their raw windows.
  int64_t lastAppended = INT64_MIN;
  struct Pending { int64_t r; std::vector<float> window; };
  std::vector<Pending> pending;
  size_t nextReference = 0;
  // Final detections (sorted) not yet decided, the flutter windows and the classification signal they use.
  dsp::QrsParams qrsParams;
  std::vector<Pending> ready;
  std::vector<int64_t> finalBeats;          // every final beat a flutter window may still count
  std::vector<std::pair<int64_t, int64_t>> flutter;  // flagged windows
  std::vector<std::pair<int64_t, int64_t>> flutterEpisodes;  // all flagged windows, merged (a finding)
  int64_t finalUpTo = INT64_MIN, decidedUpTo = INT64_MIN, nextWindow = 0;
  bool windowsDone = false;
  std::vector<float> hist;  // classification signal from histFirst on
  int64_t histFirst = 0;

  // Beats in final order waiting for a classifier batch, and the results so far.
  std::vector<int64_t> batchR;
  std::vector<float> batchWindows, batchContext, batchPWave, batchTemplateWidth, batchTemplateCorr;
  // Context models: channels per window, the model's features (indices into dsp::ContextFeature) and the
  // tracker that gives each beat its context (one beat of look-ahead); null for single-beat models.
  int channels = 1;
  std::vector<int> featureIndex;
  LabelRules rules;  // the model's label rules (Classifier::labelRules); none without context
  std::unique_ptr<dsp::BeatContextTracker> context;
  dsp::SignalQualityTracker quality;
  std::vector<int64_t> outR;  // 360 Hz peak per result beat (detect mode: the sort key)
  Result result;
  bool finished = false, outOfOrder = false;
  double classifyMs = 0, workMs = 0;

  // Classification signal over absolute 360 Hz indices [lo, hi) clipped to the recording, computed from
  // enough surrounding samples that every value equals the whole-record one.
  ClsBuffer compute_cls(int64_t lo, int64_t hi) {
    lo = std::max<int64_t>(0, lo);
    hi = std::min(n360, hi);
    const int64_t x0 = std::max<int64_t>(0, lo - kClsReach), x1 = std::min(n360, hi + kClsReach);
    const auto [i0, i1] = dsp::resample_input_range(x0, x1, n, fs, kFs);
    in.resize(static_cast<size_t>(i1 - i0));  // a scratch buffer: only growth is zero-filled
    source->read(i0, i1 - i0, in.data());
    x360 = dsp::resample_range(in, i0, n, fs, kFs, x0, x1);
    const std::vector<float> full = dsp::classification_signal(x360, kFs);
    ClsBuffer b;
    b.first = lo;
    b.cls.assign(full.data() + (lo - x0), full.data() + (hi - x0));  // pointers: one memcpy
    // Keep x360 positioned at x0 for the detector; callers read it through x360First.
    x360First = x0;
    return b;
  }
  int64_t x360First = 0;
  std::vector<float> in;  // compute_cls' input samples

  // True when every value a beat near 360 Hz index `c` needs lies in `b` (or the record ends there).
  bool covers(const ClsBuffer& b, int64_t c, int64_t reachBefore, int64_t reachAfter) const {
    return (b.first == 0 || c - reachBefore >= b.first) && (b.end() == n360 || c + reachAfter <= b.end());
  }

  // The raw window at refined peak r, from a buffer that covers it (values equal the whole record's
  // because cut_window clamps only at the buffer ends, which are the record's ends where it matters).
  std::vector<float> window_at(const ClsBuffer& b, int64_t r) const {
    std::vector<float> w(static_cast<size_t>(spec.length()));
    dsp::cut_window(b.cls, r - b.first, spec, w.data());
    return w;
  }

  void on_coarse(int64_t c) {
    ClsBuffer own;
    const ClsBuffer* b = &cls;
    if (!covers(cls, c, winBefore, winAfter)) {  // far behind (search-back): recompute its context
      own = compute_cls(c - winBefore - 1, c + winAfter + 1);
      b = &own;
    }
    const int64_t r = b->first + dsp::refine_r_peak(b->cls, c - b->first, kRadius);
    if (lastAppended != INT64_MIN && r - lastAppended < kRadius) return;  // two coarse hits on one complex
    lastAppended = r;
    pending.push_back({r, window_at(*b, r)});
  }

  // Moves pending beats below `upTo` (no later detection can precede them) to the final list, sorted and
  // unique, then lets the flutter check decide them.
  void finalize_pending(int64_t upTo) {
    if (!std::is_sorted(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) { return a.r < b.r; })) {
      std::vector<int64_t> rs;
      for (const Pending& p : pending) rs.push_back(p.r);
      std::vector<Pending> sorted;
      sorted.reserve(pending.size());
      for (size_t i : stable_order(rs)) sorted.push_back(std::move(pending[i]));
      pending.swap(sorted);
    }
    size_t k = 0;
    for (; k < pending.size() && pending[k].r < upTo; ++k) {
      const int64_t r = pending[k].r;
      const auto at = std::lower_bound(finalBeats.begin(), finalBeats.end(), r);
      if (at != finalBeats.end() && *at == r) continue;  // equal peaks: one beat
      if (r < decidedUpTo) {  // behind beats already decided (not expected): classify it on its own
        outOfOrder = true;
        enqueue(r, pending[k].window.data());
        continue;
      }
      insert_at(finalBeats, static_cast<size_t>(at - finalBeats.begin()), r);
      auto pos = std::lower_bound(ready.begin(), ready.end(), r, [](const Pending& p, int64_t v) { return p.r < v; });
      insert_at(ready, static_cast<size_t>(pos - ready.begin()), std::move(pending[k]));
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(k));
    finalUpTo = std::max(finalUpTo, upTo);
    check_flutter();
  }

  // The whole-record detector drops beats inside ventricular flutter (dsp::detect_flutter: 4 s windows,
  // 1 s apart, the last one ending at the last sample). Each window is evaluated here, on the same values,
  // once its samples and all beats inside it are final; a beat is decided once every window that can
  // hold it is evaluated.
  void check_flutter() {
    const bool atEnd = finalUpTo == INT64_MAX && next >= n360;
    while (!windowsDone) {
      int64_t a = nextWindow;
      const bool lastWindow = a + kFlutterWindow >= n360;
      if (lastWindow) a = n360 - kFlutterWindow;
      const int64_t e = a + kFlutterWindow;
      if (!atEnd && (e > finalUpTo || e > histFirst + static_cast<int64_t>(hist.size()))) break;
      std::vector<int64_t> rel;
      for (auto it = std::lower_bound(finalBeats.begin(), finalBeats.end(), a); it != finalBeats.end() && *it < e; ++it)
        rel.push_back(*it - a);
      const std::span<const float> window(hist.data() + (a - histFirst), static_cast<size_t>(kFlutterWindow));
      if (!dsp::detect_flutter(window, kFs, rel, qrsParams.flutterLeakage, qrsParams.flutterMaxRrSec).empty())
      {
        flutter.emplace_back(a, e);
        if (!flutterEpisodes.empty() && flutterEpisodes.back().second >= a) flutterEpisodes.back().second = e;
        else flutterEpisodes.emplace_back(a, e);
      }
      if (lastWindow) windowsDone = true;
      else nextWindow += kFlutterStep;
    }
    // Decide beats: those before the next window start (and before the end-aligned last window).
    const int64_t lastStart = std::max<int64_t>(0, n360 - kFlutterWindow);
    while (!ready.empty()) {
      const int64_t r = ready.front().r;
      if (!windowsDone && !(r < nextWindow && r < lastStart)) break;
      const bool inFlutter =
          std::any_of(flutter.begin(), flutter.end(), [r](const auto& w) { return r >= w.first && r < w.second; });
      if (!inFlutter) enqueue(r, ready.front().window.data());
      decidedUpTo = r + 1;
      ready.erase(ready.begin());
    }
    // Forget what no window or beat can need any more.
    const int64_t keep = windowsDone ? INT64_MAX : std::min(nextWindow, lastStart);
    const int64_t keepBeats = std::min(keep, decidedUpTo);  // later beats all lie beyond evaluated windows
    finalBeats.erase(finalBeats.begin(), std::lower_bound(finalBeats.begin(), finalBeats.end(), std::min(keep, keepBeats)));
    std::erase_if(flutter, [&](const auto& w) { return w.second <= keepBeats; });
    if (keep != INT64_MAX && keep - histFirst > static_cast<int64_t>(chunk)) {
      hist.erase(hist.begin(), hist.begin() + (keep - histFirst));
      histFirst = keep;
    }
  }

  // A decided beat (raw window) goes to the classifier batch, through the context tracker for context models.
  void enqueue(int64_t r360, const float* raw) {
    const size_t len = static_cast<size_t>(spec.length());
    if (!context) {
      batchR.push_back(r360);
      batchPWave.push_back(std::numeric_limits<float>::quiet_NaN());
      batchTemplateWidth.push_back(std::numeric_limits<float>::quiet_NaN());
      batchTemplateCorr.push_back(std::numeric_limits<float>::quiet_NaN());
      batchWindows.resize(batchWindows.size() + len);
      dsp::zscore_window(raw, spec, batchWindows.data() + batchWindows.size() - len);
      if (batchR.size() >= std::max<size_t>(1, options.analyze.batchSize)) flush_batch();
      return;
    }
    context->push(r360, std::vector<float>(raw, raw + len));
    take_context_beats();
  }

  void take_context_beats() {
    const size_t len = static_cast<size_t>(spec.length()), channelsLen = len * static_cast<size_t>(channels);
    for (dsp::ContextBeat& b : context->ready()) {
      batchR.push_back(b.r);
      batchPWave.push_back(b.pWaveCorr);
      batchTemplateWidth.push_back(b.templateQrsWidthSec);
      batchTemplateCorr.push_back(b.features[dsp::kTemplateCorrQrs]);
      batchWindows.resize(batchWindows.size() + channelsLen);
      batchContext.resize(batchContext.size() + featureIndex.size());
      dsp::context_model_input(b, spec, channels, featureIndex, batchWindows.data() + batchWindows.size() - channelsLen,
                               batchContext.data() + batchContext.size() - featureIndex.size());
      if (batchR.size() >= std::max<size_t>(1, options.analyze.batchSize)) flush_batch();
    }
    context->ready().clear();
  }

  // The network's label (argmax), then the model's rules on the beat's running template (comparisons are false
  // for NaN: no template yet, no rule). A label a rule changes is kept in modelLabel.
  void apply_label_rules(BeatResult& beat, float width, float corr) const {
    const auto& p = beat.probabilities;
    const auto best = [&](unsigned allowed) {  // bit c set: class c may be chosen
      int label = -1;
      for (int c = 0; c < 5; ++c)
        if ((allowed >> c & 1u) && (label < 0 || p[static_cast<size_t>(c)] > p[static_cast<size_t>(label)])) label = c;
      return label;
    };
    unsigned allowed = 31;
    const int network = best(allowed);
    const bool narrow = width < rules.lMinTemplateQrsSec;
    beat.label = network;
    if (beat.label == kClassL && narrow)  // the L rule: the best of N, A and V
      beat.label = best(allowed &= ~(1u << kClassL | 1u << kClassR));
    if (beat.label == kClassV && rules.vTemplateMatchCorrQrs > 0 && corr >= rules.vTemplateMatchCorrQrs &&
        width >= rules.vTemplateMatchMinQrsSec)  // the V rule: a beat shaped like its template is not ectopic
      beat.label = best(allowed &= ~(1u << kClassV | (narrow ? 1u << kClassL : 0u)));
    if (beat.label != network) beat.modelLabel = network;
  }

  void flush_batch() {
    if (batchR.empty()) return;
    const size_t count = batchR.size();
    std::vector<float> probs(count * 5);
    if (classifier) {
      const Stopwatch t;
      if (context) classifier->classify(batchWindows.data(), batchContext.data(), count, probs.data());
      else classifier->classify(batchWindows.data(), count, probs.data());
      classifyMs += t.elapsed_ms();
    }
    for (size_t i = 0; i < count; ++i) {
      BeatResult beat;
      if (classifier) {
        std::copy_n(probs.data() + i * 5, 5, beat.probabilities.begin());
        apply_label_rules(beat, batchTemplateWidth[i], batchTemplateCorr[i]);
      }
      beat.pWaveCorr = batchPWave[i];
      beat.templateQrsWidthSec = batchTemplateWidth[i];
      outR.push_back(batchR[i]);
      result.beats.push_back(beat);
    }
    batchR.clear();
    batchPWave.clear();
    batchTemplateWidth.clear();
    batchTemplateCorr.clear();
    batchWindows.clear();
    batchContext.clear();
  }

  void run_chunk() {
    const Stopwatch t;
    const int64_t a = next, b = std::min(n360, next + chunk);
    const bool reference = options.analyze.beats == BeatSource::Reference;
    const int64_t back = reference ? winBefore : kDetectorLag + winBefore;
    cls = compute_cls(a - back - 1, b + winAfter + 1);
    quality.push(std::span<const float>(x360).subspan(static_cast<size_t>(a - x360First), static_cast<size_t>(b - a)));
    if (!reference) {
      std::vector<int64_t> coarse;
      detector.push(std::span<const float>(x360).subspan(static_cast<size_t>(a - x360First), static_cast<size_t>(b - a)),
                    coarse);
      if (b == n360) detector.finish(coarse);
      for (int64_t c : coarse) on_coarse(c);
      hist.insert(hist.end(), cls.cls.data() + (a - cls.first), cls.cls.data() + (b - cls.first));
      next = b;
      // Later detections lie at or after settled(); refinement moves a peak by at most kRefineReach.
      finalize_pending(b == n360 ? INT64_MAX : detector.settled() - kRefineReach - 1);
    } else {
      const auto& refs = info.referenceBeats;
      for (; nextReference < refs.size(); ++nextReference) {
        const int64_t m = std::min(dsp::map_index(refs[nextReference], fs, kFs), n360 - 1);
        if (m >= b) break;
        const int64_t r = cls.first + dsp::refine_r_peak(cls.cls, m - cls.first, kRadius);
        enqueue(r, window_at(cls, r).data());
      }
    }
    next = b;
    if (next >= n360) {
      quality.finish();
      if (context) {
        context->finish();
        take_context_beats();
      }
      flush_batch();
    }
    workMs += t.elapsed_ms();
    if (options.analyze.progress) options.analyze.progress("analyze", static_cast<double>(next) / static_cast<double>(n360));
  }

  void finish() {
    const Stopwatch t;
    finished = true;
    // Results in peak order (already so unless a detection came out of order), one per peak.
    if (outOfOrder) {
      const std::vector<size_t> idx = stable_order(outR);
      std::vector<BeatResult> beats;
      std::vector<int64_t> rs;
      for (size_t i : idx) {
        if (!rs.empty() && rs.back() == outR[i]) continue;
        rs.push_back(outR[i]);
        beats.push_back(result.beats[i]);
      }
      outR.swap(rs);
      result.beats.swap(beats);
    }
    const bool reference = options.analyze.beats == BeatSource::Reference;
    for (size_t i = 0; i < result.beats.size(); ++i)
      result.beats[i].sample = reference ? info.referenceBeats[i]
                                         : std::clamp<int64_t>(dsp::map_index(outR[i], kFs, fs), 0, n - 1);
    QualityVerdict verdict = judge_quality(quality.segments(), fs, n, outR, info.lead, flutterEpisodes);
    result.warnings = std::move(verdict.warnings);
    result.summary = summarize_beats(result.beats, fs, n, options.analyze.summary, std::move(verdict.quality));
    result.summary.intervals = measure_intervals(*source, result.beats);
    // Flutter found inside unusable signal is noise the detector took for flutter, not a finding.
    for (const auto& [a, b] : flutterEpisodes) {
      const SampleSpan f{std::clamp<int64_t>(dsp::map_index(a, kFs, fs), 0, n), std::clamp<int64_t>(dsp::map_index(b, kFs, fs), 0, n)};
      const auto& unusable = result.summary.signalQuality.unusable;
      if (std::none_of(unusable.begin(), unusable.end(), [&](const SampleSpan& u) { return u.start < f.end && u.end > f.start; }))
        result.summary.ventricularFlutter.push_back(f);
    }
    workMs += t.elapsed_ms();
    result.timing.classifyMs = classifyMs;
    result.timing.detectMs = workMs - classifyMs;
    result.timing.totalMs = options.analyze.readMs + workMs;
    if (options.analyze.progress) options.analyze.progress("done", 1.0);
  }
};

StreamAnalyzer::StreamAnalyzer(std::unique_ptr<SampleSource> source, StreamRecordInfo info, Classifier* classifier,
                               StreamOptions options)
    : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.fs = source->sample_rate();
  if (!(s.fs > 0) || !std::isfinite(s.fs))
    throw Error("invalid_sample_rate", "the record's sampling rate must be a positive number");
  limits::check_analysis_sample_rate(s.fs);
  s.n = source->length();
  if (s.n <= 0) throw Error("empty_signal", "lead '" + info.lead + "' has no samples");
  if (options.analyze.beats == BeatSource::Reference) {
    auto& refs = info.referenceBeats;
    refs.erase(std::remove_if(refs.begin(), refs.end(), [&](int64_t p) { return p < 0 || p >= s.n; }), refs.end());
    std::sort(refs.begin(), refs.end());
    if (refs.empty())
      throw Error("no_reference_annotations", "--beats reference needs beat annotations (an .atr beside the header)");
  }
  s.source = std::move(source);
  s.info = std::move(info);
  s.classifier = classifier;
  s.options = std::move(options);
  s.spec = classifier ? classifier->windowSpec() : dsp::BeatWindowSpec{};
  if (s.spec.before < 0 || s.spec.after <= 0 || s.spec.length() > 100000 || !(s.spec.stdFloor > 0.0f))
    throw Error("invalid_window", "beat window needs before >= 0, after > 0 and stdFloor > 0");
  if (classifier) {
    s.channels = classifier->inputChannels();
    if (s.channels < 1 || s.channels > 2)
      throw Error("model_input_invalid", "a model takes 1 or 2 input channels, not " + std::to_string(s.channels));
    for (const std::string& f : classifier->contextFeatures()) {
      const int k = dsp::context_feature_index(f);
      if (k < 0) throw Error("model_input_invalid", "the model asks for an unknown context feature '" + f + "'");
      s.featureIndex.push_back(k);
    }
    if (s.channels > 1 || !s.featureIndex.empty()) s.context = std::make_unique<dsp::BeatContextTracker>(s.spec);
    if (s.context && s.options.analyze.labelRules) s.rules = classifier->labelRules();
  }
  s.n360 = dsp::resampled_length(s.n, s.fs, kFs);
  const double chunkSec = std::isfinite(s.options.chunkSeconds) ? std::max(1.0, s.options.chunkSeconds) : 1e9;
  s.chunk = static_cast<int64_t>(std::min(chunkSec * kFs, 1e15));
  s.windowsDone = s.n360 < kFlutterWindow || !(s.qrsParams.flutterLeakage > 0);  // as detect_flutter decides
  s.winBefore = kRefineReach + s.spec.before + 1;
  s.winAfter = kRefineReach + s.spec.after + 1;

  Result& r = s.result;
  r.record = s.info.record;
  r.sampleRate = s.fs;
  r.lead = s.info.lead;
  r.leadIndex = s.info.leadIndex;
  r.durationSec = static_cast<double>(s.n) / s.fs;
  r.beatSource = s.options.analyze.beats;
  r.timing.readMs = s.options.analyze.readMs;
  if (classifier) {
    r.hasModel = true;
    r.modelName = classifier->name();
    r.modelParameters = classifier->parameters();
  }
}

StreamAnalyzer::~StreamAnalyzer() = default;

bool StreamAnalyzer::done() const { return s_->finished; }

double StreamAnalyzer::progress() const {
  return s_->finished ? 1.0 : static_cast<double>(s_->next) / static_cast<double>(s_->n360);
}

bool StreamAnalyzer::step() {
  if (s_->finished) return false;
  s_->run_chunk();
  if (s_->next >= s_->n360) s_->finish();
  return !s_->finished;
}

Result StreamAnalyzer::result() {
  while (step()) {
  }
  return s_->result;
}

Result analyze_chunked(std::unique_ptr<SampleSource> source, StreamRecordInfo info, Classifier* classifier,
                       const StreamOptions& options) {
  StreamAnalyzer a(std::move(source), std::move(info), classifier, options);
  return a.result();
}

}  // namespace av::pipeline
