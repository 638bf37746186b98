#include "dsp/beats.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "dsp/filters.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"

namespace av::dsp {

void cut_window(std::span<const float> signal, int64_t r, const BeatWindowSpec& spec, float* out) {
  const int64_t n = static_cast<int64_t>(signal.size());
  for (int i = 0; i < spec.length(); ++i)
    out[i] = signal[static_cast<size_t>(std::clamp<int64_t>(r - spec.before + i, 0, n - 1))];
}

void zscore_window(const float* raw, const BeatWindowSpec& spec, float* out) {
  const int len = spec.length();
  double sum = 0.0;
  for (int i = 0; i < len; ++i) sum += raw[i];
  const double mean = sum / len;
  double var = 0.0;
  for (int i = 0; i < len; ++i) var += (raw[i] - mean) * (raw[i] - mean);
  const double sd = std::max(std::sqrt(var / len), static_cast<double>(spec.stdFloor));
  for (int i = 0; i < len; ++i) out[i] = static_cast<float>((raw[i] - mean) / sd);
}

void extract_window(std::span<const float> signal, int64_t r, const BeatWindowSpec& spec, float* out) {
  cut_window(signal, r, spec, out);
  zscore_window(out, spec, out);
}

PreparedBeats prepare_beats(std::span<const float> samples, double fs, const BeatWindowSpec& spec,
                            const std::vector<int64_t>* referencePositions) {
  if (spec.before < 0 || spec.after <= 0 || spec.length() > 100000 || !(spec.stdFloor > 0.0f))
    throw Error("invalid_window", "beat window needs before >= 0, after > 0 and stdFloor > 0");
  PreparedBeats out;
  if (samples.empty()) return out;
  const std::vector<float> x360 = resample(samples, fs, kModelRate);
  const std::vector<float> cls = classification_signal(x360, kModelRate);
  const int64_t n = static_cast<int64_t>(samples.size()), n360 = static_cast<int64_t>(cls.size());

  if (referencePositions) {
    const int radius = static_cast<int>(std::lround(kRefineRadiusSec * kModelRate));
    out.sample360.reserve(referencePositions->size());
    for (int64_t p : *referencePositions) {
      if (p < 0 || p >= n) continue;
      out.sample360.push_back(refine_r_peak(cls, std::min(map_index(p, fs, kModelRate), n360 - 1), radius));
    }
  } else {
    out.sample360 = detect_qrs_360(x360, cls);
  }
  out.sample.reserve(out.sample360.size());
  for (int64_t p : out.sample360) out.sample.push_back(std::clamp<int64_t>(map_index(p, kModelRate, fs), 0, n - 1));
  const size_t len = static_cast<size_t>(spec.length());
  out.windows.resize(out.sample360.size() * len);
  for (size_t i = 0; i < out.sample360.size(); ++i) extract_window(cls, out.sample360[i], spec, out.windows.data() + i * len);
  return out;
}

}  // namespace av::dsp
