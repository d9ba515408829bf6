import ArgumentParser
import KernelLog

/// `--jobs` of `scan`, `group` and `ingest`: worker threads.
enum JobsOption {
    /// More threads than this help no machine; the readers take no more either.
    static let maximum = ChunkedLogReader.maximumJobs

    static func validate(_ jobs: Int?) throws {
        if let jobs, !(1...maximum).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and \(maximum)")
        }
    }
}
