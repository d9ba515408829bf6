import Foundation

/// Assembles kept reports into records on a thread of its own while the reading goes on: a
/// parser given a pool (``CrashReportParser/assemblyPool``) hands each report over as it ends
/// instead of assembling it on the reading thread, and collects the records when they are taken.
/// A large log read on several cores (`ChunkedLogReader`) has one walk thread that every worker
/// waits for, and record assembly (titles, fields, frames) was a third of that thread on a
/// crash-dense log.
///
/// A thread of its own, not dispatch's, for the reason the chunk workers have theirs: with
/// several readings at once, dispatch's threads can all be blocked. The thread starts with a
/// report and ends once none has come for ``idleSeconds``. Tickets are handed out and redeemed
/// on the thread that owns the parsers.
public final class RecordAssemblyPool: @unchecked Sendable {
    private struct Job {
        let ticket: Int
        let builder: ReportBuilder
        let keepText: Bool
    }

    /// How long the thread waits for another report before it ends.
    static let idleSeconds = 0.05

    /// Guards everything below it.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    /// Jobs before this index are taken.
    private var nextJob = 0
    private var results: [Int: CrashRecord] = [:]
    private var running = false
    private var nextTicket = 0

    public init() {}

    /// Starts assembling `builder`; the ticket redeems the record.
    func submit(_ builder: ReportBuilder, keepText: Bool) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let ticket = nextTicket
        nextTicket += 1
        jobs.append(Job(ticket: ticket, builder: builder, keepText: keepText))
        if running {
            condition.broadcast()
        } else {
            running = true
            let thread = Thread { [self] in work() }
            thread.name = "ktriage record assembly"
            thread.start()
        }
        return ticket
    }

    /// The record of `ticket`, once assembled. Records stay until the pool goes (with its
    /// reading): a copy of a parser may take the same ticket again.
    func take(_ ticket: Int) -> CrashRecord {
        condition.lock()
        defer { condition.unlock() }
        precondition(ticket < nextTicket, "record assembly ticket \(ticket) was never given")
        while true {
            if let record = results[ticket] { return record }
            condition.wait()
        }
    }

    /// Assembles jobs as they come; ends when none has come for ``idleSeconds`` (the next report
    /// starts a thread again).
    private func work() {
        condition.lock()
        while true {
            if nextJob == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                nextJob = 0
                if !condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds)), jobs.isEmpty { break }
                continue
            }
            let job = jobs[nextJob]
            nextJob += 1
            condition.unlock()
            let record = RecordAssembler.assemble(job.builder, keepText: job.keepText)
            condition.lock()
            results[job.ticket] = record
            condition.broadcast()
        }
        running = false
        condition.unlock()
    }
}
