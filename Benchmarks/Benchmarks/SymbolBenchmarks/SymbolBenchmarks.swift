import Benchmark
import KernelSymbols

let benchmarks: @Sendable () -> Void = {
}
