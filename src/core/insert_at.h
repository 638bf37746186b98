#pragma once
// v.insert(v.begin() + at, x), written out: libc++'s insert instantiates a reallocating, exception-safe body per
// element type (about 0.8 KB of WASM each); this one is push_back and a move.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace av {

template <class T>
void insert_at(std::vector<T>& v, size_t at, T x) {
  v.push_back(std::move(x));
  T last = std::move(v.back());
  std::move_backward(v.begin() + static_cast<std::ptrdiff_t>(at), v.end() - 1, v.end());
  v[at] = std::move(last);
}

}  // namespace av
