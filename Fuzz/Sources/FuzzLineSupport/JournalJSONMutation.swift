import FuzzSupport

/// `journalctl -o json` lines: what journald writes that plain byte mutation rarely makes whole —
/// string escapes and values of other entries (``JSONLineMutation``), a string written as an array
/// of bytes (journald's form for non-UTF-8 values), and the fields the reader decodes, added at
/// the front of an entry.
enum JournalJSONMutation {
    static let fields = [
        "\"_TRANSPORT\":\"kernel\",", "\"_TRANSPORT\":\"stdout\",", "\"PRIORITY\":\"3\",", "\"PRIORITY\":[51],",
        "\"_HOSTNAME\":\"web01\",", "\"_BOOT_ID\":\"4f8a0c2e5b7d4e1f9a3b6c8d0e2f4a6b\",",
        "\"__REALTIME_TIMESTAMP\":\"1510499191000000\",", "\"__MONOTONIC_TIMESTAMP\":\"18446744073709551615\",",
        "\"_SOURCE_MONOTONIC_TIMESTAMP\":\"12345678\",", "\"MESSAGE\":null,", "\"MESSAGE\":[66,85,71,58,32,255],",
        "\"MESSAGE\":\"BUG: kernel NULL pointer dereference, address: 0000000000000008\",",
        "\"SYSLOG_FACILITY\":\"0\",",
        "\"MESSAGE\":\"a\",\"MESSAGE\":\"b\",", "\"x\":{\"y\":[1,2,{\"z\":true}]},",
    ]

    static func mutate(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let index = random.below(input.lines.count)
        let line = input.lines[index]
        switch random.below(4) {
        case 0: return JSONLineMutation.insertEscape(&input, at: index, &random, room: room)
        case 1:
            // `"KEY":"text"` → `"KEY":[116,101,120,116]`.
            guard let value = JSONLineMutation.stringValues(in: line).first else { return false }
            let array = "[" + line[value].map { String($0) }.joined(separator: ",") + "]"
            let quoted = (value.lowerBound - 1)...value.upperBound
            guard array.utf8.count - quoted.count <= room else { return false }
            input.lines[index].replaceSubrange(quoted, with: Array(array.utf8))
        case 2:
            guard let brace = line.firstIndex(of: UInt8(ascii: "{")) else { return false }
            let field = Array((random.pick(fields) ?? "").utf8)
            guard field.count <= room else { return false }
            input.lines[index].insert(contentsOf: field, at: brace + 1)
        default: return JSONLineMutation.copyValue(&input, &random, room: room)
        }
        return true
    }
}
