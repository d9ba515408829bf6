import KtriageBytes

/// Ubuntu's apport reports (`/var/crash/*.crash`): RFC 822-like `Field: value` lines, values of
/// several lines continued on lines starting with one space, binary values as base64 of gzip
/// (not read here).
enum ApportReport {
    /// Fields that hold kernel text, each with what writes it.
    static let kernelFields: [(name: StaticString, writer: String)] = [
        ("VmCoreDmesg:", "apport's kernel_crashdump hook: the crashed kernel's log, read from the kdump"),
        ("OopsText:", "kerneloops and apport's kernel oops hook: the oops as printed"),
    ]

    /// Whether a field line (`VmCoreDmesg:`) starts a field that holds kernel text.
    static func isKernelField(_ line: UnsafeRawBufferPointer) -> Bool {
        kernelFields.contains { ByteScanning.hasLiteral(line, at: 0, $0.name) }
    }
}
