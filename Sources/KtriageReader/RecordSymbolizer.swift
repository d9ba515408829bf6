import KernelLog
import KernelSymbols

/// Gives a record's frames their run-time addresses from a symbol map, the way `ktriage
/// symbolize` does for a log: only when the map fits the report (sizes and release agree) and the
/// KASLR offset is known from the report itself (`Kernel Offset:` line, frames printing both
/// address and name) or given.
public struct RecordSymbolizer: Sendable {
    public let table: SymbolTable
    public let givenOffset: KASLROffset?

    public init(table: SymbolTable, givenOffset: KASLROffset? = nil) {
        self.table = table
        self.givenOffset = givenOffset
    }

    /// Fills `address` on frames (and `rip`) that print none; returns why nothing was filled, or
    /// `nil` when the record was symbolized.
    public func symbolize(_ record: inout CrashRecord) -> String? {
        let analysis = LogAnalysis(text: record.text, table: table, given: givenOffset)
        guard let segment = analysis.segments.first else { return "no report text to check the map against" }
        if let mismatch = segment.mismatch { return "the map belongs to another build: \(mismatch)" }
        if let conflict = segment.offsetConflict { return conflict }
        guard let offset = segment.offset ?? givenOffset else {
            return "KASLR offset unknown (no 'Kernel Offset:' line or addressed frames): addresses not filled"
        }
        var shifted = table
        shifted.kernelOffset = offset.value
        func fill(_ frame: inout Frame) {
            guard frame.address == nil, frame.module == nil else { return }
            if case .address(let address, _) = shifted.address(
                of: frame.function, offset: frame.offset ?? 0, size: frame.size)
            {
                frame.address = address
            }
        }
        for index in record.frames.indices { fill(&record.frames[index]) }
        if var rip = record.rip {
            fill(&rip)
            record.rip = rip
        }
        return nil
    }

    /// Symbolizes every record; returns why some were left as printed, each reason once.
    public func symbolize(_ records: inout [CrashRecord]) -> [String] {
        var notes: Set<String> = []
        for index in records.indices {
            if let note = symbolize(&records[index]) { notes.insert(note) }
        }
        return notes.sorted()
    }
}
