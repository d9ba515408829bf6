/// What the title rules decided for one report.
struct TitleResult {
    /// The title before normalisation.
    var title: String
    var altTitles: [String] = []
    /// The guilty function as found (before syscall-prefix stripping), if any.
    var guiltyFunction: String?
    var corruptedReason: String?
    var kind: CrashKind
    /// The report is expected to carry a stack trace (checked for corruption).
    var expectsStack = true

    init(_ title: String, kind: CrashKind, expectsStack: Bool = true, corrupted: String? = nil) {
        self.title = title
        self.kind = kind
        self.expectsStack = expectsStack
        self.corruptedReason = corrupted
    }
}
