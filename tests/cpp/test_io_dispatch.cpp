// The reader-by-content dispatch: magic bytes before names, then the extension; every reader through read_any and
// read_record_file; the sibling files a record needs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/dispatch.h"
#include "io/files.h"

#include "error_code.h"
#include "folder_opener.h"

using namespace av;
using namespace av::io;
using av::test::error_code_of;
using av::test::folder;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;
const fs::path kShared = fs::path(AV_SOURCE_DIR) / ".." / "shared" / "data";
Bytes file(const fs::path& p) { return read_file_bytes(p.string()); }
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }


}  // namespace

TEST_CASE("formats are found from the content first, whatever the name says", "[io][dispatch]") {
  const fs::path py = kShared / "pyedflib-samples", aecg = kShared / "ecg-formats" / "hl7-aecg";
  CHECK(detect_format(file(py / "test_generator.edf"), "upload.csv") == Format::Edf);
  CHECK(detect_format(file(py / "test_generator.bdf"), "upload") == Format::Edf);
  CHECK(detect_format(file(aecg / "fda-subject1_0.xml"), "ecg.txt") == Format::Aecg);  // opens with comments
  CHECK(detect_format(file(aecg / "fda-Example_aECG.xml"), "x") == Format::Aecg);
  CHECK(detect_format(file(kShared / "mitdb" / "100.hea"), "record") == Format::Wfdb);
  CHECK(detect_format(file(kShared / "wfdb-python-samples" / "sample-data" / "multi-segment" / "041s" / "041s.hea"), "r") ==
        Format::Wfdb);
  CHECK(detect_format(text("ISHNE1.0........"), "holter.bin") == Format::Ishne);
  CHECK(detect_format(text("ANN  1.0........"), "holter.ann") == Format::IshneAnnotation);
  CHECK(detect_format(file(kShared / "ecg-formats" / "scp" / "ecgtoolkit-Example.scp"), "a.bin") == Format::ScpEcg);
  CHECK(detect_format(file(kShared / "ecg-formats" / "dicom" / "ecgtoolkit-Example.dcm"), "a.bin") == Format::DicomEcg);
  // Text that is no header: CSV, also when its numbers are space-separated.
  CHECK(detect_format(text("time,ECG\n0,1\n"), "a.hea.bak") == Format::Csv);
  CHECK(detect_format(text("100 2\n3 4\n5 6\n"), "numbers") == Format::Csv);
  CHECK(detect_format(text("Sample Rate,512 hertz\n1\n"), "export.csv") == Format::Csv);
  CHECK(detect_format(text("<html></html>"), "page.xml") == Format::Aecg);  // by name: the aECG reader says why not
  // Then the extension for bytes that carry no magic.
  CHECK(detect_format(Bytes{1, 2, 3, 0, 5}, "100.dat") == Format::WfdbSignal);
  CHECK(detect_format(Bytes{1, 2, 3, 0, 5}, "x.edf") == Format::Edf);
  CHECK(detect_format(Bytes{1, 2, 3, 0, 5}, "x.bin") == Format::Unknown);
  CHECK(std::string(format_name(Format::Aecg)) == "hl7-aecg");
}

