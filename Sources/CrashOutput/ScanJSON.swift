import KernelLog
import KtriageReader

#if canImport(FoundationEssentials)
    import FoundationEssentials  // JSONEncoder only; full Foundation (ICU) would slow every start
#else
    import Foundation
#endif

/// `scan --format json|ndjson`: records (through `RecordJSON`) and per-input summaries.
public enum ScanJSON {
    /// The schema number of the `scan --format json` documents.
    public static let documentSchema = 1

    /// One NDJSON line per record of `result`, in order.
    public static func recordLines(_ result: InputReport) -> [String] { result.records.map(RecordJSON.encode) }

    /// `{"errors": [...], "inputs": [...], "records": [...], "schema": 1}`, indented.
    public static func document(_ results: [InputReport]) throws -> String {
        var document = JSONObjectWriter()
        document.strings("errors", results.compactMap(\.error))
        document.raw("inputs", try compact(results.compactMap(\.summary)))
        document.raw("records", "[" + results.flatMap(recordLines).joined(separator: ",") + "]")
        document.int("schema", CrashRecord.schemaVersion)
        return JSONPretty.format(document.finish())
    }

    /// `scan --inputs --format json`: `{"errors": [...], "inputs": [...], "schema": 1}`, indented.
    public static func inputsDocument(_ results: [InputReport]) throws -> String {
        var document = JSONObjectWriter()
        document.strings("errors", results.compactMap(\.error))
        document.raw("inputs", try compact(results.compactMap(\.summary)))
        document.int("schema", documentSchema)
        return JSONPretty.format(document.finish())
    }

    /// `scan --inputs --format ndjson`: one summary per line.
    public static func inputLines(_ results: [InputReport]) throws -> [String] {
        try results.compactMap(\.summary).map(compact)
    }

    /// Sorted keys, no whitespace, slashes as they are.
    static func compact(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
