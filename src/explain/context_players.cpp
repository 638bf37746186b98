#include "explain/context_players.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace av::explain {

std::vector<std::string> name_words(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '_' || c == '-' || c == ' ' || c == '.') {
      flush();
      continue;
    }
    const bool upper = std::isupper(c) != 0;
    const bool afterLowerOrDigit = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                             std::isdigit(static_cast<unsigned char>(name[i - 1])));
    if (upper && afterLowerOrDigit) flush();
    word.push_back(static_cast<char>(std::tolower(c)));
  }
  flush();
  return words;
}

namespace {

enum Group { kRhythm, kTemplate, kWidth, kAmplitude, kOther, kGroups };
constexpr std::array<const char*, kGroups> kGroupNames = {"rhythm (RR)", "template match", "QRS width", "amplitude",
                                                         "other context"};

Group group_of(const std::string& name) {
  const auto words = name_words(name);
  auto has = [&](const char* w) { return std::find(words.begin(), words.end(), w) != words.end(); };
  if (has("template")) return kTemplate;
  if (has("width")) return kWidth;
  if (has("amplitude")) return kAmplitude;
  if (has("rr") || has("pre") || has("post") || has("local") || has("long")) return kRhythm;
  return kOther;
}

}  // namespace

std::vector<ContextPlayer> group_context_features(const std::vector<std::string>& names) {
  std::array<ContextPlayer, kGroups> groups;
  for (size_t i = 0; i < names.size(); ++i) {
    auto& g = groups[static_cast<size_t>(group_of(names[i]))];
    g.features.push_back(static_cast<int>(i));
    g.featureNames.push_back(names[i]);
  }
  std::vector<ContextPlayer> out;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].features.empty()) continue;
    groups[g].name = kGroupNames[g];
    out.push_back(std::move(groups[g]));
  }
  return out;
}

}  // namespace av::explain
