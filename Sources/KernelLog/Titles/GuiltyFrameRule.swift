/// How a report family's guilty frame is found: the candidate frames, the skip words the family
/// adds to the global list, what noticed the bug (which decides where the machinery generated
/// from the kernel's source applies), and how one frame is chosen among the candidates.
struct GuiltyFrameRule: Sendable {
    enum Candidates: Sendable {
        /// The instruction-pointer line's function, then the first stack trace.
        case instructionThenStack
        /// The function of the instruction-pointer line only.
        case instructionOnly
        /// The first stack trace.
        case firstStack
        /// The first stack trace after the first line containing the text.
        case stackAfter(String)
        /// Every frame of the report, in order.
        case allFrames
        /// Lockdep's `at:` lock sites and the frames, in order.
        case lockSitesAndFrames
        /// Built by the title rule (the header's function, KMSAN's unmarked first stack, …).
        case ruleSupplied
    }

    enum Choice: Sendable {
        /// The first candidate outside the skip words and the machinery.
        case firstOutsideSkips
        /// The stall rule: the frame just above the first dispatcher anchor (`StackAnchors.stall`).
        case aboveDispatcher
        /// The hung-task rule: RTNL and RCU waits get their own buckets, else the first frame not waiting.
        case hungTask
    }

    var candidates: Candidates
    var skip: [FramePattern] = []
    var noticer: MachinerySkip.Noticer = .other
    var choice: Choice = .firstOutsideSkips
}

extension TitleEngine {
    /// The guilty frame of `rule`; `supplied` are the candidates of a `.ruleSupplied` rule and
    /// `crashSite` the function a header blames (a WARN site).
    func guilty(_ rule: GuiltyFrameRule, candidates supplied: [String] = [], crashSite: String? = nil)
        -> StackWalker.Pick
    {
        let names: [String]
        switch rule.candidates {
        case .instructionThenStack: names = ipThenStack()
        case .instructionOnly: names = walker.ipFrame(from: 0).map { [$0] } ?? []
        case .firstStack: names = walker.stackFrames(from: 0)
        case .stackAfter(let text):
            names = walker.stackFrames(from: walker.firstIndex(from: 0, where: { $0.contains(text) }) ?? 0)
        case .allFrames: names = walker.allFrames(from: 0)
        case .lockSitesAndFrames: names = atOrFrames()
        case .ruleSupplied: names = supplied
        }
        switch rule.choice {
        case .firstOutsideSkips:
            return StackWalker.pick(names, skip: rule.skip, noticer: rule.noticer, crashSite: crashSite)
        case .aboveDispatcher: return StackWalker.pickStall(names, skip: rule.skip)
        case .hungTask: return StackWalker.pickHung(names)
        }
    }
}
