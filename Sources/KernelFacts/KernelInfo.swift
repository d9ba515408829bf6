/// A kernel release string and the parts we can recognise.
///
/// Format notes: distributions append their build after the upstream version:
/// Debian/Ubuntu `5.15.0-91-generic`, `6.1.0-56-amd64`; RHEL `2.6.32-19.el6.x86_64`,
/// `4.18.0-513.5.1.el8_9.x86_64`; syzbot `5.3.0+`, `6.8.0-rc1-syzkaller-00123-gabcdef`.
public struct KernelInfo: Sendable, Codable, Equatable {
    /// As printed (`uname -r`).
    public var release: String
    /// The upstream `major.minor[.patch]`.
    public var version: String?
    /// What follows the upstream version, without the flavour (`91`, `19.el6`).
    public var build: String?
    /// The flavour or architecture suffix (`generic`, `amd64`, `x86_64`).
    public var flavour: String?
    /// The `#N` build counter or the rest of the banner (`#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2`).
    public var buildInfo: String?

    enum CodingKeys: String, CodingKey {
        case release, version, build, flavour
        case buildInfo = "build_info"
    }

    /// The release's parts; `buildInfo` is what the banner or oops header printed after it.
    public init(release: String, buildInfo: String? = nil) {
        self.release = release
        self.buildInfo = buildInfo
        var digits = release.startIndex
        var dots = 0
        while digits < release.endIndex {
            let character = release[digits]
            if character.isASCII && character.isNumber {
            } else if character == "." && dots < 2 {
                dots += 1
            } else {
                break
            }
            digits = release.index(after: digits)
        }
        let version = release[..<digits]
        self.version =
            version.isEmpty || dots == 0 ? nil : String(version.hasSuffix(".") ? version.dropLast() : version)
        var rest = release[digits...]
        if rest.first == "-" || rest.first == "." { rest = rest.dropFirst() }
        if rest.isEmpty {
            build = nil
            flavour = nil
            return
        }
        let knownFlavours = Self.flavours
        if let dash = rest.lastIndex(of: "-"), knownFlavours.contains(String(rest[rest.index(after: dash)...])) {
            build = String(rest[..<dash])
            flavour = String(rest[rest.index(after: dash)...])
        } else if let dot = rest.lastIndex(of: "."), knownFlavours.contains(String(rest[rest.index(after: dot)...])) {
            build = String(rest[..<dot])
            flavour = String(rest[rest.index(after: dot)...])
        } else if knownFlavours.contains(String(rest)) {
            build = nil
            flavour = String(rest)
        } else {
            build = String(rest)
            flavour = nil
        }
    }

    /// Flavour and architecture suffixes seen in distribution kernels (Debian `-amd64`,
    /// `-cloud-amd64`, `-rt-amd64`; Ubuntu `-generic`, `-aws`; RHEL `.x86_64`; SUSE `-default`).
    public static let flavours: Set<String> = [
        "generic", "lowlatency", "aws", "azure", "gcp", "oracle", "kvm", "amd64", "arm64", "cloud-amd64",
        "rt-amd64", "x86_64", "aarch64", "ppc64le", "s390x", "i686", "default", "rt", "debug",
        "xen", "pae", "686-pae", "686", "powerpc64le", "riscv64", "raspi",
    ]
}

extension KernelInfo {
    /// The running kernel a boot banner names, with the banner's details as `buildInfo`.
    public init(banner: KernelBanner) {
        self.init(release: banner.release, buildInfo: banner.details)
    }
}
