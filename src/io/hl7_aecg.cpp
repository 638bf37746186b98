#include "io/hl7_aecg.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/limits.h"
#include "io/text_util.h"

// pugixml, compiled into this file only (header-only mode), without XPath.
#define PUGIXML_HEADER_ONLY
#define PUGIXML_NO_XPATH
#include "../../third_party/pugixml/pugixml.hpp"

namespace av::io {
namespace {

// Element names without a namespace prefix ("hl7:series" -> "series").
std::string_view local(const pugi::xml_node& n) {
  std::string_view s = n.name();
  const size_t colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local(c) == name) return c;
  return {};
}

std::vector<pugi::xml_node> children(const pugi::xml_node& n, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local(c) == name) out.push_back(c);
  return out;
}

std::string code_of(const pugi::xml_node& n) { return child(n, "code").attribute("code").value(); }

// An attribute that is a decimal number.
bool number_attr(const pugi::xml_node& n, const char* attr, double& out) {
  const pugi::xml_attribute a = n.attribute(attr);
  return a && detail::parse_double(detail::trim(a.value()), out) && std::isfinite(out);
}

// HL7 TS "YYYYMMDDHHMMSS[.fff][+ZZZZ]" as seconds of a day count (for differences between heads only).
bool timestamp_seconds(std::string_view ts, double& out) {
  ts = detail::trim(ts);
  if (ts.size() < 8) return false;
  int f[6] = {0, 0, 0, 0, 0, 0};
  const int width[6] = {4, 2, 2, 2, 2, 2};
  size_t pos = 0;
  for (int i = 0; i < 6 && pos + static_cast<size_t>(width[i]) <= ts.size(); ++i) {
    int v = 0;
    for (int k = 0; k < width[i]; ++k) {
      const char c = ts[pos + static_cast<size_t>(k)];
      if (c < '0' || c > '9') return i >= 3;  // date only, or date and part of the time
      v = v * 10 + (c - '0');
    }
    f[i] = v;
    pos += static_cast<size_t>(width[i]);
  }
  double frac = 0;
  if (pos < ts.size() && ts[pos] == '.') {
    size_t e = pos + 1;
    while (e < ts.size() && ts[e] >= '0' && ts[e] <= '9') ++e;
    detail::parse_double(std::string("0") + std::string(ts.substr(pos, e - pos)), frac);
  }
  // Days from a fixed epoch (civil calendar), so that heads across midnight compare correctly.
  const int y = f[1] <= 2 ? f[0] - 1 : f[0];
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (f[1] + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + f[2] - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const double days = era * 146097.0 + doe;
  out = days * 86400.0 + f[3] * 3600.0 + f[4] * 60.0 + f[5] + frac;
  return true;
}

double seconds_per_unit(std::string_view unit) {
  if (unit == "s" || unit.empty()) return 1.0;
  if (unit == "ms") return 1e-3;
  if (unit == "us") return 1e-6;
  if (unit == "min") return 60.0;
  return 0.0;
}

std::string lead_name(const std::string& code) {
  static const std::pair<const char*, const char*> kFixed[] = {
      {"AVR", "aVR"}, {"AVL", "aVL"}, {"AVF", "aVF"}};
  std::string_view c = code;
  for (std::string_view prefix : {"MDC_ECG_LEAD_", "MDC_ECG_"})
    if (c.rfind(prefix, 0) == 0) {
      c.remove_prefix(prefix.size());
      break;
    }
  for (auto [from, to] : kFixed)
    if (c == from) return to;
  return c.empty() ? code : std::string(c);
}

struct Strip {
  std::string name;
  double mvPerDigit = 0, mvOrigin = 0;
  std::string units = "mV";
  std::vector<float> samples;
};

struct Set {
  double fs = 0;
  bool absolute = false;
  double start = 0;  // seconds (absolute heads) or relative start
  std::vector<Strip> strips;
};

[[noreturn]] void bad_sequence(const std::string& lead, const std::string& why) {
  throw Error("aecg_sequence_invalid", "sequence " + (lead.empty() ? std::string("?") : lead) + ": " + why);
}

// "1 -2 3 ..." (integers, or decimals in some writers) -> values; refuses anything else.
void parse_digits(const char* text, const std::string& lead, double origin, double step, std::vector<float>& out) {
  const char* p = text;
  std::string token;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    if (!*p) break;
    const char* q = p;
    while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') ++q;
    double v = 0;
    if (!detail::parse_double(std::string_view(p, static_cast<size_t>(q - p)), v))
      bad_sequence(lead, "'" + std::string(p, static_cast<size_t>(std::min<ptrdiff_t>(q - p, 20))) + "' is not a number");
    if (out.size() >= static_cast<size_t>(limits::kMaxRecordSamples))
      throw Error("record_too_long", "sequence " + lead + " has more samples than fit in memory");
    out.push_back(static_cast<float>(origin + step * v));
    p = q;
  }
}

