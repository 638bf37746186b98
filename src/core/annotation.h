#pragma once
// Annotations in the MIT/WFDB sense: a sample index, a type code and optional fields.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace av {

struct Annotation {
  int64_t sample = 0;   // index at the record's own sampling rate
  int code = 0;         // WFDB annotation type (1 = NORMAL, 5 = PVC, ...)
  int subtype = 0;
  int chan = 0;
  int num = 0;
  std::string aux;
  std::string symbol;   // the file's own mnemonic for this code (WFDB custom label definitions); empty: standard
};

// WFDB mnemonic for a type code ("N", "V", "+", ...); "?" for unknown codes.
std::string_view annotation_symbol(int code);
// Type code for a mnemonic, or -1 when unknown.
int annotation_code(std::string_view symbol);
// True for codes that mark a beat (WFDB isqrs()).
bool is_beat_annotation(int code);
// Sorted sample positions of the beat annotations that lie inside a record of `length` samples.
std::vector<int64_t> beat_annotation_samples(const std::vector<Annotation>& annotations, int64_t length);

// One stretch of a rhythm annotation: WFDB rhythm changes ("+" with aux "(AFIB", "(N", ...) run from each
// change to the next, the last one to the record's end.
struct RhythmStretch {
  std::string rhythm;  // the aux text, e.g. "(AFIB"
  int64_t start = 0, end = 0;
};
// The rhythm stretches of the annotations of a record of `length` samples, in order.
std::vector<RhythmStretch> rhythm_stretches(const std::vector<Annotation>& annotations, int64_t length);

// The five classes the models know, in model output order.
inline constexpr const char* kClassSymbols[5] = {"N", "L", "R", "A", "V"};
inline constexpr int kClassN = 0, kClassL = 1, kClassR = 2, kClassA = 3, kClassV = 4;
// Class index 0..4 for a beat code of class N, L, R, A or V; -1 for every other code.
int class_index_for_code(int code);

// The AAMI EC57 beat classes the literature reports (de Chazal 2004): N (N L R e j B), S = SVEB (A a J S n),
// V = VEB (V E r), F (F), Q (/ f Q).
inline constexpr const char* kAamiSymbols[5] = {"N", "S", "V", "F", "Q"};
// AAMI class 0..4 of a beat code; -1 for codes that are not beats.
int aami_class_for_code(int code);
// AAMI class of a model label 0..4 (N L R -> N, A -> S, V -> V).
int aami_class_for_label(int label);

}  // namespace av
