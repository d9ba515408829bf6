/// Appends little-endian (or big-endian) integers and bytes; used by the dump writers.
public struct ByteBuilder {
    public var bytes: [UInt8] = []
    public var bigEndian = false

    public init(bigEndian: Bool = false) { self.bigEndian = bigEndian }

    public mutating func put<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        for index in 0..<size {
            let shift = bigEndian ? 8 * (size - 1 - index) : 8 * index
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    public mutating func put(_ raw: [UInt8]) { bytes += raw }
    public mutating func put(_ raw: ArraySlice<UInt8>) { bytes += raw }
    public mutating func zeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: max(0, count)) }
    public var count: Int { bytes.count }
}
