// Exports labelled beats for training through exactly the road inference takes: the record is read
// (av::io::read_wfdb_file) and every lead runs the chunked analysis (pipeline/stream.h) at the reference
// annotation positions, with a Classifier that records the model inputs it is given instead of classifying:
// the two-channel window (z-scored beat, beat minus the running template) and every context feature of
// dsp/beat_context.h. Only beats labelled N, L, R, A or V are written; RR and template context come from all
// annotated beats, as they would from all detected ones.
//
//   av-export-beats <wfdb dir> <out.bin> [--default-lead] [--template-widths W.f32] [--template-min-pre-local M]
//                   [record ...]
//   (default: every *.hea, sorted; all leads)
// --template-min-pre-local M: only beats with pre-RR >= M x the local mean RR join the running template
// (dsp::BeatWindowSpec::templateMinPreLocal, a model's input.context.templateMinPreLocal; default 0: every beat).
// --template-widths also writes float32 templateQrsWidthSec[count] (dsp::ContextBeat; NaN before a template), the
// width that a model's L rule reads, beat for beat as in out.bin.
//
// Output (little-endian), read by models/training/train.py:
//   "AVBEATS3", uint32 count, channels, windowLength, before, after, features, nameBytes, float32 templateMinPreLocal,
//   char names[nameBytes] (the feature names, each ending in '\0'),
//   float16 windows[count][channels][windowLength], float32 context[count][features],
//   int8 label[count] (0..4 = N L R A V), int16 record[count] (-1 if the name is not a number),
//   int8 lead[count] (signal index; the record's default lead is flagged in isDefault), int8 isDefault[count],
//   int64 sample[count] (the reference annotation position at the record's own rate).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/annotation.h"
#include "core/error.h"
#include "core/record.h"
#include "dsp/beat_context.h"
#include "io/files.h"
#include "pipeline/input_recorder.h"
#include "pipeline/stream.h"

