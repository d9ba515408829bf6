import KernelFacts
import KernelLog

/// Collects per-host attributes from every kernel line of one input during the scan pass.
///
/// Sees every line, so it only compares a first byte and a literal prefix; the rare matching
/// lines (one banner and one DMI line per boot) are decoded into strings.
public struct HostFactCollector: Sendable {
    /// The host used for lines whose wrapper names none.
    public let defaultHost: String
    public private(set) var hosts: [String: HostFacts] = [:]

    public init(defaultHost: String) {
        self.defaultHost = defaultHost
    }

    private static let linuxVersion = Array(KernelBanner.marker.utf8)
    private static let dmi = Array(HardwareName.bootPrefix.utf8)
    private static let hardwareName = Array(HardwareName.oopsPrefix.utf8)

    /// Whether `observe` could learn anything from a line with this text (the reader converts
    /// only such lines and the crash parser's).
    public static func mayObserve(_ sketch: LineSketch) -> Bool {
        let text = sketch.text
        guard text.count > 5, let first = text.first else { return false }
        switch first {
        case UInt8(ascii: "L"): return hasPrefix(text, linuxVersion)
        case UInt8(ascii: "D"): return hasPrefix(text, dmi)
        case UInt8(ascii: "H"): return hasPrefix(text, hardwareName)
        default: return false
        }
    }

    public mutating func observe(_ line: LogLine) {
        let text = line.text
        guard text.count > 5, let first = text.first else { return }
        switch first {
        case UInt8(ascii: "L"):
            guard let banner = KernelBanner.locateAtStart(text) else { return }
            let release = String(decoding: UnsafeRawBufferPointer(rebasing: text[banner.release]), as: UTF8.self)
            // `Linux version 2 of the tool` in some program's text is no boot banner.
            guard KernelRelease.isPlausible(release) else { return }
            update(line) { $0.add(.kernel, release) }
        case UInt8(ascii: "D"):
            guard Self.hasPrefix(text, Self.dmi) else { return }
            addHardware(line, from: Self.dmi.count)
        case UInt8(ascii: "H"):
            guard Self.hasPrefix(text, Self.hardwareName) else { return }
            addHardware(line, from: Self.hardwareName.count)
        default:
            return
        }
    }

    private mutating func addHardware(_ line: LogLine, from start: Int) {
        let rest = line.text[start...].prefix(512)
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: rest), as: UTF8.self)
        let name = HardwareName(value)
        guard !name.hardware.isEmpty else { return }
        update(line) { facts in
            facts.add(.hardware, name.hardware)
            if let bios = name.bios { facts.add(.bios, bios) }
        }
    }

    private mutating func update(_ line: LogLine, _ change: (inout HostFacts) -> Void) {
        let host = line.metadata.host ?? defaultHost
        change(&hosts[host, default: HostFacts()])
    }

    private static func hasPrefix(_ text: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard text.count >= prefix.count else { return false }
        for index in prefix.indices where text[index] != prefix[index] { return false }
        return true
    }
}
