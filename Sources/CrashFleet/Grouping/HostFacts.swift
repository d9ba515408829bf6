import Foundation
import KernelLog

/// What one host was seen to run, from its crash reports and from ordinary boot lines.
///
/// Attributes are `category=value` strings (`kernel=6.1.0-18-amd64`, `hardware=…`, `bios=…`,
/// `module=nf_tables`, `taint=W`). `known` lists the categories the logs said anything about,
/// so hosts whose logs cannot tell (no crash, hence no module list) do not dilute a share.
public struct HostFacts: Codable, Sendable, Equatable {
    public var attributes: Set<String> = []
    public var known: Set<String> = []

    public init() {}

    public mutating func add(_ category: AttributeCategory, _ value: String) {
        known.insert(category.rawValue)
        attributes.insert(category.rawValue + "=" + value)
    }

    public mutating func markKnown(_ category: AttributeCategory) { known.insert(category.rawValue) }

    public mutating func merge(_ other: HostFacts) {
        attributes.formUnion(other.attributes)
        known.formUnion(other.known)
    }
}

/// The attribute kinds compared between a group and the fleet.
public enum AttributeCategory: String, Codable, Sendable, CaseIterable {
    case kernel, hardware, bios, module, taint

    /// The category of a `category=value` attribute.
    static func of(_ attribute: String) -> AttributeCategory? {
        guard let eq = attribute.firstIndex(of: "=") else { return nil }
        return AttributeCategory(rawValue: String(attribute[..<eq]))
    }
}

/// Splits a `Hardware name:`/`DMI:` value into hardware and BIOS (`…, BIOS 2.19.1 06/05/2023`).
enum HardwareText {
    static func split(_ text: String) -> (hardware: String, bios: String?) {
        if let range = text.range(of: ", BIOS ", options: .backwards) {
            let bios = text[range.upperBound...].trimmingSpaces()
            return (String(text[..<range.lowerBound]).trimmingSpaces(), bios.isEmpty ? nil : bios)
        }
        return (text.trimmingSpaces(), nil)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, self[index(before: end)] == " " || self[index(before: end)] == "\t" { end = index(before: end) }
        return String(self[start..<end])
    }
}
