import KernelFacts
import Testing

@Suite("Call-trace frame tokens")
struct FrameTokenTests {
    @Test("printed addresses: x86 and arm with angle brackets, ppc64 without")
    func printedAddresses() throws {
        let x86 = try #require(FrameToken.printedAddress(Array("[<ffffffff8154d4f0>] foo".utf8), at: 0))
        #expect(x86.value == 0xffff_ffff_8154_d4f0)
        #expect(x86.end == 20)
        #expect(x86.angled && x86.digits == 16)
        let ppc = try #require(FrameToken.printedAddress(Array("[c000000000a3bd00]".utf8), at: 0))
        #expect(!ppc.angled && ppc.value == 0xc000_0000_00a3_bd00)
        #expect(FrameToken.printedAddress(Array("[<ffffffff8154d4f0]".utf8), at: 0) == nil)
        #expect(FrameToken.printedAddress(Array("[<1ffffffff8154d4f0>]".utf8), at: 0) == nil)
        #expect(FrameToken.printedAddress(Array("[<>]".utf8), at: 0) == nil)
    }

    @Test("offset and size after the name; the size may be missing")
    func offsetAndSize() throws {
        let line = Array("dump_stack+0x19/0x1b".utf8)
        let plus = try #require(line.firstIndex(of: UInt8(ascii: "+")))
        let numbers = try #require(FrameToken.offsetAndSize(line, at: plus))
        #expect(numbers.offset == 0x19 && numbers.size == 0x1b && numbers.end == line.count)
        let noSize = try #require(FrameToken.offsetAndSize(Array("pc+0x1c".utf8), at: 2))
        #expect(noSize.offset == 0x1c && noSize.size == nil)
        // The kernel always prints 0x.
        #expect(FrameToken.offsetAndSize(Array("f+12/34".utf8), at: 1) == nil)
    }

    @Test("module, module with build id, and [inline]")
    func modules() throws {
        let plain = Array(" [nf_conntrack]".utf8)
        let found = try #require(FrameToken.module(plain, at: 0))
        #expect(String(decoding: plain[found.name], as: UTF8.self) == "nf_conntrack")
        #expect(found.end == plain.count)
        let withID = Array(" [ext4 0f3e1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f] rest".utf8)
        let identified = try #require(FrameToken.module(withID, at: 0))
        #expect(String(decoding: withID[identified.name], as: UTF8.self) == "ext4")
        #expect(withID[identified.end - 1] == UInt8(ascii: "]"))
        #expect(FrameToken.module(Array(" [inline]".utf8), at: 0) == nil)
        #expect(FrameToken.module(Array(" [mod".utf8), at: 0) == nil)
        #expect(FrameToken.module(Array(" []".utf8), at: 0) == nil)
    }

    @Test("name bytes and the unreliable marker")
    func nameBytes() {
        #expect("foo.isra.0$x_1".utf8.allSatisfy(FrameToken.isSymbolByte))
        #expect(!FrameToken.isSymbolByte(UInt8(ascii: "+")))
        #expect(!FrameToken.isIdentifierByte(UInt8(ascii: ".")))
        let line = Array(" ? schedule+0x4/0x8".utf8)
        #expect(FrameToken.isUnreliableMarker(line, at: 1))
        #expect(!FrameToken.isUnreliableMarker(line, at: 0))
        #expect(!FrameToken.isUnreliableMarker(line, at: -1))
    }
}
