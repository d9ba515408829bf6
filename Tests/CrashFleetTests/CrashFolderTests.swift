import CrashFleet
import Foundation
import KtriageReader
import KtriageTestSupport
import Testing

@Suite("Crash folders and host names")
struct CrashFolderTests {
    @Test("hosts: fleet folder above var/crash or var/log, --host-from, never a generic name")
    func hostNaming() {
        let naming = HostNaming()
        #expect(naming.host(forPath: "fleet/db1/var/crash/202611221745/dmesg.202611221745") == "db1")
        #expect(naming.host(forPath: "fleet/db1/var/crash/202611221745/dump.202611221745") == "db1")
        #expect(naming.host(forPath: "fleet/web2/var/crash/127.0.0.1-2026-11-22-17:45:34/vmcore") == "web2")
        #expect(naming.host(forPath: "fleet/web2/var/log/messages") == "web2")
        #expect(naming.host(forPath: "fleet/app3/var/crash/linux-image-6.1.0-56-amd64-202611221745.crash") == "app3")
        // Without a fleet folder: the nearest name that is not generic.
        #expect(naming.host(forPath: "cases/lab7/202611221745/dmesg.202611221745") == "lab7")
        #expect(naming.host(forPath: "cases/lab7/127.0.0.1-2026-11-22-17:45:34/vmcore-dmesg.txt") == "lab7")
        #expect(naming.host(forPath: "saved/box9/console.log") == "box9")
        // --host-from: first capture group over the path, after the fleet folder.
        let custom = HostNaming(hostFrom: #"node-([a-z0-9]+)_"#)
        #expect(custom.host(forPath: "uploads/node-gpu17_2026-11-22/dmesg.txt") == "gpu17")
        #expect(custom.host(forPath: "fleet/db1/var/log/node-x_1/kern.log") == "db1")
        #expect(custom.host(forPath: "uploads/other/dmesg.txt") == "other")
        for generic in [
            "dump", "vmcore", "console", "messages", "kern", "202611221745", "127.0.0.1-2026-11-22-17:45:34",
        ] {
            #expect(HostNaming.isGeneric(Substring(generic)), "\(generic)")
        }
        #expect(!HostNaming.isGeneric("web01"))
    }

    @Test("kdump-tools, RHEL kdump and apport folders of a fleet: one crash per host, kexec-dmesg.log skipped")
    func textFolders() throws {
        var walker = InputWalker()
        walker.add(Fixtures.path("crash-folders"))
        #expect(walker.notes.contains { $0.path.hasSuffix("kexec-dmesg.log") && !$0.isError })
        let fleet = FleetScanner(context: FleetSupport.context, workers: 1).group(walker.items)
        #expect(fleet.groups.count == 1)
        let group = try #require(fleet.groups.values.first)
        #expect(group.crashes == 3)
        #expect(group.hosts == ["db1": 1, "web2": 1, "app3": 1])
        // The crash(8) session beside vmcore-dmesg.txt holds the same log: counted once.
        #expect(fleet.duplicates == 1)
    }

    @Test("a crash(8) session's header and backtrace are not kernel text; its log is")
    func crashSession() throws {
        let path = Fixtures.path("crash-folders/web2/var/crash/127.0.0.1-2017-11-12-15:07:03/crash-session.txt")
        let report = CrashReader().read(InputWalker.Item(path: path, kind: .text))
        #expect(report.records.count == 1)
        #expect(report.summary?.format == .crashSession)
        #expect(report.summary?.kernelLines == 32)
    }

    static let vmcores = Fixtures.sharedRoot + "/vmcores/kdump-guest-corrupt-list-add"
    static var hasVmcores: Bool { FileManager.default.fileExists(atPath: vmcores + "/vmcore.makedumpfile-c-d31") }

    @Test(
        "real dumps in kdump-tools and RHEL folders with their dmesg and tool outputs count once",
        .enabled(if: hasVmcores))
    func realDumps() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-crash-folders-\(getpid())")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = Self.vmcores
        let links: [(String, String)] = [
            ("db1/var/crash/202611221745/dump.202611221745", "vmcore.makedumpfile-c-d31"),
            ("db1/var/crash/202611221745/dmesg.202611221745", "kdump-guest/dmesg.makedumpfile.txt"),
            ("web2/var/crash/127.0.0.1-2026-11-22-17:45:34/vmcore", "vmcore.makedumpfile-c-d31"),
            ("web2/var/crash/127.0.0.1-2026-11-22-17:45:34/vmcore-dmesg.txt", "kdump-guest/dmesg.vmcore-dmesg.txt"),
            ("web2/var/crash/127.0.0.1-2026-11-22-17:45:34/kexec-dmesg.log", "console.log"),
            (
                "web2/var/crash/127.0.0.1-2026-11-22-17:45:34/crash-vmlinux.out",
                "peers/crash-vmlinux.makedumpfile-c-d31.out"
            ),
            ("web2/var/crash/127.0.0.1-2026-11-22-17:45:34/crash-log.out", "peers/crash-log.makedumpfile-c-d31.out"),
            (
                "web2/var/crash/127.0.0.1-2026-11-22-17:45:34/makedumpfile-dump-dmesg.txt",
                "peers/makedumpfile-dump-dmesg.makedumpfile-c-d31.txt"
            ),
            ("web2/var/crash/127.0.0.1-2026-11-22-17:45:34/makedumpfile.out", "kdump-guest/makedumpfile-c-d31.log"),
            ("app3/var/crash/202611221745/dmesg.202611221745", "kdump-guest/dmesg.vmcore-dmesg.txt"),
        ]
        for (link, target) in links {
            let path = root + "/" + link
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: source + "/" + target)
        }
        var walker = InputWalker()
        walker.add(root)
        // Each dump carries the text files of its folder; makedumpfile's messages and the capture
        // kernel's log are skipped.
        let dumps = walker.items.filter { $0.kind.isDump }
        #expect(dumps.count == 2)
        #expect(dumps.map(\.companions.count).sorted() == [1, 4])
        #expect(walker.items.count == 3)
        #expect(walker.notes.contains { $0.path.hasSuffix("makedumpfile.out") })
        let fleet = FleetScanner(context: FleetSupport.context, workers: 1).group(walker.items)
        #expect(fleet.groups.count == 1)
        let group = try #require(fleet.groups.values.first)
        #expect(group.crashes == 3)
        #expect(group.hosts == ["db1": 1, "web2": 1, "app3": 1])
    }
}
