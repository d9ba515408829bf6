import Testing

@testable import KernelLog

/// How ``ChunkedLogReader`` cuts one large input for its workers.
@Suite struct ChunkCountTests {
    @Test("every worker gets as many chunks, none larger than asked by more than a share")
    func balancedChunkCount() {
        // 17.5 chunks' worth of bytes on two workers: 18, nine each (17 left one worker a chunk
        // to read alone at the end).
        #expect(ChunkedLogReader.chunkCount(35 * 1_000, chunkBytes: 2_000, jobs: 2) == 18)
        #expect(ChunkedLogReader.chunkCount(36 * 1_000, chunkBytes: 2_000, jobs: 2) == 18)
        #expect(ChunkedLogReader.chunkCount(10_000, chunkBytes: 1_000, jobs: 3) == 12)
        // Fewer chunks than workers stay as they are (each still at least the size asked).
        #expect(ChunkedLogReader.chunkCount(5_000, chunkBytes: 2_000, jobs: 4) == 2)
        #expect(ChunkedLogReader.chunkCount(100, chunkBytes: 2_000, jobs: 2) == 1)
        for jobs in 1...8 {
            for bytes in stride(from: 1_000, through: 90_000, by: 7_919) {
                let count = ChunkedLogReader.chunkCount(bytes, chunkBytes: 1_000, jobs: jobs)
                #expect(count >= jobs ? count % jobs == 0 : count == max(1, bytes / 1_000))
                #expect(count < bytes / 1_000 + jobs)
            }
        }
    }
}
