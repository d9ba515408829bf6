import Benchmark
import KernelLog
import KtriageBytes

let benchmarks: @Sendable () -> Void = {
}
