import KernelFacts
import Testing

@Suite("Hardware name and BIOS")
struct HardwareNameTests {
    @Test("vendor, product and board, then the BIOS version and date")
    func split() {
        let name = HardwareName("Dell Inc. PowerEdge R740/0DY2X0, BIOS 2.19.1 06/05/2023")
        #expect(name.hardware == "Dell Inc. PowerEdge R740/0DY2X0")
        #expect(name.bios == "2.19.1 06/05/2023")
        let qemu = HardwareName("QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014")
        #expect(qemu.hardware == "QEMU Standard PC (i440FX + PIIX, 1996)")
        #expect(qemu.bios == "1.16.2-debian-1.16.2-1 04/01/2014")
    }

    @Test("a BIOS string that itself holds ', BIOS ' stays whole: the split is at the first")
    func biosHoldsTheMarker() {
        let name = HardwareName("ACME Box 9/MB-1, BIOS Vendor X, BIOS 1.0 rev 7 01/02/2020")
        #expect(name.hardware == "ACME Box 9/MB-1")
        #expect(name.bios == "Vendor X, BIOS 1.0 rev 7 01/02/2020")
    }

    @Test("device-tree machines print no BIOS; empty BIOS text is none")
    func noBIOS() {
        let board = HardwareName("Raspberry Pi 4 Model B Rev 1.4")
        #expect(board.hardware == "Raspberry Pi 4 Model B Rev 1.4")
        #expect(board.bios == nil)
        #expect(HardwareName("Box/Board, BIOS  ").bios == nil)
    }

    @Test("only a Hardware name: line is one")
    func oopsLine() {
        #expect(HardwareName.fromOopsLine("  Hardware name: Box/Board, BIOS 1 01/01/2020")?.bios == "1 01/01/2020")
        #expect(HardwareName.fromOopsLine("DMI: Box/Board, BIOS 1 01/01/2020") == nil)
    }
}
