import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage scan --system-map")
struct ScanSystemMapTests {
    static let map = Fixtures.shared("vmcores/System.map-6.1.0-56-amd64")

    func frames(_ stdout: String) throws -> [[String: Any]] {
        let line = try #require(stdout.split(separator: "\n").first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(record["frames"] as? [[String: Any]])
    }

    @Test(
        "frames gain run-time addresses with the KASLR offset of the report (real Debian 6.1 log)",
        .enabled(if: Fixtures.sharedAvailable("vmcores"), "../shared/vmcores is absent"))
    func kaslrLog() throws {
        let log = Fixtures.shared("vmcores/lkdtm-bug-smp2/console.log")
        let result = try CommandRunner.run(["scan", "--format", "ndjson", "--system-map", Self.map, log])
        #expect(result.status == 0)
        let write = try #require(try frames(result.stdout).first { $0["function"] as? String == "full_proxy_write" })
        // full_proxy_write is at 0xffffffff81426d50 in the map; KASLR moved the kernel by 0x7800000.
        #expect(write["address"] as? UInt64 == 0xffff_ffff_88c2_6da3)
        let module = try #require(try frames(result.stdout).first { $0["module"] as? String == "lkdtm" })
        #expect(module["address"] == nil)
    }

    @Test(
        "a map of another build adds nothing and says why",
        .enabled(if: Fixtures.sharedAvailable("vmcores"), "../shared/vmcores is absent"))
    func otherBuild() throws {
        let result = try CommandRunner.run([
            "scan", "--format", "ndjson", "--system-map", Self.map, "fixtures/wrappers/dmesg.log",
        ])
        #expect(result.status == 0)
        #expect(try frames(result.stdout).allSatisfy { $0["address"] == nil })
        #expect(result.stderr.contains("the map belongs to another build"))
    }
}