namespace {

// IEEE binary16 from binary32, round to nearest even (the windows are well inside its range).
uint16_t to_half(float value) {
  uint32_t f;
  std::memcpy(&f, &value, 4);
  const uint32_t sign = (f >> 16) & 0x8000u;
  const int32_t exp = static_cast<int32_t>((f >> 23) & 0xff) - 127 + 15;
  uint32_t mant = f & 0x7fffffu;
  if (((f >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
  if (exp <= 0) {                                                // subnormal or zero
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - exp;
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent: correct
  return static_cast<uint16_t>(sign | half);
}

template <typename T>
void put(std::ofstream& out, const std::vector<T>& v) {
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

constexpr int kChannels = 2;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: av-export-beats <wfdb dir> <out.bin> [--default-lead] [--template-widths W.f32] "
                 "[--template-min-pre-local M] [record ...]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::vector<std::string> names;
  bool defaultLeadOnly = false;
  std::string widthsPath;
  double minPreLocal = 0;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--default-lead") {
      defaultLeadOnly = true;
    } else if (arg == "--template-widths") {
      if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0) {
        std::cerr << "error: usage: --template-widths needs an output path\n";
        return 2;
      }
      widthsPath = argv[++i];
    } else if (arg == "--template-min-pre-local") {
      char* end = nullptr;
      minPreLocal = i + 1 < argc ? std::strtod(argv[i + 1], &end) : -1;
      if (i + 1 >= argc || end == argv[i + 1] || *end != '\0' || !(minPreLocal >= 0 && minPreLocal <= 1)) {
        std::cerr << "error: usage: --template-min-pre-local needs a number in [0, 1]\n";
        return 2;
      }
      ++i;
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "error: usage: unknown option " << arg << "\n";
      return 2;
    } else {
      names.emplace_back(arg);
    }
  }
  if (names.empty()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".hea") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
  }
  if (names.empty()) {
    std::cerr << "error: no_records: no .hea files in " << dir << "\n";
    return 2;
  }

  av::dsp::BeatWindowSpec spec;
  spec.templateMinPreLocal = static_cast<float>(minPreLocal);
  std::vector<uint16_t> windows;
  std::vector<float> context, templateWidths;
  std::vector<int8_t> labels, leads, isDefault;
  std::vector<int16_t> records;
  std::vector<int64_t> samples;
  try {
    for (const auto& name : names) {
      const av::Record rec = av::io::read_wfdb_file((dir / (name + ".hea")).string());
      const int defaultLead = av::default_lead_index(rec);
      if (defaultLead < 0) throw av::Error("no_leads", "record has no leads", name);
      // Beat annotations in position order with their classes (stable: the order the stream reports them).
      std::vector<std::pair<int64_t, int>> beats;
      for (const auto& a : rec.annotations)
        if (av::is_beat_annotation(a.code) && a.sample >= 0 && a.sample < static_cast<int64_t>(rec.length()))
          beats.emplace_back(a.sample, av::class_index_for_code(a.code));
      std::stable_sort(beats.begin(), beats.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      std::vector<int64_t> positions;
      for (const auto& b : beats) positions.push_back(b.first);
      char* end = nullptr;
      const long number = std::strtol(name.c_str(), &end, 10);
      const int16_t id = (end && *end == '\0' && number >= 0 && number < 32768) ? static_cast<int16_t>(number) : -1;
      for (int lead = 0; lead < static_cast<int>(rec.leads.size()); ++lead) {
        if (defaultLeadOnly && lead != defaultLead) continue;
        av::pipeline::InputRecorder recorder(
            kChannels, {av::dsp::kContextFeatureNames.begin(), av::dsp::kContextFeatureNames.end()}, spec);
        av::pipeline::StreamOptions so;
        so.analyze.beats = av::pipeline::BeatSource::Reference;
        const av::pipeline::Result r = av::pipeline::analyze_chunked(
            std::make_unique<av::pipeline::RecordLeadSource>(rec, lead),
            {rec.name, rec.leads[static_cast<size_t>(lead)].name, lead, positions}, &recorder, so);
        if (r.beats.size() != beats.size())
          throw av::Error("beat_count_mismatch", "the analysis returned " + std::to_string(r.beats.size()) +
                                                     " beats for " + std::to_string(beats.size()) + " annotations", name);
        const size_t len = static_cast<size_t>(spec.length()) * kChannels;
        size_t kept = 0;
        for (size_t i = 0; i < beats.size(); ++i) {
          if (beats[i].second < 0) continue;
          for (size_t k = 0; k < len; ++k) windows.push_back(to_half(recorder.windows[i * len + k]));
          context.insert(context.end(), recorder.context.begin() + static_cast<std::ptrdiff_t>(i * av::dsp::kContextFeatureCount),
                         recorder.context.begin() + static_cast<std::ptrdiff_t>((i + 1) * av::dsp::kContextFeatureCount));
          labels.push_back(static_cast<int8_t>(beats[i].second));
          records.push_back(id);
          leads.push_back(static_cast<int8_t>(lead));
          isDefault.push_back(lead == defaultLead ? 1 : 0);
          samples.push_back(beats[i].first);
          templateWidths.push_back(r.beats[i].templateQrsWidthSec);
          ++kept;
        }
        std::cerr << name << " (" << rec.leads[static_cast<size_t>(lead)].name << "): " << kept << " beats\n";
      }
    }
  } catch (const av::Error& e) {
    std::cerr << "error: " << e.code() << ": " << e.what() << "\n";
    return 2;
  }

  std::string featureNames;
  for (auto n : av::dsp::kContextFeatureNames) featureNames.append(n).push_back('\0');
  std::ofstream out(argv[2], std::ios::binary);
  const uint32_t header[7] = {static_cast<uint32_t>(labels.size()), kChannels, static_cast<uint32_t>(spec.length()),
                              static_cast<uint32_t>(spec.before), static_cast<uint32_t>(spec.after),
                              static_cast<uint32_t>(av::dsp::kContextFeatureCount),
                              static_cast<uint32_t>(featureNames.size())};
  const float minPreLocalValue = static_cast<float>(minPreLocal);
  out.write("AVBEATS3", 8);
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  out.write(reinterpret_cast<const char*>(&minPreLocalValue), sizeof minPreLocalValue);
  out.write(featureNames.data(), static_cast<std::streamsize>(featureNames.size()));
  put(out, windows);
  put(out, context);
  put(out, labels);
  put(out, records);
  put(out, leads);
  put(out, isDefault);
  put(out, samples);
  if (!out) {
    std::cerr << "error: write_failed: " << argv[2] << "\n";
    return 2;
  }
  if (!widthsPath.empty()) {
    std::ofstream w(widthsPath, std::ios::binary);
    put(w, templateWidths);
    if (!w) {
      std::cerr << "error: write_failed: " << widthsPath << "\n";
      return 2;
    }
  }
  std::cerr << labels.size() << " beats from " << names.size() << " records -> " << argv[2] << "\n";
  return 0;
}
