import ArgumentParser

/// Output formats of `scan`.
enum ScanFormat: String, ExpressibleByArgument, CaseIterable {
    case table, ndjson, json
}
