import Foundation
import KtriageTestSupport
import Testing

/// Headless Chromium, when installed (`bash scripts/setup.sh chromium`; scripts/test.sh does it).
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs chromium headless on a local file with a throwaway profile; returns stdout.
    static func run(_ arguments: [String], page: String) throws -> String {
        guard let path else { return "" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let profile = Fixtures.temporaryFolder("ktriage-chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
                "--virtual-time-budget=3000",
            ] + arguments + ["file://" + page]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("The fleet HTML page in a real browser")
struct FleetPageTests {
    @Test(
        "headless Chromium shows the groups sorted by hosts, the bad build first, hostile text as text",
        .enabled(
            if: Chromium.path != nil,
            "chromium is not installed: run `bash scripts/setup.sh chromium` (scripts/test.sh does)"))
    func pageInChromium() throws {
        let folder = Fixtures.temporaryFolder("ktriage-page")
        let page = folder + "/fleet.html"
        let result = try CommandRunner.run(["group", "fixtures/fleet", "--format", "html", "--output", page])
        #expect(result.status == 0, "\(result.stderr)")
        let dom = try Chromium.run(["--dump-dom"], page: page)
        // The inline script ran: it sorted the table by hosts (descending) and marked the body.
        #expect(dom.contains("data-ready=\"1\""))
        #expect(dom.contains("data-sorted-by=\"hosts\""))
        #expect(dom.contains("aria-sort=\"descending\""))
        let body = try #require(dom.range(of: "<tbody>")).upperBound
        let rows = dom[body...].prefix { _ in true }.components(separatedBy: "</tbody>")[0]
            .components(separatedBy: "<tr").dropFirst()
        #expect(rows.count == 6)
        #expect(rows.first?.contains("nf_tables_commit") == true)
        #expect(rows.first?.contains("kernel 6.1.0-18-amd64: 100%") == true)
        // The comm and device name with markup stayed text: no element was created from them.
        #expect(!dom.contains("<img"))
        #expect(!dom.contains("<script>alert"))
        #expect(dom.contains("comm &lt;script&gt;alert('x')&lt;/script&gt;\"`q`\\x1B[31m"))
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;\\x07"))
        // Nothing is fetched: no external URL in the page.
        let html = try #require(Fixtures.read(page))
        #expect(!String(decoding: html, as: UTF8.self).contains("https://"))

        let shot = folder + "/fleet.png"
        _ = try Chromium.run(["--hide-scrollbars", "--window-size=1280,1400", "--screenshot=" + shot], page: page)
        let png = try #require(Fixtures.read(shot))
        #expect(png.count > 20_000)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }
}
