// Exports labelled beat windows for training, through exactly the reading, filtering, resampling, R-peak
// refinement, windowing and z-scoring code that inference uses (av::io::read_wfdb_file,
// av::dsp::prepare_beats with the reference annotation positions), on each record's default lead.
// Only beats labelled N, L, R, A or V are kept.
//
//   av-export-beats <wfdb dir> <out.bin> [record ...]     (default: every *.hea in <wfdb dir>, sorted)
//
// Output (little-endian), read by models/training/train.py:
//   "AVBEATS1", uint32 count, uint32 windowLength, uint32 before, uint32 after,
//   float16 windows[count][windowLength], int8 label[count] (0..4 = N L R A V),
//   int16 record[count] (record number, -1 if the name is not a number), int64 sample[count]
//   (the reference annotation position at the record's own rate).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/annotation.h"
#include "core/error.h"
#include "core/record.h"
#include "dsp/beats.h"
#include "io/files.h"

namespace {

// IEEE binary16 from binary32, round to nearest even (z-scored windows are well inside its range).
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: av-export-beats <wfdb dir> <out.bin> [record ...]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::vector<std::string> names;
  for (int i = 3; i < argc; ++i) names.emplace_back(argv[i]);
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

  const av::dsp::BeatWindowSpec spec;  // 90 before, 166 after, stdFloor 0.01: the models' window
  std::vector<uint16_t> windows;
  std::vector<int8_t> labels;
  std::vector<int16_t> records;
  std::vector<int64_t> samples;
  try {
    for (const auto& name : names) {
      const av::Record rec = av::io::read_wfdb_file((dir / (name + ".hea")).string());
      const int lead = av::default_lead_index(rec);
      if (lead < 0) throw av::Error("no_leads", "record has no leads", name);
      const auto& x = rec.leads[static_cast<size_t>(lead)].samples;
      std::vector<int64_t> positions;
      std::vector<int8_t> classes;
      for (const auto& a : rec.annotations) {
        const int c = av::class_index_for_code(a.code);
        if (c < 0 || a.sample < 0 || a.sample >= static_cast<int64_t>(x.size())) continue;
        positions.push_back(a.sample);
        classes.push_back(static_cast<int8_t>(c));
      }
      const av::dsp::PreparedBeats beats = av::dsp::prepare_beats(x, rec.sampleRate, spec, &positions);
      if (beats.count() != positions.size())
        throw av::Error("beat_count_mismatch", "prepare_beats returned " + std::to_string(beats.count()) +
                        " windows for " + std::to_string(positions.size()) + " positions", name);
      char* end = nullptr;
      const long number = std::strtol(name.c_str(), &end, 10);
      const int16_t id = (end && *end == '\0' && number >= 0 && number < 32768) ? static_cast<int16_t>(number) : -1;
      for (float v : beats.windows) windows.push_back(to_half(v));
      labels.insert(labels.end(), classes.begin(), classes.end());
      records.insert(records.end(), positions.size(), id);
      samples.insert(samples.end(), positions.begin(), positions.end());
      std::cerr << name << " (" << rec.leads[static_cast<size_t>(lead)].name << "): " << positions.size()
                << " beats\n";
    }
  } catch (const av::Error& e) {
    std::cerr << "error: " << e.code() << ": " << e.what() << "\n";
    return 2;
  }

  std::ofstream out(argv[2], std::ios::binary);
  const uint32_t header[4] = {static_cast<uint32_t>(labels.size()), static_cast<uint32_t>(spec.length()),
                              static_cast<uint32_t>(spec.before), static_cast<uint32_t>(spec.after)};
  out.write("AVBEATS1", 8);
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  put(out, windows);
  put(out, labels);
  put(out, records);
  put(out, samples);
  if (!out) {
    std::cerr << "error: write_failed: " << argv[2] << "\n";
    return 2;
  }
  std::cerr << labels.size() << " beats from " << names.size() << " records -> " << argv[2] << "\n";
  return 0;
}
