import KernelDump
import KtriageTestSupport
import Testing

/// A kdump page's descriptor is found by counting the dumped pages below it in the bitmap
/// (`rank`), counted from the last answer when pages are read in ascending order. Pages read in
/// any order, around excluded ones, must each find their own data.
@Suite("kdump page descriptors: rank in any read order")
struct PageRankTests {
    static let kernelMap: UInt64 = 0xffff_ffff_8000_0000
    /// Pages above what `smallKernel()` lays out, each stamped with its pfn.
    static let stamped = UInt64(384)..<UInt64(512)
    static let stampOffset = 2048

    static func excluded(_ pfn: UInt64) -> Bool { pfn % 3 == 0 || pfn % 7 == 0 || (440..<460).contains(pfn) }

    static func stampedKernel() throws -> SyntheticKernel {
        let kernel = smallKernel()
        for pfn in stamped {
            let at = Int(pfn) * 4096 + stampOffset
            try #require(kernel.memory[at..<(at + 8)].allSatisfy { $0 == 0 }, "page \(pfn) is free")
            for byte in 0..<8 { kernel.memory[at + byte] = UInt8(truncatingIfNeeded: pfn >> (8 * UInt64(byte))) }
        }
        return kernel
    }

    @Test(
        "ascending, descending and scattered reads each find the page's own data",
        arguments: [false, true])
    func readOrders(flattened: Bool) throws {
        let kernel = try Self.stampedKernel()
        var writer = KdumpWriter()
        writer.excludedPages = Set(Self.stamped.filter(Self.excluded))
        writer.dumpLevel = 31
        writer.flattened = flattened
        writer.flattenedChunk = 100  // the bitmap spans records: counted from copies
        let bytes = writer.write(kernel)
        let pfns = Array(Self.stamped)
        let orders = [pfns, pfns.reversed(), pfns.indices.map { pfns[($0 * 37) % pfns.count] }]
        for (number, order) in orders.enumerated() {
            let dump = try TestPaths.open(bytes, name: "rank-\(flattened)-\(number).kdump")
            for pfn in order {
                let address = Self.kernelMap + pfn * 4096 + UInt64(Self.stampOffset)
                if Self.excluded(pfn) {
                    #expect(throws: VmcoreError.self) { try dump.readKernel(address, count: 8) }
                    continue
                }
                let stamp = try dump.readKernel(address, count: 8)
                let value = stamp.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                #expect(value == pfn, "order \(number), pfn \(pfn)")
            }
        }
    }
}
