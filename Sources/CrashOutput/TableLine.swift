import KernelFacts
import KernelLog
import KtriageBytes

/// `scan --lines --format table`: the text with a short metadata column.
public enum TableLine {
    public static func render(_ line: LogLine) -> String {
        var prefix = ""
        if let host = line.metadata.host { prefix += host + " " }
        if let mono = line.metadata.monotonicMicros { prefix += "[" + TimeText.seconds(micros: mono) + "] " }
        return prefix + ByteEscaping.displayString(line.text)
    }
}
