import KernelFacts
import Testing

@Suite("VMCOREINFO text")
struct VMCoreInfoTextTests {
    static let text = """
        OSRELEASE=6.1.0-56-amd64
        BUILD-ID=eb4fbcd037e7253717950bf2b93bd5566f47c56f
        PAGESIZE=4096
        SYMBOL(init_uts_ns)=ffffffff8a612e40
        SYMBOL(_stext)=ffffffff89a00000
        SYMBOL(bad)=zz
        OFFSET(uts_namespace.name)=4
        SIZE(printk_info)=88
        LENGTH(printk_info_device)=48
        NUMBER(phys_base)=-125829120
        NUMBER(kimage_voffset)=0xffff800008000000
        SIZE(huge)=99999999
        KERNELOFFSET=8a00000
        CRASHTIME=1795369534\r
        """

    @Test("every kind of key, typed")
    func keys() {
        let info = VMCoreInfo(text: Array(Self.text.utf8))
        #expect(info.osRelease == "6.1.0-56-amd64")
        #expect(info.pageSize == 4096)
        #expect(info.crashTime == 1_795_369_534)
        #expect(info.kernelOffset == 0x8a0_0000)
        #expect(info.symbol("init_uts_ns") == 0xffff_ffff_8a61_2e40)
        #expect(info.symbol("bad") == nil)
        #expect(info.offset("uts_namespace.name") == 4)
        #expect(info.size("printk_info") == 88)
        #expect(info.length("printk_info_device") == 48)
        #expect(info.number("phys_base") == -125_829_120)
        #expect(info.number("kimage_voffset") == Int64(bitPattern: 0xffff_8000_0800_0000))
        // Beyond maxLayoutValue: treated as absent so offset arithmetic cannot overflow.
        #expect(info.size("huge") == nil)
    }

    @Test("SYMBOL() entries in order, unparsable values left out")
    func symbols() {
        let info = VMCoreInfo(text: Array(Self.text.utf8))
        #expect(info.symbols.map(\.name) == ["init_uts_ns", "_stext"])
        #expect(info.symbols.last?.address == 0xffff_ffff_89a0_0000)
    }

    @Test("hex with and without 0x, at most 16 digits")
    func hex() {
        #expect(VMCoreInfo.parseHex("0x10") == 16)
        #expect(VMCoreInfo.parseHex("ffffffffffffffff") == UInt64.max)
        #expect(VMCoreInfo.parseHex("1ffffffffffffffff") == nil)
        #expect(VMCoreInfo.parseHex("0x") == nil)
        #expect(VMCoreInfo.parseHex("12 ") == nil)
    }
}
