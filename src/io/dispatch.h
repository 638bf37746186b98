#pragma once
// One reader-by-content dispatch for every front end (native files.cpp, the WASM bindings, so the CLI, the JS API's
// av.read and the demo's drop zone): the format is found from the bytes first — "ISHNE1.0", "\xffBIOSEMI", EDF's
// "0       ", XML whose root is AnnotatedECG, a WFDB record line — then from the file name's extension.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "io/hl7_aecg.h"
#include "io/wfdb_signal.h"

namespace av::io {

enum class Format { Unknown, Wfdb, Csv, Edf, Ishne, IshneAnnotation, Aecg, WfdbSignal, ScpEcg, DicomEcg };

// "wfdb", "csv", "edf", "ishne", "ishne-annotation", "hl7-aecg", "wfdb-signal", "scp-ecg", "dicom", "unknown".
const char* format_name(Format f);

// The format of a file from its first bytes (the first 64 KiB are enough) and its name.
Format detect_format(std::span<const uint8_t> head, std::string_view fileName);

struct ReadOptions {
  double csvSampleRate = 0.0;  // CSV without a time column or a rate line
  char csvDelimiter = '\0';
  std::string annotator = "atr";  // WFDB: the annotations read from "<record>.<annotator>" beside the header
  AecgSeries aecgSeries = AecgSeries::Rhythm;
};

// The other files a record needs beside the one given, by name, as far as they can be named from it and from the
// files `siblings` already has: a WFDB header's signal files (a multi-segment record's segment headers, then their
// signal files: ask again after fetching those), its "<record>.<annotator>" file; an ISHNE file's "<stem>.ann".
// Annotation files are optional: a caller passes on what exists.
std::vector<std::string> sibling_files(std::span<const uint8_t> bytes, std::string_view fileName,
                                       const ReadOptions& options, const WfdbFileOpener& siblings);

// CSV, EDF/BDF, ISHNE and HL7 aECG: the formats whose readers the WASM build keeps out of its core module, in the
// formats module that a page fetches on first use.
bool is_extra_format(Format f);

// read_any without the readers of the extra formats: WFDB records, and the typed errors of files no reader takes.
// An extra format throws io_format_not_loaded. The WASM core module reads through this.
Record read_base_format(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                        const WfdbFileOpener& siblings);

// read_any for the extra formats only (the WASM formats module); any other format is io_unknown_format.
Record read_extra_format(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                         const WfdbFileOpener& siblings);

// Reads a record of any supported format. siblings gives the other files by name (WFDB signal files and segment
// headers, annotation files); may be empty for single-file formats. The record is named after the file (its name
// without folder and extension) unless the format names it. Errors: the chosen reader's, io_unknown_format
// (content and name fit no reader, or an ISHNE annotation file alone), wfdb_missing_header (a WFDB signal file
// without its header), io_format_unsupported (SCP-ECG and DICOM ECG are recognised but not read).
Record read_any(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                const WfdbFileOpener& siblings);

}  // namespace av::io
