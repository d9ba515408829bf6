import KernelLog
import KtriageBytes

/// The outcome of reading one input.
public struct InputScanResult: Sendable {
    public var path: String
    public var summary: LogReadSummary?
    /// Why the input could not be read (the message names the file and, for binary input, the
    /// byte offset). Inputs after a failed one are still read.
    public var error: String?
}

/// Reads inputs into per-input results. The single place where scan, group and report turn a
/// path into lines, so every command treats inputs alike.
public struct InputScanner {
    public var options: LogReaderOptions

    public init(options: LogReaderOptions = LogReaderOptions()) {
        self.options = options
    }

    /// Reads one input; `onLine` sees every kernel line.
    public func scan(_ item: InputWalker.Item, onLine: (LogLine) throws -> Void = { _ in }) -> InputScanResult {
        var result = InputScanResult(path: item.path)
        if item.kind.isDump {
            result.error = "\(item.path): is a vmcore (\(item.kind.rawValue)); vmcore reading is not available yet"
            return result
        }
        do {
            if item.pstoreParts.isEmpty {
                result.summary = try KernelLogReader.read(path: item.path, options: options, onLine)
            } else {
                result.summary = try KernelLogReader.read(
                    pstoreFiles: [item.path] + item.pstoreParts, options: options, onLine)
            }
        } catch let error as InputError {
            result.error = error.description
        } catch {
            result.error = "\(item.path): \(error)"
        }
        return result
    }
}
