import Testing

@testable import KernelLog

@Suite struct FrameParserTests {
    @Test func x86WithAddressAndModule() throws {
        let f = try #require(FrameParser.parse(" [<ffffffffa01c2e6a>] ext4_foo+0x2a/0x90 [ext4]"))
        #expect(f.frame.function == "ext4_foo")
        #expect(f.frame.offset == 0x2a && f.frame.size == 0x90)
        #expect(f.frame.module == "ext4")
        #expect(f.frame.address == 0xffff_ffff_a01c_2e6a)
        #expect(f.frame.reliable)
        #expect(f.titleName == "ext4_foo")
    }

    @Test func unreliableFramesAreNotTitleFrames() throws {
        let f = try #require(FrameParser.parse("  ? show_trace_log_lvl+0x1c4/0x2df"))
        #expect(!f.frame.reliable)
        #expect(f.titleName == nil)
    }

    @Test func cloneSuffixesStayInFunctionButNotInTitleName() throws {
        let f = try #require(FrameParser.parse(" __call_rcu.constprop.76+0x1f/0x280"))
        #expect(f.frame.function == "__call_rcu.constprop.76")
        #expect(f.titleName == "__call_rcu")
    }

    @Test func moduleWithBuildID() throws {
        let f = try #require(FrameParser.parse(" nvme_irq+0x170/0x2a0 [nvme 1a2b3c4d5e6f]"))
        #expect(f.frame.module == "nvme")
    }

    @Test func ppc64StackAndLinkRegister() throws {
        let f = try #require(
            FrameParser.parse("[c000000fe1b3fb50] [d000000003a41200] .mydrv_poll+0x0/0x90 [mydrv] (unreliable)"))
        #expect(f.frame.function == "mydrv_poll")
        #expect(f.frame.address == 0xd000_0000_03a4_1200)
        #expect(!f.frame.reliable)
    }

    @Test func arm32CalleeAndCaller() throws {
        let f = try #require(
            FrameParser.parse("[<c0014990>] (unwind_backtrace) from [<c005ccb8>] (__lock_acquire+0x14f8/0x1b98)"))
        #expect(f.frame.function == "unwind_backtrace")
        #expect(f.titleNames == ["unwind_backtrace", "__lock_acquire"])
    }

    @Test func s390Parenthesised() throws {
        let f = try #require(FrameParser.parse(" ([<0000000000112233>] foo_bar+0x2c/0x60)"))
        #expect(f.frame.function == "foo_bar")
    }

    @Test func inlineLinesAreNotFrames() {
        #expect(FrameParser.parse(" foo net/x.c:12 [inline]") == nil)
        #expect(FrameParser.parse(" ffff8801ce54f6d8 ffffffff81d90a29 0000000000000001") == nil)
    }

    @Test(arguments: [
        ("RIP: 0010:nvme_complete_rq+0x1c/0x1a0 [nvme_core]", "nvme_complete_rq"),
        ("RIP: 0010:[<ffffffff8104f2a1>]  [<ffffffff8104f2a1>] foo+0x21/0x40", "foo"),
        ("IP: [<ffffffffa01c2e6a>] ext4_foo+0x2a/0x90 [ext4]", "ext4_foo"),
        ("EIP is at radeon_cp+0x90/0x302 [radeon]", "radeon_cp"),
        ("pc : mydrv_work_fn+0x24/0x80 [mydrv]", "mydrv_work_fn"),
        ("PC is at __sanitizer_cov_trace_pc+0x4c/0x78", "__sanitizer_cov_trace_pc"),
        ("NIP [d000000003a41234] mydrv_poll+0x34/0x90 [mydrv]", "mydrv_poll"),
        ("epc : mydrv_irq+0x1c/0x40 [mydrv]", "mydrv_irq"),
        ("Krnl PSW : 0704c00180000000 000003ff8012abcd (mydrv_open+0x24/0x80 [mydrv])", "mydrv_open"),
    ])
    func instructionPointers(_ line: String, _ function: String) {
        #expect(FrameParser.parseInstructionPointer(line[...])?.frame.function == function)
    }

    @Test func userSpaceRIPIsNoFrame() {
        #expect(FrameParser.parseInstructionPointer("RIP: 0033:0x7f88b7e4e673") == nil)
    }

    @Test(arguments: [
        ("<IRQ>", FrameContext.irq), ("</IRQ>", .task), ("<EOI>", .task), ("<NMI>", .nmi), ("<<EOE>>", .task),
        ("<TASK>", .task), ("<#DF>", .exception), ("<SOFTIRQ>", .softirq),
    ])
    func contextMarkers(_ line: String, _ context: FrameContext) {
        #expect(FrameParser.contextMarker(line[...]) == context)
    }

    @Test func demanglesCxx() {
        #expect(Demangler.demangle("_Z8fakeNameiii") == "fakeName")
        #expect(Demangler.demangle("_ZN3foo3barEv") == "foo::bar")
        #expect(Demangler.demangle("plain_c") == "plain_c")
    }
}

@Suite struct RustDemanglerTests {
    @Test func traitImplMethod() {
        #expect(
            Demangler.demangle(
                "_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap")
                == "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap")
    }

    @Test func plainPaths() {
        #expect(Demangler.demangle("_RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt") == "core::panicking::panic_fmt")
        #expect(Demangler.demangle("_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind") == "__rustc::rust_begin_unwind")
    }

    @Test func garbageStaysMangled() {
        #expect(Demangler.demangle("_RNvB999999_3foo") == "_RNvB999999_3foo")
        #expect(Demangler.demangle("_RX") == "_RX")
    }
}

@Suite struct UnsymbolizedFrameTests {
    @Test func addressOnlyFramesKeepTheirAddress() throws {
        let f = try #require(FrameParser.parse(" [<000003fffd4a1d92>] 0x3fffd4a1d92"))
        #expect(f.frame.function == "")
        #expect(f.frame.address == 0x3ff_fd4a_1d92)
        #expect(f.titleName == nil)
        #expect(FrameParser.parse(" 0xfdc88c28")?.frame.address == 0xfdc8_8c28)
        #expect(FrameParser.parse(" 0xfdc88c28 trailing words") == nil)
    }

    @Test func twoMarkersAndAFrameOnOneLine() throws {
        let log = """
            WARNING: at net/ipv4/tcp_input.c:2711 tcp_fastretrans_alert+0xc7a/0xd10()
            Pid: 0, comm: swapper/0 Not tainted 3.9.0 #1
            Call Trace:
             <NMI>  [<ffffffff81656735>] dump_stack+0x19/0x1b
             [<ffffffff8105d670>] warn_slowpath_common+0x70/0xa0
             <<EOE>> <IRQ>  [<ffffffff81584ca7>] ip_local_deliver+0x47/0x80
             <EOI>  [<ffffffffa044ff36>] rt2800pci_rxdone_tasklet+0x16/0x90 [rt2800pci]
            """
        let r = try #require(FrontDoor.records(log).first)
        #expect(
            r.frames.map(\.function) == [
                "dump_stack", "warn_slowpath_common", "ip_local_deliver", "rt2800pci_rxdone_tasklet",
            ])
        #expect(r.frames.map(\.context) == [.nmi, .nmi, .irq, .task])
    }
}
