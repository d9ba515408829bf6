import KernelFacts
import KernelLog
import KtriageBytes

/// One kernel line as an NDJSON object, for `ktriage scan --lines`: the text without wrappers and
/// what the wrappers said. Keys always appear in this order; absent values are omitted.
public enum LineJSON {
    public static func encode(_ line: LogLine, file: String) -> String {
        var json = "{\"file\":" + JSONText.quoted(file)
        json += ",\"line\":\(line.number),\"source\":\"\(line.metadata.source.rawValue)\""
        if let host = line.metadata.host { json += ",\"host\":" + JSONText.quoted(host) }
        if let boot = line.metadata.bootID { json += ",\"boot\":" + JSONText.quoted(boot) }
        if let wall = line.metadata.wallClockMicros { json += ",\"time\":\"" + TimeText.iso8601(micros: wall) + "\"" }
        if let mono = line.metadata.monotonicMicros { json += ",\"monotonic\":" + TimeText.seconds(micros: mono) }
        if let caller = line.metadata.caller { json += ",\"caller\":\"\(caller)\"" }
        if let level = line.metadata.level { json += ",\"level\":\(level)" }
        if !line.metadata.isKernel { json += ",\"kernel\":false" }
        if line.truncated { json += ",\"truncated\":true" }
        json += ",\"text\":" + JSONText.quoted(bytes: line.text) + "}"
        return json
    }
}
