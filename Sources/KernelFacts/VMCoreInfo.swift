import KtriageBytes

/// The kernel's VMCOREINFO note: `KEY=value` lines describing the crashed kernel.
///
/// Format notes (kernel `Documentation/admin-guide/kdump/vmcoreinfo.rst`; macros in
/// `include/linux/crash_core.h`, `include/linux/vmcore_info.h` since 6.9): `OSRELEASE=`,
/// `BUILD-ID=` (5.9+), `PAGESIZE=` (decimal), `CRASHTIME=` (epoch seconds, appended by the kexec
/// crash path — absent in QEMU dumps), `KERNELOFFSET=` (hex without `0x`), `SYMBOL(name)=` (hex
/// without `0x`), `SIZE()`, `OFFSET()`, `LENGTH()` (decimal), `NUMBER()` (decimal, possibly negative,
/// but some arch entries print hex with `0x`). Every key is kept, in order, as written.
public struct VMCoreInfo: Sendable, Equatable {
    /// Every `KEY=value` pair in the order written (later duplicates are kept too). Looked up
    /// by a linear search: the kernel writes about 120 keys and a reader asks for a few dozen,
    /// which costs less than building any index (a `[String: String]` takes 900,000
    /// instructions to set up and fill, sorting the keys 700,000).
    public var entries: [(key: String, value: String)]

    /// Same keys in the same order, and the same value at each key's first occurrence.
    public static func == (lhs: VMCoreInfo, rhs: VMCoreInfo) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.firstValues == rhs.firstValues
    }

    private var firstValues: [String: String] {
        Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Parses the note text. Lines without `=` are ignored; NUL bytes end the text.
    public init(text bytes: [UInt8]) {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        var entries: [(key: String, value: String)] = []
        for line in bytes[..<end].split(separator: UInt8(ascii: "\n")) {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: line[line.startIndex..<equals], as: UTF8.self)
            var valueBytes = line[(equals + 1)...]
            while let last = valueBytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") {
                valueBytes = valueBytes.dropLast()
            }
            let value = String(decoding: valueBytes, as: UTF8.self)
            entries.append((key, value))
        }
        self.entries = entries
    }

    /// The raw value of `key` (first occurrence).
    public subscript(key: String) -> String? { lookup(key) }

    private func lookup(_ key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// The key the kernel writes first (`crash_save_vmcoreinfo_init()`): a page that starts
    /// with it is VMCOREINFO.
    public static let firstKey = "OSRELEASE"
    /// `PAGESIZE`, which every VMCOREINFO has.
    public static let pageSizeKey = "PAGESIZE"

    /// `OSRELEASE` (`uname -r`).
    public var osRelease: String? { lookup(Self.firstKey) }
    /// `BUILD-ID` (5.9+).
    public var buildID: String? { lookup("BUILD-ID") }
    /// `PAGESIZE`.
    public var pageSize: Int? { lookup(Self.pageSizeKey).flatMap { Int($0) } }
    /// `CRASHTIME`, seconds since the epoch.
    public var crashTime: Int64? { lookup("CRASHTIME").flatMap { Int64($0) } }
    /// `KERNELOFFSET`, the KASLR slide (hex in the note).
    public var kernelOffset: UInt64? { lookup("KERNELOFFSET").flatMap { Self.parseHex($0) } }

    /// `SYMBOL(name)`: a virtual address (hex without `0x`).
    public func symbol(_ name: String) -> UInt64? { lookup("SYMBOL(\(name))").flatMap { Self.parseHex($0) } }

    /// Every `SYMBOL(name)=address` in order, with the name; values that are not hex are left out.
    public var symbols: [(name: String, address: UInt64)] {
        entries.compactMap { entry in
            guard entry.key.hasPrefix("SYMBOL("), entry.key.hasSuffix(")"),
                let address = Self.parseHex(entry.value)
            else { return nil }
            return (String(entry.key.dropFirst("SYMBOL(".count).dropLast()), address)
        }
    }
    /// `SIZE(name)` (decimal). Values outside 0…`maxLayoutValue` are treated as absent, so that
    /// offset arithmetic on them cannot overflow.
    public func size(_ name: String) -> Int? { layoutValue("SIZE(\(name))") }
    /// `OFFSET(struct.field)` (decimal), within 0…`maxLayoutValue`.
    public func offset(_ name: String) -> Int? { layoutValue("OFFSET(\(name))") }
    /// `LENGTH(name)` (decimal), within 0…`maxLayoutValue`.
    public func length(_ name: String) -> Int? { layoutValue("LENGTH(\(name))") }

    /// Largest `SIZE`/`OFFSET`/`LENGTH` accepted (the biggest real one, `SIZE(pglist_data)`, is
    /// about 170 KB).
    public static let maxLayoutValue = 1 << 24

    private func layoutValue(_ key: String) -> Int? {
        guard let value = lookup(key).flatMap({ Self.parseNumber($0) }), value >= 0,
            value <= Int64(Self.maxLayoutValue)
        else {
            return nil
        }
        return Int(value)
    }
    /// `NUMBER(name)`: decimal (possibly negative) or `0x` hex.
    public func number(_ name: String) -> Int64? {
        lookup("NUMBER(\(name))").flatMap { Self.parseNumber($0) }
    }

    /// x86-64 `NUMBER(pgtable_l5_enabled)` is 1.
    public var fiveLevelPaging: Bool { number("pgtable_l5_enabled") == 1 }

    /// Hex digits with or without `0x` (at most 16).
    public static func parseHex(_ text: String) -> UInt64? { ByteScanning.hexNumber(text) }

    /// Decimal (optionally negative) or `0x` hex (as written by arch code); negative hex is not a thing.
    public static func parseNumber(_ text: String) -> Int64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return parseHex(text).map { Int64(bitPattern: $0) }
        }
        if let value = Int64(text) { return value }
        if let value = UInt64(text) { return Int64(bitPattern: value) }
        return nil
    }
}
