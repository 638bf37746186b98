#include "core/annotation.h"

#include <algorithm>
#include <array>

namespace av {
namespace {

// WFDB ecgcodes.h, codes 0..49.
constexpr std::array<std::string_view, 50> kSymbols = {
    " ", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "", "|", "", "s", "T",
    "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",
    ")", "r", "", "", "", "", "", "", "", ""};

}  // namespace

// Unused codes have an empty entry and print as "?" (WFDB prints their number).
std::string_view annotation_symbol(int code) {
  if (code < 0 || code >= static_cast<int>(kSymbols.size()) || kSymbols[static_cast<size_t>(code)].empty())
    return "?";
  return kSymbols[static_cast<size_t>(code)];
}

int annotation_code(std::string_view symbol) {
  if (symbol.empty()) return -1;
  for (size_t i = 0; i < kSymbols.size(); ++i)
    if (kSymbols[i] == symbol) return static_cast<int>(i);
  return -1;
}

bool is_beat_annotation(int code) {
  switch (code) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10:
    case 11: case 12: case 13: case 25: case 30: case 34: case 35: case 38: case 41:
      return true;
    default:
      return false;
  }
}

int class_index_for_code(int code) {
  switch (code) {
    case 1: return 0;  // N
    case 2: return 1;  // L
    case 3: return 2;  // R
    case 8: return 3;  // A
    case 5: return 4;  // V
    default: return -1;
  }
}

int aami_class_for_code(int code) {
  switch (code) {
    case 1: case 2: case 3: case 11: case 25: case 34: return 0;  // N L R j B e
    case 4: case 7: case 8: case 9: case 35: return 1;            // a J A S n
    case 5: case 10: case 41: return 2;                           // V E r
    case 6: return 3;                                             // F
    case 12: case 13: case 38: return 4;                          // / Q f
    default: return -1;
  }
}

int aami_class_for_label(int label) {
  static constexpr int kMap[5] = {0, 0, 0, 1, 2};
  return label >= 0 && label < 5 ? kMap[label] : -1;
}

std::vector<int64_t> beat_annotation_samples(const std::vector<Annotation>& annotations, int64_t length) {
  std::vector<int64_t> positions;
  for (const auto& a : annotations)
    if (is_beat_annotation(a.code) && a.sample >= 0 && a.sample < length) positions.push_back(a.sample);
  std::sort(positions.begin(), positions.end());
  return positions;
}

std::vector<RhythmStretch> rhythm_stretches(const std::vector<Annotation>& annotations, int64_t length) {
  constexpr int kRhythmChange = 28;  // "+"
  std::vector<RhythmStretch> out;
  for (const auto& a : annotations) {
    if (a.code != kRhythmChange || a.aux.empty() || a.aux[0] != '(') continue;
    if (!out.empty()) out.back().end = a.sample;
    out.push_back({a.aux, a.sample, length});
  }
  return out;
}

}  // namespace av