Set read_set(const pugi::xml_node& set) {
  Set s;
  bool haveTime = false;
  for (const pugi::xml_node& comp : children(set, "component")) {
    const pugi::xml_node seq = child(comp, "sequence");
    if (!seq) continue;
    const std::string code = code_of(seq);
    const pugi::xml_node value = child(seq, "value");
    if (code.rfind("TIME_", 0) == 0) {  // TIME_ABSOLUTE (head: a TS) or TIME_RELATIVE (head: a PQ)
      const pugi::xml_node inc = child(value, "increment");
      double step = 0;
      const double unit = seconds_per_unit(inc.attribute("unit").value());
      if (!number_attr(inc, "value", step) || !(step > 0) || unit == 0)
        bad_sequence(code, "no positive sampling increment in seconds");
      s.fs = 1.0 / (step * unit);
      const pugi::xml_node head = child(value, "head");
      if (code == "TIME_ABSOLUTE") {
        s.absolute = timestamp_seconds(head.attribute("value").value(), s.start);
      } else {
        double h = 0;
        if (number_attr(head, "value", h)) s.start = h * seconds_per_unit(head.attribute("unit").value());
      }
      haveTime = true;
      continue;
    }
    const pugi::xml_node digits = child(value, "digits");
    if (!digits) continue;  // a sequence without digits (e.g. GLIST_PQ of another quantity)
    Strip st;
    st.name = lead_name(code);
    double origin = 0, scale = 0;
    const pugi::xml_node o = child(value, "origin"), sc = child(value, "scale");
    if (!number_attr(sc, "value", scale) || scale == 0) bad_sequence(st.name, "no scale");
    if (o && !number_attr(o, "value", origin)) bad_sequence(st.name, "origin is not a number");
    const double ms = detail::millivolts_per_unit(sc.attribute("unit").value());
    const double mo = o ? detail::millivolts_per_unit(o.attribute("unit").value()) : ms;
    if (ms > 0) {
      st.mvPerDigit = scale * ms;
      st.mvOrigin = origin * (mo > 0 ? mo : ms);
    } else {  // not a voltage: kept in its own units
      st.units = sc.attribute("unit").value();
      st.mvPerDigit = scale;
      st.mvOrigin = origin;
    }
    parse_digits(digits.child_value(), st.name, st.mvOrigin, st.mvPerDigit, st.samples);
    s.strips.push_back(std::move(st));
  }
  if (!s.strips.empty() && !haveTime) bad_sequence("time", "the sequence set has no time sequence (no sampling rate)");
  return s;
}

// Depth and element count of the whole tree, without recursion.
void check_tree(const pugi::xml_document& doc) {
  size_t elements = 0;
  int depth = 0;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.type() == pugi::node_element && ++elements > kAecgMaxElements)
      throw Error("aecg_too_many_elements", "more than " + std::to_string(kAecgMaxElements) + " elements");
    if (n.first_child()) {
      n = n.first_child();
      if (++depth > kAecgMaxDepth)
        throw Error("aecg_too_deep", "elements nested deeper than " + std::to_string(kAecgMaxDepth) + " levels");
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
      if (n == doc) return;
    }
    if (n) n = n.next_sibling();
  }
}

}  // namespace

