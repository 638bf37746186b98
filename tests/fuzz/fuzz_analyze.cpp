// Fuzzes the whole path from arbitrary bytes to classified beats: the reader is picked from the bytes
// ("0       " = EDF; a header text, NUL and signal bytes = WFDB; else CSV at 360 Hz unless it has a time
// column), then beat detection, windows and the V1 model.
#include "dsp/beats.h"
#include "fuzz_common.h"
#include "io/csv.h"
#include "io/edf.h"
#include "io/wfdb_signal.h"
#include "nn/engine.h"
#include "nn/model.h"

namespace {

av::Record read_any(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.substr(0, 8) == "0       ") return av::io::read_edf(std::span<const uint8_t>(data, size));
  const auto [headerText, bytes] = av::fuzz::split_at_nul(data, size);
  if (headerText.size() == size) return av::io::read_csv(text, {360.0, '\0'});
  return av::io::read_wfdb(headerText, [bytes = bytes](std::string_view) {
    return std::optional<std::span<const uint8_t>>(bytes);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const av::nn::Model model = av::nn::Model::load(
      [] { auto j = av::fuzz::read_source_file("models/arrhythminet-v1.json"); return std::string(j.begin(), j.end()); }(),
      av::fuzz::read_source_file("models/arrhythminet-v1.bin"));
  static av::nn::Engine engine(model, av::nn::default_backend(), 64);
  try {
    const av::Record rec = read_any(data, size);
    if (rec.leads.empty()) return 0;
    const auto& info = model.info();
    const av::dsp::BeatWindowSpec spec{info.windowBefore, info.windowAfter, static_cast<float>(info.stdFloor)};
    const av::dsp::PreparedBeats beats = av::dsp::prepare_beats(rec.leads[0].samples, rec.sampleRate, spec);
    std::vector<float> probs(beats.count() * engine.classes());
    engine.run(beats.windows.data(), beats.count(), probs.data());
    for (float p : probs)
      if (!(p >= 0.0f && p <= 1.0f)) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
