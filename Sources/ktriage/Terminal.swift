import CrashOutput

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the terminal allows: colour only on a TTY and never with `NO_COLOR`; progress only when
/// stderr is a TTY.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    static var stderrIsTTY: Bool { isatty(2) == 1 }

    /// `NO_COLOR` set to anything non-empty disables colour (no-color.org).
    static var colorAllowed: Bool {
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        return stdoutIsTTY
    }

    /// Columns for tables: `COLUMNS` when set, else the terminal's on stdout; piped output keeps
    /// whole cells (the file:line that `show --line` needs must not be cut).
    static var width: Int {
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let columns = Int(text), columns > 20 {
            return columns
        }
        var size = winsize()
        if stdoutIsTTY, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return unlimitedWidth
    }

    /// The width of a table nobody reads on a terminal: no cell is cut.
    static let unlimitedWidth = Int.max / 4
}

/// Buffered writing to stdout and one-line messages to stderr.
final class Output {
    private var buffer: [UInt8] = []
    private let descriptor: Int32
    /// A write failed (a full disk, a closed pipe); what followed was dropped.
    private(set) var failed = false

    /// Output to `descriptor` (standard output unless given).
    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func line(_ text: String) {
        write(text)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    failed = true
                    break
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }

    /// One line on stderr, `ktriage: ` first. Messages quote paths, host names and log text, any
    /// of which may hold escape sequences or line breaks: they are shown as `\xNN`, so a message
    /// stays one line and cannot drive the terminal.
    static func warn(_ message: String) {
        let text = "ktriage: " + TerminalText.clean(message) + "\n"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}

/// Progress on stderr, only when stderr is a terminal and the run is long.
struct Progress {
    let total: Int
    let enabled: Bool
    private var lastShown: timespec = timespec()

    init(total: Int) {
        self.total = total
        enabled = Terminal.stderrIsTTY && total > 1
    }

    mutating func update(done: Int, current: String) {
        guard enabled else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsedMillis = (now.tv_sec - lastShown.tv_sec) * 1000 + (now.tv_nsec - lastShown.tv_nsec) / 1_000_000
        guard elapsedMillis >= 200 || done == total else { return }
        lastShown = now
        // A path may hold escape sequences (shown as `\xNN`, as in warnings).
        let clean = TerminalText.clean(current)
        let name = clean.count > 50 ? "…" + clean.suffix(49) : clean
        let text = "\r\u{1B}[K[\(done)/\(total)] \(name)"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    func finish() {
        guard enabled else { return }
        let text = "\r\u{1B}[K"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}
