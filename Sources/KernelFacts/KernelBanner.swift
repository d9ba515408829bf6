import KtriageBytes

/// The boot banner, `Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian
/// 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian
/// 6.1.192-2 (2026-11-16)`: the first line of every boot and the text of the `linux_banner` symbol.
///
/// Format notes (`init/version.c`, `linux_banner`, the same since 2.6): `"Linux version "
/// UTS_RELEASE " (" LINUX_COMPILE_BY "@" LINUX_COMPILE_HOST ") (" LINUX_COMPILER ") " UTS_VERSION`.
/// The release is at most `__NEW_UTS_LEN` (64) bytes without spaces; `linux_banner` ends in a
/// line feed.
public struct KernelBanner: Sendable, Equatable {
    /// What every banner starts with.
    public static let marker = "Linux version "
    static let markerBytes = Array(marker.utf8)
    /// `__NEW_UTS_LEN` (`include/uapi/linux/utsname.h`): a longer word is not a release.
    public static let maxReleaseLength = 64

    /// The release (`uname -r`): `6.1.0-56-amd64`, `2.6.32-754.el6.x86_64`.
    public var release: String
    /// What follows the release up to the end of the line: builder, compiler and `#1 SMP …`.
    public var details: String?
    /// The banner from `Linux version` to the end of the line, without trailing blanks: equal
    /// for the same build, so it tells rebuilds of one release apart.
    public var text: String

    /// Where a banner stands in a line: the marker's start and the release's bytes.
    public struct Location: Sendable, Equatable {
        public var markerStart: Int
        public var release: Range<Int>
    }

    /// The banner in `line`, wherever the marker stands (after a log prefix, or in a symbol's
    /// bytes); `nil` when there is none or no release follows the marker.
    public init?(_ line: some StringProtocol) {
        var copy = String(line)
        guard
            let banner = copy.withUTF8({ utf8 in
                Self(bytes: UnsafeRawBufferPointer(utf8))
            })
        else { return nil }
        self = banner
    }

    /// The banner in `bytes`, as ``init(_:)``.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard let location = Self.locate(in: bytes) else { return nil }
        let lineEnd = Self.lineEnd(bytes, from: location.release.upperBound)
        release = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[location.release]), as: UTF8.self)
        let detailsStart = ByteScanning.skipSpaces(bytes, from: location.release.upperBound)
        details =
            detailsStart < lineEnd
            ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[detailsStart..<lineEnd]), as: UTF8.self) : nil
        var textEnd = lineEnd
        while textEnd > location.release.upperBound, Self.isBlank(bytes[textEnd - 1]) { textEnd -= 1 }
        text = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[location.markerStart..<textEnd]), as: UTF8.self)
    }

    /// Finds the marker and the release after it, without making strings (for per-line checks).
    public static func locate(in bytes: UnsafeRawBufferPointer) -> Location? {
        guard let markerStart = ByteScanning.firstIndex(of: "Linux version ", in: bytes) else { return nil }
        return releaseAfterMarker(bytes, markerStart: markerStart)
    }

    /// The release when `bytes` begins with the marker (a log line without its prefix).
    public static func locateAtStart(_ bytes: UnsafeRawBufferPointer) -> Location? {
        guard ByteScanning.hasLiteral(bytes, at: 0, "Linux version ") else { return nil }
        return releaseAfterMarker(bytes, markerStart: 0)
    }

    private static func releaseAfterMarker(_ bytes: UnsafeRawBufferPointer, markerStart: Int) -> Location? {
        let releaseStart = markerStart + markerBytes.count
        var releaseEnd = releaseStart
        while releaseEnd < bytes.count, !isBlank(bytes[releaseEnd]), !isLineBreak(bytes[releaseEnd]) {
            releaseEnd += 1
        }
        let length = releaseEnd - releaseStart
        guard length > 0, length <= maxReleaseLength else { return nil }
        return Location(markerStart: markerStart, release: releaseStart..<releaseEnd)
    }

    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = start
        while end < bytes.count, !isLineBreak(bytes[end]) { end += 1 }
        return end
    }

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    @inline(__always) static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
