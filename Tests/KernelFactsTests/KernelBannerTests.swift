import KernelFacts
import Testing

@Suite("Linux version banner and release")
struct KernelBannerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var line: String
        var release: String
        var version: String?
        var build: String?
        var flavour: String?
        var testDescription: String { release }
    }

    static let cases: [Case] = [
        // RHEL 6 (2.6.32): the compiler line holds parentheses of its own.
        Case(
            line: "Linux version 2.6.32-754.el6.x86_64 (mockbuild@x86-01.bsys.centos.org) (gcc version 4.4.7 "
                + "20120313 (Red Hat 4.4.7-23) (GCC) ) #1 SMP Wed Jun 27 15:09:38 UTC 2018",
            release: "2.6.32-754.el6.x86_64", version: "2.6.32", build: "754.el6", flavour: "x86_64"),
        // RHEL 7 (3.10).
        Case(
            line: "Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 "
                + "20150623 (Red Hat 4.8.5-44) (GCC) ) #1 SMP Mon Oct 19 16:18:59 UTC 2020",
            release: "3.10.0-1160.el7.x86_64", version: "3.10.0", build: "1160.el7", flavour: "x86_64"),
        // Ubuntu 22.04 (5.15).
        Case(
            line: "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) "
                + "11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023",
            release: "5.15.0-91-generic", version: "5.15.0", build: "91", flavour: "generic"),
        // Debian 12 (6.1), PREEMPT_DYNAMIC and the Debian version after it.
        Case(
            line: "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) "
                + "12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
            release: "6.1.0-56-amd64", version: "6.1.0", build: "56", flavour: "amd64"),
        // RHEL 9 (5.14) with its errata build.
        Case(
            line: "Linux version 5.14.0-362.8.1.el9_3.x86_64 (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) "
                + "(gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.35.2-42.el9) #1 SMP PREEMPT_DYNAMIC",
            release: "5.14.0-362.8.1.el9_3.x86_64", version: "5.14.0", build: "362.8.1.el9_3", flavour: "x86_64"),
        // syzbot: an upstream release candidate with clang.
        Case(
            line: "Linux version 6.8.0-rc1-syzkaller-00123-gabcdef (syzkaller@syzkaller) (Debian clang version "
                + "15.0.6, GNU ld (GNU Binutils for Debian) 2.40) #0 SMP PREEMPT_DYNAMIC Fri Jan 26 2024",
            release: "6.8.0-rc1-syzkaller-00123-gabcdef", version: "6.8.0", build: "rc1-syzkaller-00123-gabcdef",
            flavour: nil),
        // A kernel built by hand: `+` for a dirty tree, no flavour.
        Case(
            line: "Linux version 5.3.0+ (user@host) (gcc version 9.2.1) #75 SMP Mon Sep 30 2019",
            release: "5.3.0+", version: "5.3.0", build: "+", flavour: nil),
    ]

    @Test("release, details and parts", arguments: cases)
    func banner(_ example: Case) throws {
        let banner = try #require(KernelBanner(example.line))
        #expect(banner.release == example.release)
        #expect(banner.text == example.line)
        #expect(banner.details.map { example.line.hasSuffix($0) } == true)
        #expect(banner.details?.hasPrefix("(") == true)
        let info = KernelInfo(banner: banner)
        #expect(info.version == example.version)
        #expect(info.build == example.build)
        #expect(info.flavour == example.flavour)
        #expect(info.buildInfo == banner.details)
    }

    @Test("found after a log prefix; linux_banner's line feed and trailing blanks are not part of the text")
    func prefixAndLineEnd() throws {
        let banner = try #require(KernelBanner("[    0.000000] Linux version 6.1.0-56-amd64 (x@y) #1 SMP  \n"))
        #expect(banner.release == "6.1.0-56-amd64")
        #expect(banner.text == "Linux version 6.1.0-56-amd64 (x@y) #1 SMP")
        #expect(banner.details == "(x@y) #1 SMP  ")
        let bytes = Array("<6>Linux version 4.19.0-25-amd64 (debian".utf8)
        let location = try #require(bytes.withUnsafeBytes { KernelBanner.locate(in: $0) })
        #expect(location.markerStart == 3)
        #expect(String(decoding: bytes[location.release], as: UTF8.self) == "4.19.0-25-amd64")
        #expect(bytes.withUnsafeBytes { KernelBanner.locateAtStart($0) } == nil)
    }

    @Test("no release, or a word longer than __NEW_UTS_LEN, is no banner")
    func notBanners() {
        #expect(KernelBanner("Linux version ") == nil)
        #expect(KernelBanner("Linux version \n") == nil)
        #expect(KernelBanner("Linux versions 6.1 are fine") == nil)
        #expect(KernelBanner("Linux version " + String(repeating: "9", count: 65)) == nil)
        #expect(KernelBanner("Linux version " + String(repeating: "9", count: 64))?.release.count == 64)
    }

    @Test("the release of an oops header, old and new")
    func oopsHeader() {
        #expect(
            KernelRelease.fromOopsHeader("CPU: 0 PID: 107 Comm: init Tainted: G  OE  6.1.0-56-amd64 #1 Debian")
                == "6.1.0-56-amd64")
        #expect(
            KernelRelease.fromOopsHeader("CPU: 3 PID: 1 Comm: swapper/0 Not tainted 5.15.0-91-generic #101")
                == "5.15.0-91-generic")
        #expect(KernelRelease.fromOopsHeader("CPU: 3 UID: 0 PID: 1 Comm: sh Not tainted 6.13.0 #1") == "6.13.0")
        #expect(KernelRelease.fromOopsHeader("Pid: 1, comm: swapper Not tainted 2.6.32 #1") == "2.6.32")
        #expect(KernelRelease.fromLogLine("Linux version 6.1.0 (a@b) #1") == "6.1.0")
    }
}
