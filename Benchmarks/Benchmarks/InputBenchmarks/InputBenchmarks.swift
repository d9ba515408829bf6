import Benchmark
import KernelLog
import KtriageBytes

/// Input-layer throughput on in-memory logs (no disk): framing alone, framing plus wrapper
/// stripping for plain dmesg and for a multi-host syslog with other programs' lines mixed in, and
/// the same plus the crash report parser.
/// Throughput figures in MB/s follow from the per-iteration wall-clock time and `megabytes`.
/// For the comparison with `cat` and `rg -c` on a 1 GB file see `compare-input.sh`.

/// About 64 MiB of log text built from a few line shapes, deterministic.
func makeLog(syslog: Bool) -> [UInt8] {
    let messages = [
        "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
        "audit: type=1400 audit(1510499191.123:42): apparmor=\"STATUS\" operation=\"profile_load\"",
        "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
        "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
        "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
    ]
    var text = ""
    text.reserveCapacity(70 << 20)
    var index = 0
    while text.utf8.count < 64 << 20 {
        index += 1
        let seconds = index / 1000
        let stamp =
            "[" + String(repeating: " ", count: max(0, 5 - String(seconds).count))
            + "\(seconds).\(100000 + index % 900000)] "
        if syslog {
            let clock = "Nov 12 \(10 + index / 3600 % 10):\(10 + index / 60 % 50):\(10 + index % 50)"
            if index % 3 == 0 {
                text += clock + " node\(index % 200) sshd[912]: Accepted publickey for ops from 10.0.0.7\n"
            } else {
                text += clock + " node\(index % 200) kernel: " + stamp + messages[index % messages.count] + "\n"
            }
        } else {
            text += stamp + messages[index % messages.count] + "\n"
        }
    }
    return Array(text.utf8)
}

let dmesgLog = makeLog(syslog: false)
let syslogLog = makeLog(syslog: true)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5), maxIterations: 20)

    Benchmark("framing: 64 MiB dmesg") { benchmark in
        var lines = 0
        for _ in benchmark.scaledIterations {
            var framer = LineFramer()
            dmesgLog.withUnsafeBytes { bytes in framer.feed(bytes) { _ in lines += 1 } }
            framer.finish { _ in lines += 1 }
        }
        blackHole(lines)
    }

    Benchmark("framing + stripping: 64 MiB dmesg") { benchmark in
        for _ in benchmark.scaledIterations {
            var kernel = 0
            _ = try dmesgLog.withUnsafeBytes { bytes in
                try KernelLogReader.read(bytes: bytes, path: "dmesg") { _ in kernel += 1 }
            }
            blackHole(kernel)
        }
    }

    Benchmark("framing + stripping + crash parser: 64 MiB dmesg") { benchmark in
        for _ in benchmark.scaledIterations {
            var parser = CrashReportParser()
            _ = try dmesgLog.withUnsafeBytes { bytes in
                try KernelLogReader.read(bytes: bytes, path: "dmesg") { parser.consume($0) }
            }
            blackHole(parser.finish())
        }
    }

    Benchmark("framing + stripping: 64 MiB multi-host syslog") { benchmark in
        for _ in benchmark.scaledIterations {
            var kernel = 0
            _ = try syslogLog.withUnsafeBytes { bytes in
                try KernelLogReader.read(bytes: bytes, path: "syslog") { _ in kernel += 1 }
            }
            blackHole(kernel)
        }
    }
}
