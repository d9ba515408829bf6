import KernelLog
import Testing

@Suite struct TitleNormalizerTests {
    @Test(arguments: [
        ("KASAN: use-after-free Read in tcp_close", "KASAN: use-after-free Read in tcp_close"),
        (
            "INFO: task syz-executor4:1234 blocked for more than 143 seconds.",
            "INFO: task syz-executor blocked for more than NUM seconds."
        ),
        (
            "BUG: unable to handle kernel paging request at ffffc90012345678",
            "BUG: unable to handle kernel paging request at ADDR"
        ),
        ("general protection fault at 0xdead000000000122", "general protection fault at ADDR"),
        ("kernel BUG at fs/ext4/inode.c:2712!", "kernel BUG at fs/ext4/inode.c:LINE!"),
        ("WARNING in foo+0x1a/0x30", "WARNING in foo"),
        ("BUG: soft lockup - CPU#3 stuck for 22s!", "BUG: soft lockup - CPU stuck for 22s!"),
        (
            "kernel panic: VFS: Unable to mount root fs on unknown-block(0,0)",
            "kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)"
        ),
        ("trusty: panic: failed(-12) to start app 5", "trusty: panic: failed(-NUM) to start app NUM"),
        ("WARNING in cfg80211_rdev_free and nl802154_x", "WARNING in cfg80211_rdev_free and nl802154_x"),
        ("route to 10.0.0.1 lost", "route to IP lost"),
        ("pid=123456 died", "pid=ADDR died"),
        ("  tabs\tand   spaces  ", "tabs and spaces"),
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(TitleNormalizer.normalize(input) == expected)
    }

    @Test func capsLength() {
        let long = String(repeating: "a", count: 500)
        #expect(TitleNormalizer.normalize(long).utf8.count == TitleNormalizer.maxTitleBytes)
    }

    @Test func dropsControlAndNonASCII() {
        #expect(TitleNormalizer.normalize("WARNING in f\u{1b}[0m\u{00e9}oo") == "WARNING in f[0moo")
    }

    @Test func signatureIsStableAndSeparates() {
        let a = CrashSignature.of(title: "WARNING in foo")
        #expect(a == CrashSignature.of(title: "WARNING in foo"))
        #expect(a != CrashSignature.of(title: "WARNING in bar"))
        #expect(a.count == 16 && a.allSatisfy(\.isHexDigit))
    }

    @Test func sameBugOnOtherBuildsSharesSignature() {
        let logA = """
            [  10.1] WARNING: CPU: 3 PID: 12 at drivers/x/y.c:100 foo_fn+0x45/0x60
            [  10.2] RIP: 0010:foo_fn+0x45/0x60
            [  10.3] Call Trace:
            [  10.4]  bar_fn+0x10/0x20
            [  10.5]  baz_fn+0x10/0x20
            [  10.6]  kthread+0x10/0x20
            """
        let logB = """
            [ 999.1] WARNING: CPU: 0 PID: 4242 at drivers/x/y.c:117 foo_fn+0x99/0x70 [ymod]
            [ 999.2] RIP: 0010:foo_fn+0x99/0x70 [ymod]
            [ 999.3] Call Trace:
            [ 999.4]  [<ffffffff81234567>] bar_fn+0x11/0x20 [ymod]
            [ 999.5]  [<ffffffff81234568>] baz_fn+0x12/0x20
            [ 999.6]  [<ffffffff81234569>] kthread+0x13/0x20
            """
        let a = FrontDoor.records(logA)
        let b = FrontDoor.records(logB)
        #expect(a.first?.title == "WARNING in foo_fn")
        #expect(a.first?.signature == b.first?.signature)
        #expect(a.first?.signatureVersion == CrashSignature.version)
    }
}
