import ArgumentParser

/// `--jobs` of `scan`, `group` and `ingest`: worker threads.
enum JobsOption {
    /// More threads than this help no machine. Larger values made the readers size batches and
    /// per-thread tables by the count (`4 × jobs` trapped on overflow near `Int.max`, and a
    /// billion jobs would allocate a billion per-thread queues).
    static let maximum = 1024

    static func validate(_ jobs: Int?) throws {
        if let jobs, !(1...maximum).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and \(maximum)")
        }
    }
}