TEST_CASE("read_any reads every format, with the siblings the record needs", "[io][dispatch]") {
  std::map<std::string, Bytes, std::less<>> cache;
  const fs::path mitdb = kShared / "mitdb";
  const Record w = read_any(file(mitdb / "100.hea"), "100.hea", {}, folder(mitdb, cache));
  CHECK(w.name == "100");
  CHECK(w.length() == 650000);
  CHECK(w.annotations.size() == 2274);  // 100.atr beside it
  ReadOptions noAnn;
  noAnn.annotator = "none";
  CHECK(read_any(file(mitdb / "100.hea"), "100.hea", noAnn, folder(mitdb, cache)).annotations.empty());
  noAnn.annotator = "../x";
  CHECK(error_code_of([&] { read_any(file(mitdb / "100.hea"), "100.hea", noAnn, folder(mitdb, cache)); }) ==
        "wfdb_annotator_invalid");
  const Record e = read_any(file(kShared / "pyedflib-samples" / "test_utf8.edf"), "dir/test_utf8.edf", {}, {});
  CHECK(e.name == "test_utf8");
  CHECK(e.leads.size() == 1);
  const Record x = read_any(file(kShared / "ecg-formats" / "hl7-aecg" / "fda-subject1_0.xml"), "s.xml", {}, {});
  CHECK(x.leads.size() == 12);
  ReadOptions beats;
  beats.aecgSeries = AecgSeries::RepresentativeBeat;
  CHECK(read_any(file(kShared / "ecg-formats" / "hl7-aecg" / "fda-subject1_0.xml"), "s.xml", beats, {}).length() == 599);
  ReadOptions rate;
  rate.csvSampleRate = 250;
  const Record c = read_any(text("1\n2\n3\n"), "a.csv", rate, {});
  CHECK(c.sampleRate == 250.0);
  CHECK(c.name == "a");
  // Recognised but not read, and what cannot be read alone.
  CHECK(error_code_of([] { read_any(file(kShared / "ecg-formats" / "scp" / "ecgtoolkit-Example.scp"), "e.scp", {}, {}); }) ==
        "io_format_unsupported");
  CHECK(error_code_of([] { read_any(file(kShared / "ecg-formats" / "dicom" / "ecgtoolkit-Example.dcm"), "e.dcm", {}, {}); }) ==
        "io_format_unsupported");
  CHECK(error_code_of([&] { read_any(file(mitdb / "100.dat"), "100.dat", {}, {}); }) == "wfdb_missing_header");
  CHECK(detect_format(text("x"), "notes.docx") == Format::Unknown);  // text, but no row of numbers
  CHECK(error_code_of([] { read_any(Bytes{1, 2, 0, 3}, "x.bin", {}, {}); }) == "io_unknown_format");
  CHECK(error_code_of([] { read_any(text("ANN  1.0"), "x.ann", {}, {}); }) == "io_unknown_format");
  // A WFDB header without its signal files.
  CHECK(error_code_of([&] { read_any(file(mitdb / "100.hea"), "100.hea", {}, {}); }) == "wfdb_signal_missing");
}

TEST_CASE("sibling files: signal files and annotations, multi-segment in two rounds, ISHNE's .ann", "[io][dispatch]") {
  const fs::path mitdb = kShared / "mitdb";
  const auto s100 = sibling_files(file(mitdb / "100.hea"), "100.hea", {}, {});
  CHECK(s100 == std::vector<std::string>{"100.dat", "100.atr"});
  ReadOptions qrs;
  qrs.annotator = "qrs";
  CHECK(sibling_files(file(mitdb / "100.hea"), "100.hea", qrs, {}).back() == "100.qrs");
  const fs::path ms = kShared / "wfdb-python-samples" / "sample-data" / "multi-segment" / "fixed1";
  std::map<std::string, Bytes, std::less<>> cache;
  const auto first = sibling_files(file(ms / "v102s.hea"), "v102s.hea", {}, {});
  CHECK(first == std::vector<std::string>{"v102s_1.hea", "v102s_2.hea", "v102s_3.hea", "v102s.atr"});
  const auto second = sibling_files(file(ms / "v102s.hea"), "v102s.hea", {}, folder(ms, cache));
  CHECK(std::find(second.begin(), second.end(), "v102s.dat") != second.end());
  CHECK(sibling_files(text("ISHNE1.0"), "dir/h.ecg", {}, {}) == std::vector<std::string>{"h.ann"});
  CHECK(sibling_files(text("1\n2\n"), "a.csv", {}, {}).empty());
}

TEST_CASE("read_record_file goes through the same dispatch", "[io][dispatch][files]") {
  const fs::path dir = fs::temp_directory_path() / "av_test_dispatch";
  fs::create_directories(dir);
  // An aECG saved with a .txt name, an EDF saved as .dat: found by their content.
  fs::copy_file(kShared / "ecg-formats" / "hl7-aecg" / "fda-minimum_aecg.xml", dir / "min.txt", fs::copy_options::overwrite_existing);
  CHECK(read_record_file((dir / "min.txt").string()).leads.size() == 1);
  fs::copy_file(kShared / "pyedflib-samples" / "test_utf8.edf", dir / "eeg.dat", fs::copy_options::overwrite_existing);
  CHECK(read_record_file((dir / "eeg.dat").string()).sampleRate == 128.0);
  // A multi-segment record by its header path, segments and signal files from its folder.
  const fs::path ms = kShared / "wfdb-python-samples" / "sample-data" / "multi-segment" / "041s";
  const Record r = read_record_file((ms / "041s.hea").string());
  CHECK(r.length() == 2000 * 4);  // III, I, V at 4 samples per frame set the rate: 500 Hz
  CHECK(r.sampleRate == 500.0);
  CHECK(r.leads[3].sampleRate == 125.0);  // ABP
}