Record read_hl7_aecg(std::span<const uint8_t> bytes, const AecgOptions& options) {
  if (bytes.size() > kAecgMaxBytes)
    throw Error("aecg_too_large", "the XML is " + std::to_string(bytes.size()) + " bytes, more than " +
                                      std::to_string(kAecgMaxBytes) + " bytes");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  // A DTD is where entities (the "billion laughs", external entities) are declared: none is accepted. pugixml
  // would skip it and never expand or fetch an entity, but a document that relies on one is not an aECG file.
  if (text.find("<!DOCTYPE") != std::string_view::npos || text.find("<!ENTITY") != std::string_view::npos)
    throw Error("aecg_dtd_refused", "the document declares a DTD or entities; they are not processed");
  // Elements take memory per tag: refuse documents with more tags than the limit before building the tree.
  if (static_cast<size_t>(std::count(text.begin(), text.end(), '<')) > 2 * kAecgMaxElements + 64)
    throw Error("aecg_too_many_elements", "more than " + std::to_string(kAecgMaxElements) + " elements");

  pugi::xml_document doc;
  const unsigned options_ = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol;  // no doctype, no PI
  // pugixml reads UTF-16/32 input in 2- and 4-byte units: hand it an aligned buffer.
  std::vector<uint32_t> aligned;
  const void* buffer = bytes.data();
  if (!bytes.empty() && reinterpret_cast<uintptr_t>(buffer) % alignof(uint32_t) != 0) {
    aligned.resize((bytes.size() + 3) / 4);
    std::memcpy(aligned.data(), bytes.data(), bytes.size());
    buffer = aligned.data();
  }
  const pugi::xml_parse_result ok = doc.load_buffer(buffer, bytes.size(), options_, pugi::encoding_auto);
  if (!ok)
    throw Error("aecg_xml_invalid", std::string("not well-formed XML: ") + ok.description(),
                "byte " + std::to_string(ok.offset));
  check_tree(doc);
  const pugi::xml_node root = doc.document_element();
  if (!root || local(root) != "AnnotatedECG")
    throw Error("aecg_not_annotated_ecg", std::string("the root element is '") + (root ? root.name() : "") +
                                              "', not AnnotatedECG");

  // The series: component/series (RHYTHM first); representative beats are series/derivation/derivedSeries.
  std::vector<pugi::xml_node> series;
  for (const pugi::xml_node& comp : children(root, "component"))
    if (const pugi::xml_node s = child(comp, "series")) series.push_back(s);
  if (series.empty()) throw Error("aecg_no_waveform", "the document has no series (no waveform)");
  pugi::xml_node chosen;
  if (options.series == AecgSeries::Rhythm) {
    for (const pugi::xml_node& s : series)
      if (code_of(s) == "RHYTHM") { chosen = s; break; }
    if (!chosen) chosen = series.front();
  } else {
    for (const pugi::xml_node& s : series)
      for (const pugi::xml_node& d : children(s, "derivation"))
        for (const pugi::xml_node& ds : children(d, "derivedSeries"))
          if (!chosen && code_of(ds) == "REPRESENTATIVE_BEAT") chosen = ds;
    if (!chosen) throw Error("aecg_no_waveform", "the document has no representative beat series");
  }
  std::vector<Set> sets;
  for (const pugi::xml_node& comp : children(chosen, "component"))
    if (const pugi::xml_node ss = child(comp, "sequenceSet")) {
      Set s = read_set(ss);
      if (!s.strips.empty()) sets.push_back(std::move(s));
    }
  if (sets.empty()) throw Error("aecg_no_waveform", "the series has no sequence with digits");
  const double fs = sets.front().fs;
  for (const Set& s : sets)
    if (std::fabs(s.fs - fs) > 1e-6 * fs)
      throw Error("aecg_sequence_invalid", "sequence sets at different rates (" + std::to_string(fs) + " and " +
                                               std::to_string(s.fs) + " Hz)");
  limits::check_read_sample_rate(fs, "aecg_sequence_invalid");

  // Each set's first sample on one timeline.
  const bool absolute = std::all_of(sets.begin(), sets.end(), [](const Set& s) { return s.absolute; });
  std::vector<int64_t> offset(sets.size(), 0);
  if (absolute) {
    double t0 = sets.front().start;
    for (const Set& s : sets) t0 = std::min(t0, s.start);
    for (size_t i = 0; i < sets.size(); ++i) {
      const double d = (sets[i].start - t0) * fs;
      if (!(d >= 0 && d < 1e12)) throw Error("aecg_sequence_invalid", "sequence set times are absurd");
      offset[i] = static_cast<int64_t>(std::llround(d));
    }
  } else {
    int64_t at = 0;
    for (size_t i = 0; i < sets.size(); ++i) {
      offset[i] = at;
      size_t longest = 0;
      for (const Strip& st : sets[i].strips) longest = std::max(longest, st.samples.size());
      at += static_cast<int64_t>(longest);
    }
  }
  int64_t length = 0;
  std::vector<std::string> names;
  for (size_t i = 0; i < sets.size(); ++i)
    for (const Strip& st : sets[i].strips) {
      length = std::max(length, offset[i] + static_cast<int64_t>(st.samples.size()));
      if (std::find(names.begin(), names.end(), st.name) == names.end()) names.push_back(st.name);
    }
  limits::check_signal_count(static_cast<int64_t>(names.size()), "aecg_sequence_invalid");
  limits::check_record_samples(length * static_cast<int64_t>(names.size()));

  Record rec;
  rec.sampleRate = fs;
  int gaps = 0;
  for (const std::string& name : names) {
    Lead lead;
    lead.name = name;
    std::vector<char> have(static_cast<size_t>(length), 0);
    lead.samples.assign(static_cast<size_t>(length), 0.0f);
    for (size_t i = 0; i < sets.size(); ++i)
      for (const Strip& st : sets[i].strips)
        if (st.name == name) {
          lead.units = st.units;
          std::copy(st.samples.begin(), st.samples.end(), lead.samples.begin() + offset[i]);
          std::fill(have.begin() + offset[i], have.begin() + offset[i] + static_cast<int64_t>(st.samples.size()), 1);
        }
    // Where this lead has no samples: its last value (its first before it begins).
    float last = 0.0f;
    for (size_t t = 0; t < have.size(); ++t)
      if (have[t]) { last = lead.samples[t]; break; }
    for (size_t t = 0; t < have.size(); ++t) {
      if (have[t]) {
        last = lead.samples[t];
        continue;
      }
      size_t e = t;
      while (e < have.size() && !have[e]) lead.samples[e++] = last;
      if (gaps++ < 100)
        rec.metadata.emplace_back("Gap", name + ": " + std::to_string(static_cast<double>(t) / fs) + " s to " +
                                             std::to_string(static_cast<double>(e) / fs) + " s");
      t = e - 1;
    }
    rec.leads.push_back(std::move(lead));
  }

  // Metadata: the ECG's effective time, the series' code, the subject's and the trial's ids.
  const pugi::xml_node et = child(root, "effectiveTime");
  for (const char* which : {"low", "center", "high"})
    if (const pugi::xml_node t = child(et, which); t && t.attribute("value"))
      rec.metadata.emplace_back(std::string("Effective time (") + which + ")", t.attribute("value").value());
  rec.metadata.emplace_back("Series", options.series == AecgSeries::Rhythm ? code_of(chosen) : "REPRESENTATIVE_BEAT");
  for (pugi::xml_node n = root; n;) {  // the first trialSubject and clinicalTrial ids, wherever they are
    const std::string_view l = local(n);
    if ((l == "trialSubject" || l == "clinicalTrial") && child(n, "id")) {
      const pugi::xml_node id = child(n, "id");
      const std::string v = id.attribute("extension") ? id.attribute("extension").value() : id.attribute("root").value();
      const std::string key = l == "trialSubject" ? "Subject" : "Trial";
      if (std::none_of(rec.metadata.begin(), rec.metadata.end(), [&](const auto& kv) { return kv.first == key; }))
        rec.metadata.emplace_back(key, v);
    }
    if (n.first_child()) { n = n.first_child(); continue; }
    while (n && !n.next_sibling()) n = n.parent() == root.parent() ? pugi::xml_node() : n.parent();
    if (n) n = n.next_sibling();
  }
  return rec;
}

}  // namespace av::io
