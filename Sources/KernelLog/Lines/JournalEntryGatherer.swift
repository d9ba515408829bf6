import KtriageBytes

/// Gathers one journal entry from the line-based journalctl outputs that spread an entry over
/// several lines:
///
/// - `-o verbose`: a header `Sun 2017-11-12 15:06:31.000000 UTC [s=…;i=…;b=<boot>;m=…;t=<hex>;x=…]`
///   and then one `    FIELD=value` line per field (four spaces). The next header ends the entry.
/// - `-o export` (systemd's Journal Export Format): `FIELD=value` lines and an empty line after
///   each entry. A field that is not text is written as its name alone on a line, then its
///   length as 64-bit little-endian and the raw bytes. The line framer has already cut such a
///   value at its line breaks and dropped its NUL bytes, so the value is put back together from
///   the low length bytes that remain: exact for values shorter than 64 KiB whose bytes hold no
///   NUL or CR; any other binary field is skipped with a diagnostic.
///
/// Also recognises the JSON outputs' framing: `-o json` (one object per line), `-o json-seq`
/// (RFC 7464: RS before each object) and `-o json-sse` (`data: ` before each, an empty line after).
struct JournalEntryGatherer {
    private(set) var entry = JournalJSONEntry()
    /// Line number and offset of the entry's first line.
    let number: Int
    let offset: Int64
    /// At least one field was read.
    private(set) var hasFields = false
    /// Why (part of) the entry could not be read.
    private(set) var problem: String?
    private let verbose: Bool
    /// The name of a binary export field whose value is being put back together, and the value.
    private var binaryField: [UInt8]?
    private var binaryValue: [UInt8] = []
    private var binaryLines = 0
    /// Longest binary value put back together.
    static let maxBinaryValue = 64 * 1024

    init(verbose: Bool, number: Int, offset: Int64) {
        self.verbose = verbose
        self.number = number
        self.offset = offset
    }

    /// Adds a line; returns the finished entry and the one the line started (verbose) when the
    /// line ended an entry.
    mutating func add(_ line: FramedLine) -> (finished: JournalEntryGatherer, next: JournalEntryGatherer?)? {
        let bytes = line.bytes
        if binaryField != nil {
            addBinary(bytes)
            return nil
        }
        if verbose {
            guard let first = bytes.first, first != UInt8(ascii: " ") else {
                addField(bytes)
                return nil
            }
            // `-- Boot … --` markers between entries.
            if ByteScanning.hasLiteral(bytes, at: 0, "-- ") { return nil }
            var next = JournalEntryGatherer(verbose: true, number: line.number, offset: line.offset)
            next.readHeader(bytes)
            guard hasFields else {
                self = next
                return nil
            }
            return (self, next)
        }
        if bytes.isEmpty {
            guard hasFields else { return nil }
            return (self, nil)
        }
        addField(bytes)
        return nil
    }

    /// Ends an entry cut short by the end of the input.
    mutating func finish() {
        if let field = binaryField {
            problem = "binary field \(String(decoding: field, as: UTF8.self)) cut short"
            binaryField = nil
        }
    }

    private mutating func readHeader(_ bytes: UnsafeRawBufferPointer) {
        guard let open = ByteScanning.firstIndex(of: "[s=", in: bytes), bytes.last == UInt8(ascii: "]") else { return }
        entry.assign(cursor: UnsafeRawBufferPointer(rebasing: bytes[(open + 1)..<(bytes.count - 1)]))
    }

    private mutating func addField(_ bytes: UnsafeRawBufferPointer) {
        let start = ByteScanning.skipSpaces(bytes, from: 0)
        guard start < bytes.count else { return }
        guard let equals = ByteScanning.find(UInt8(ascii: "="), in: bytes, from: start) else {
            if !verbose {
                binaryField = Array(bytes[start...])
                binaryValue = []
                binaryLines = 0
            }
            return
        }
        let name = UnsafeRawBufferPointer(rebasing: bytes[start..<equals])
        let value = Array(bytes[(equals + 1)...])
        if ByteScanning.hasLiteral(name, at: 0, "__CURSOR"), name.count == 8 {
            entry.assign(cursor: value)
        } else {
            entry.assign(field: name, value: value)
        }
        hasFields = true
    }

    /// One framed piece of a binary field: `<length bytes without NULs><value>`, cut at the
    /// value's line feeds.
    private mutating func addBinary(_ bytes: UnsafeRawBufferPointer) {
        if binaryLines > 0 { binaryValue.append(ASCII.lineFeed) }
        binaryValue += bytes
        binaryLines += 1
        // The length's low bytes lead: one byte for values under 256, two up to 64 KiB.
        var candidates: [(length: Int, skip: Int)] = []
        if let low = binaryValue.first {
            candidates.append((Int(low), 1))
            if binaryValue.count > 1 { candidates.append((Int(low) | Int(binaryValue[1]) << 8, 2)) }
        }
        if binaryLines == 1, bytes.isEmpty { candidates = [(Int(ASCII.lineFeed), 0)] }
        for candidate in candidates where binaryValue.count - candidate.skip == candidate.length {
            hasFields = true
            if let field = binaryField { entry.assign(field: field, value: Array(binaryValue[candidate.skip...])) }
            binaryField = nil
            return
        }
        let longest = candidates.map(\.length).max() ?? 0
        if binaryValue.count > longest + 2 || binaryValue.count > Self.maxBinaryValue {
            problem =
                "binary field \(String(decoding: binaryField ?? [], as: UTF8.self)) could not be put back together"
            binaryField = nil
        }
    }

    // MARK: - Format detection

    /// `{`, RS then `{` (json-seq) or `data: {` (json-sse).
    /// Whether a first line opens a journal entry: `{` and, after any blanks, a key's quote.
    /// journalctl prints `{"__CURSOR":…` (older versions `{ "__CURSOR" : …`); a `{` alone does
    /// not make an input JSON, or a console capture whose first line begins with one would have
    /// every line counted as malformed JSON.
    static func isJSON(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let object = jsonObject(bytes), object.first == UInt8(ascii: "{") else { return false }
        guard let keyStart = object.dropFirst().firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != ASCII.tab })
        else { return false }
        return object[keyStart] == UInt8(ascii: "\"")
    }

    /// The JSON object of a line of `-o json`, `json-seq` or `json-sse`; `nil` for the empty
    /// lines and `id:` lines of json-sse, which hold none.
    static func jsonObject(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var start = 0
        if bytes.first == recordSeparator { start = 1 }
        if ByteScanning.hasLiteral(bytes, at: 0, "data: ") { start = 6 }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        if rest.isEmpty || ByteScanning.hasLiteral(rest, at: 0, "id: ") { return nil }
        return rest
    }

    /// RFC 7464's record separator.
    static let recordSeparator: UInt8 = 0x1E

    /// `Sun 2017-11-12 15:06:31.000000 UTC [s=…]`.
    static func isVerboseHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        CivilTime.isWeekday(bytes, at: 0) && bytes.count > 8 && ByteScanning.isDigit(bytes[4])
            && bytes.last == UInt8(ascii: "]") && ByteScanning.firstIndex(of: " [s=", in: bytes) != nil
    }
}
