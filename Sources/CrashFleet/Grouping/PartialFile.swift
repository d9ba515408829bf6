import Foundation
import KtriageBytes
import KtriageNative

/// Reading partial aggregates (`group --merge`); `CrashOutput.FleetJSON.partial` writes them.
///
/// A partial is one JSON object whose `groups` member holds most of it (per group its hosts,
/// their attribute sets and record ids: 143 MB for a million records). Decoding the document in
/// one piece built a tree of all of it first (758 MB); here a byte cursor finds each group's
/// value and `JSONDecoder` decodes one group at a time (on `jobs` threads), and the small rest
/// of the document on its own, so memory holds the groups being decoded, not the whole tree.
/// Each group is read by `GroupAggregateReader` (a byte cursor), or by `JSONDecoder` when that
/// declines it.
public enum PartialFile {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notPartial(path: String, reason: String)
        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
            case .notPartial(let path, let reason): return "\(path): not a ktriage partial grouping (\(reason))"
            }
        }
    }

    /// Groups decoded at a time by each worker: the pages of a batch stay mapped until it is
    /// done (64 a worker held 46 MB of the million's partial with two workers; 16, 11 MB).
    static let batch = 16
    /// Bytes of a mapped partial walked over between two releases of its pages.
    static let releaseStep = 8 << 20

    public static func read(path: String, jobs: Int = 1) throws(Failure) -> FleetAggregate {
        let input: ByteInput
        do {
            input = try ByteInput(path: path)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        if !input.isGzip, let mapped = input.mappedFile {
            return try read(mapped.bytes, path: path, jobs: jobs, release: { mapped.dropPages($0) })
        }
        var bytes: [UInt8] = []
        do {
            try input.forEachChunk { bytes.append(contentsOf: $0) }
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(Failure) in try read(buffer, path: path, jobs: jobs) }
        }
        return try result.get()
    }

    /// A partial held in memory; `path` names it in errors. `release` is told which bytes are
    /// read and may be dropped from memory (a mapped file's pages: the million's partial is
    /// 143 MB): all of them after the first pass over the document, then each batch of groups
    /// once decoded; they are read again only if asked for again.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, path: String, jobs: Int = 1, release: (Range<Int>) -> Void = { _ in }
    ) throws(Failure) -> FleetAggregate {
        func refuse(_ reason: String) -> Failure { .notPartial(path: path, reason: String(reason.prefix(200))) }
        // The members other than `groups`, copied as they are, and the groups' keys and values.
        var rest: [UInt8] = [UInt8(ascii: "{")]
        var groupValues: [Range<Int>] = []
        var groupKeys: [Range<Int>] = []
        var sawGroups = false
        var hostSets: [(host: UInt32, set: HostAttributeSet)]?
        var cursor = JSONCursor(bytes)
        let walked = cursor.forEachMember { key, cursor in
            // The hosts' facts (10,000 hosts in a fleet's partial), on the cursor when it can.
            if key.elementsEqual("hosts".utf8), hostSets == nil {
                var attempt = cursor
                if let sets = readHostFacts(&attempt) {
                    hostSets = sets
                    cursor = attempt
                    return true
                }
            }
            if key.elementsEqual("groups".utf8) {
                guard !sawGroups else { return false }
                sawGroups = true
                // A dictionary with struct keys is encoded as [key, value, key, value, …].
                var isKey = true
                var released = 0
                return cursor.forEachElement { element in
                    let start = element.position
                    // The pages walked over go as the walk goes (each batch is read again later).
                    if start - released >= releaseStep {
                        release(released..<start)
                        released = start
                    }
                    guard element.skipValue() else { return false }
                    if isKey {
                        groupKeys.append(start..<element.position)
                    } else {
                        groupValues.append(start..<element.position)
                    }
                    isKey.toggle()
                    return true
                }
            }
            let start = cursor.position
            guard cursor.skipValue() else { return false }
            if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
            rest.append(UInt8(ascii: "\""))
            rest.append(contentsOf: key)
            rest.append(contentsOf: "\":".utf8)
            rest.append(contentsOf: bytes[start..<cursor.position])
            return true
        }
        guard walked, cursor.atEnd() else { throw refuse("not a JSON object") }
        guard groupKeys.count == groupValues.count else { throw refuse("groups: a key without its group") }
        if hostSets != nil { rest.append(contentsOf: ((rest.count > 1 ? "," : "") + "\"hosts\":{}").utf8) }
        rest.append(contentsOf: ((rest.count > 1 ? "," : "") + "\"groups\":[]}").utf8)
        var fleet: FleetAggregate
        do {
            fleet = try JSONDecoder().decode(FleetAggregate.self, from: Data(rest))
        } catch {
            throw refuse("\(error)")
        }
        if let hostSets {
            // Read beside the rest: the decoder did not see a `hosts` member, which it requires.
            for (host, set) in hostSets { fleet.hostTable.addFacts(host: host, attributes: set) }
        }
        guard fleet.schema == FleetAggregate.schemaVersion else {
            throw refuse("schema \(fleet.schema), expected \(FleetAggregate.schemaVersion)")
        }
        release(0..<bytes.count)
        let decoded = ParallelSlots<Result<(GroupKey, GroupAggregate), any Error>>(count: groupKeys.count)
        let shared = InputBytes(bytes: bytes)
        let keyRanges = groupKeys
        let valueRanges = groupValues
        let workers = max(1, jobs)
        let registry = fleet.hostTable.registry
        var batchStart = 0
        while batchStart < groupKeys.count {
            let first = batchStart
            let end = min(groupKeys.count, first + workers * batch)
            DispatchQueue.concurrentPerform(iterations: min(workers, end - first)) { worker in
                let decoder = JSONDecoder()
                for index in stride(from: first + worker, to: end, by: workers) {
                    let key = Data(shared.bytes[keyRanges[index]])
                    let valueBytes = UnsafeRawBufferPointer(rebasing: shared.bytes[valueRanges[index]])
                    decoded.set(
                        index,
                        Result {
                            // The byte reader first; what it declines, as the decoder reads it.
                            (
                                try decoder.decode(GroupKey.self, from: key),
                                try GroupAggregateReader.read(valueBytes, registry: registry)
                                    ?? decoder.decode(GroupAggregate.self, from: Data(valueBytes))
                            )
                        })
                }
            }
            release(keyRanges[first].lowerBound..<valueRanges[end - 1].upperBound)
            batchStart = end
        }
        for result in decoded.all() {
            switch result {
            case .success(let (key, group)):
                guard fleet.groups.updateValue(group, forKey: key) == nil else {
                    throw refuse("group \(key.signature) appears twice")
                }
            case .failure(let error):
                throw refuse("\(error)")
            }
        }
        let (total, implausibility) = fleet.plausibleCountTotal()
        if let implausibility { throw refuse(implausibility) }
        fleet.mergedCountTotal.value = total
        return fleet
    }

    /// The aggregate's `hosts` member (`{"name": {"values": {"kernel": ["6.1.0-18-amd64"], …}}, …}`)
    /// as host numbers and attribute sets, as `FleetAggregate.add(hostFacts:)` makes them; `nil`
    /// for anything unusual (a name twice, an escape in a key), which the decoder then reads.
    static func readHostFacts(_ cursor: inout JSONCursor) -> [(host: UInt32, set: HostAttributeSet)]? {
        var sets: [(host: UInt32, set: HostAttributeSet)] = []
        var hosts = Set<String>()
        let walked = cursor.forEachMember { name, cursor in
            let host = String(decoding: name, as: UTF8.self)
            guard hosts.insert(host).inserted else { return false }
            var known: UInt8 = 0
            var values: [AttributeValue] = []
            var sawValues = false
            let walkedFacts = cursor.forEachMember { member, cursor in
                guard member.elementsEqual("values".utf8) else { return cursor.skipValue() }
                guard !sawValues else { return false }
                sawValues = true
                var categories = Set<String>()
                return cursor.forEachMember { categoryName, cursor in
                    let text = String(decoding: categoryName, as: UTF8.self)
                    guard categories.insert(text).inserted else { return false }
                    let category = AttributeCategory(rawValue: text)
                    if let category { known |= category.bit }
                    return cursor.forEachElement { element in
                        guard let value = element.readString() else { return false }
                        if let category { values.append(AttributeValue(category: category, value: value)) }
                        return true
                    }
                }
            }
            guard walkedFacts, sawValues else { return false }
            values.sort { ($0.category.bit, $0.value) < ($1.category.bit, $1.value) }
            sets.append((HostNames.shared.number(of: host), HostAttributeSet(known: known, sortedValues: values)))
            return true
        }
        return walked ? sets : nil
    }
}
