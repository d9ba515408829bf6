import FuzzSupport
import KernelDump

/// One compressed page, straight into the page decompressors: the first input byte picks the
/// codec (zlib, lzo, snappy, zstd), the rest (at most a page) is page 0's data in a one-page
/// kdump-compressed dump whose header announces that codec. Reading the page must give the page
/// or an error, never a write past the page buffer or a large allocation (bombs, truncated and
/// corrupt streams). Seeds from make-seeds.py: real pages of each codec, cut short, and bombs.
let codecBits: [UInt32] = [0x1, 0x2, 0x4, 0x20]
let pageSize = 4096

/// Header, sub-header, the two bitmaps (page 0 present and dumped) and page 0's descriptor; the
/// data size is patched per input.
func dumpHeader(codecBit: UInt32) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 4 * pageSize + 24)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }
    bytes.replaceSubrange(0..<8, with: Array("KDUMP   ".utf8))
    put(Int32(6), at: 8)  // header_version
    bytes.replaceSubrange(12..<17, with: Array("Linux".utf8))
    bytes.replaceSubrange((12 + 4 * 65)..<(12 + 4 * 65 + 6), with: Array("x86_64".utf8))
    put(Int32(bitPattern: codecBit), at: 424)  // status
    put(Int32(pageSize), at: 428)  // block_size
    put(Int32(1), at: 432)  // sub_hdr_size
    put(UInt32(2), at: 436)  // bitmap_blocks
    put(UInt32(1), at: 440)  // max_mapnr
    put(Int32(1), at: 460)  // nr_cpus
    put(Int32(1), at: pageSize + 8)  // dump_level
    put(UInt64(1), at: pageSize + 24)  // end_pfn
    put(UInt64(1), at: pageSize + 88)  // end_pfn_64
    put(UInt64(1), at: pageSize + 96)  // max_mapnr_64
    bytes[2 * pageSize] = 1  // RAM bitmap
    bytes[3 * pageSize] = 1  // dumped bitmap
    let descriptor = 4 * pageSize
    put(Int64(descriptor + 24), at: descriptor)
    put(codecBit, at: descriptor + 12)
    return bytes
}

/// Where the descriptor's `size` field lies in the header.
let sizeField = 4 * pageSize + 8
/// One header per codec, built once; each execution copies one and appends the page.
let headers = codecBits.map { dumpHeader(codecBit: $0) }
nonisolated(unsafe) var image: [UInt8] = []

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 1 else { return 0 }
    let data = UnsafeRawBufferPointer(start: start + 1, count: min(count - 1, pageSize))
    image.removeAll(keepingCapacity: true)
    image += headers[Int(start[0]) % headers.count]
    withUnsafeBytes(of: UInt32(data.count).littleEndian) {
        image.replaceSubrange(sizeField..<(sizeField + 4), with: $0)
    }
    image.append(contentsOf: data)
    guard let dump = image.withUnsafeBytes({ try? Vmcore(bytes: $0, name: "fuzz") }) else { return 0 }
    // The kernel image map reaches page 0 through phys_base 0, without page tables.
    _ = try? dump.readKernel(0xffff_ffff_8000_0000, count: pageSize)
    return 0
}

runFuzzer(fuzzOne)
