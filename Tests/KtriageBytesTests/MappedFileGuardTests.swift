import Foundation
import KtriageBytes
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Mapped files cut short while read")
struct MappedFileGuardTests {
    static func temporaryFile(bytes count: Int) throws -> String {
        let path = NSTemporaryDirectory() + "ktriage-guard-\(UUID().uuidString).log"
        #expect(
            FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "A"), count: count)))
        return path
    }

    @Test("a file truncated after it was mapped reads as zeros past its new end, counted, instead of SIGBUS")
    func truncatedUnderTheMapping() throws {
        let path = try Self.temporaryFile(bytes: 256 << 10)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try MappedFile(path: path)
        #expect(file.bytes.count == 256 << 10)
        #expect(!file.shrankWhileRead)
        #expect(truncate(path, 16 << 10) == 0)
        // Every byte: the first 16 KiB are the file's, the rest past its end.
        var letters = 0
        var zeros = 0
        for byte in file.bytes {
            if byte == UInt8(ascii: "A") { letters += 1 } else if byte == 0 { zeros += 1 }
        }
        #expect(letters == 16 << 10)
        #expect(zeros == (256 << 10) - (16 << 10))
        #expect(file.shrankWhileRead)
        #expect(file.pagesPastEnd >= 1)
    }

    @Test("a file read whole without changes counts nothing; guards are given back")
    func untouchedFiles() throws {
        let path = try Self.temporaryFile(bytes: 64 << 10)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // More files, one after another, than the guard has slots: each gives its slot back.
        for _ in 0..<200 {
            let file = try MappedFile(path: path)
            #expect(file.bytes.reduce(0) { $0 + Int($1) } == Int(UInt8(ascii: "A")) * (64 << 10))
            #expect(!file.shrankWhileRead)
        }
        // A file cut short in the last of them is still caught.
        let last = try MappedFile(path: path)
        #expect(truncate(path, 0) == 0)
        #expect(last.bytes.allSatisfy { $0 == 0 })
        #expect(last.shrankWhileRead)
    }
}
