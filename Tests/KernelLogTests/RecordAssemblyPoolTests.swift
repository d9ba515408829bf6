import Foundation
import KernelLog
import Testing

/// Records assembled on a pool's thread (what a reading on several cores does) are the records
/// assembled in place: same fields, classes, links, kernels and late panics, whether taken as
/// reports end or at the finish.
@Suite struct RecordAssemblyPoolTests {
    static func records(_ path: String, pool: RecordAssemblyPool?, takeEvery: Int?) throws -> [CrashRecord] {
        var parser = CrashReportParser()
        parser.assemblyPool = pool
        var out: [CrashRecord] = []
        var count = 0
        _ = try KernelLogReader.read(path: path, options: LogReaderOptions(referenceYear: 2024)) { line in
            parser.consume(line)
            count += 1
            if let takeEvery, count % takeEvery == 0 { out += parser.takeRecords() }
        }
        return out + parser.finish()
    }

    static var fixtureLogs: [String] {
        let files = FileManager.default.enumerator(atPath: Paths.fixtures.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".log") }.sorted().map { Paths.fixtures.appendingPathComponent($0).path }
    }

    @Test("every fixture log: the pool's records equal those assembled in place", arguments: [nil, 7])
    func sameRecords(takeEvery: Int?) throws {
        let logs = Self.fixtureLogs
        #expect(logs.count >= 60)
        var compared = 0
        var linked = 0
        for path in logs {
            let inPlace = try Self.records(path, pool: nil, takeEvery: takeEvery)
            let pooled = try Self.records(path, pool: RecordAssemblyPool(), takeEvery: takeEvery)
            #expect(pooled == inPlace, "\(path)")
            compared += inPlace.count
            linked += inPlace.filter { $0.linkedTo != nil }.count
        }
        // The fixtures hold linked panics, banners and events: the comparison is not vacuous.
        #expect(compared >= 100)
        #expect(linked > 0)
    }

    @Test("a copy of a parser takes the same records again instead of waiting for them")
    func copyTakesAgain() throws {
        let path = Paths.fixtures.appendingPathComponent("bug/kernel-bug-at-5.4.log").path
        var parser = CrashReportParser()
        parser.assemblyPool = RecordAssemblyPool()
        _ = try KernelLogReader.read(path: path, options: LogReaderOptions(referenceYear: 2024)) { parser.consume($0) }
        var copy = parser
        let first = parser.finish()
        #expect(!first.isEmpty)
        #expect(copy.finish() == first)
    }
}
