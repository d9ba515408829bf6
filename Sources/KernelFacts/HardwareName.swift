/// The machine line: `Hardware name: Dell Inc. PowerEdge R740/0DY2X0, BIOS 2.19.1 06/05/2023` in
/// an oops, `DMI: …` at boot, split into the hardware and the BIOS.
///
/// Format notes: on x86 both print `dmi_ids_string`, built by `dmi_format_ids()` in
/// `drivers/firmware/dmi_scan.c` (2.6.34+) as `vendor product[/board], BIOS version date`, and
/// handed to `dump_stack_set_arch_desc()` (`lib/dump_stack.c`) for the oops line; arm64 and
/// others print the device tree `model` instead, with no BIOS part. The kernel writes `, BIOS `
/// once, right after the board name; every string around it is firmware text, copied as is
/// (non-printable bytes as `\xNN`) and cut at 127 bytes.
///
/// The split is at the *first* `, BIOS `: the kernel puts it after the vendor, product and board
/// names, and everything after it is the BIOS version and date, free text that may contain
/// `, BIOS ` again (OEM version strings do); vendor and product names are short marketing names.
/// A name that itself holds `, BIOS ` cannot be told apart from the line alone.
public struct HardwareName: Sendable, Equatable {
    /// `Hardware name: ` (oops, `dump_stack_print_info()`).
    public static let oopsPrefix = "Hardware name: "
    /// `DMI: ` (boot, `dmi_setup()` on x86, 2.6.34+).
    public static let bootPrefix = "DMI: "
    /// What the kernel writes between the hardware and the BIOS.
    public static let biosMarker = ", BIOS "

    /// Vendor, product and board (`Dell Inc. PowerEdge R740/0DY2X0`), trimmed.
    public var hardware: String
    /// BIOS version and date (`2.19.1 06/05/2023`), trimmed; `nil` when the line has none.
    public var bios: String?

    /// Splits the text after the prefix.
    public init(_ value: some StringProtocol) {
        let text = Substring(value)
        if let marker = text.firstRange(of: Self.biosMarker) {
            hardware = Self.trimmed(text[..<marker.lowerBound])
            let bios = Self.trimmed(text[marker.upperBound...])
            self.bios = bios.isEmpty ? nil : bios
        } else {
            hardware = Self.trimmed(text)
            bios = nil
        }
    }

    /// The value of a `Hardware name:` line (after any leading spaces); `nil` for other lines.
    public static func fromOopsLine(_ line: some StringProtocol) -> HardwareName? {
        let text = Substring(line).drop { $0 == " " || $0 == "\t" }
        guard text.hasPrefix(oopsPrefix) else { return nil }
        return HardwareName(text.dropFirst(oopsPrefix.count))
    }

    static func trimmed(_ text: Substring) -> String {
        var trimmed = text
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
