import Foundation
import KtriageReader

// Prints the title of every crash in the files named on the command line — a syslog file, a
// dmesg, a journal export, a folder of them or a vmcore alike.
let reader = CrashReader()
var failed = false
for path in CommandLine.arguments.dropFirst() {
    do {
        for record in try reader.records(path: path) {
            print("\(path): \(record.title)")
        }
    } catch {
        FileHandle.standardError.write(Data("crash-titles: \(error)\n".utf8))
        failed = true
    }
}
exit(failed ? 1 : 0)
